import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Hub } from '../src/context.ts';
import type { Db } from '../src/db/index.ts';
import { readiness } from '../src/services/readiness.ts';
import { testDatabases, testHub } from './databases.ts';

// /api/ready: true once an upload can be placed under the network policy (three countries by
// default), and otherwise a reason that says what is missing.

const [database] = await testDatabases();

describe('readiness', () => {
  let db: Db;
  let hub: Hub;
  let n = 0;
  const addHost = async (
    country: string,
    o: { state?: 'active' | 'pending'; seenAgoMs?: number; full?: boolean } = {},
  ) => {
    const id = (++n).toString(16).padStart(32, '0');
    await db.kysely
      .insertInto('hosts')
      .values({
        id,
        public_key: `key-${id}`,
        url: `http://127.0.0.1:${9000 + n}`,
        country,
        capacity: 1e12,
        used_bytes: o.full ? 1e12 : 0,
        chunks: 0,
        stored_bytes: 0,
        last_seen_at: hub.now() - (o.seenAgoMs ?? 0),
        registered_at: hub.now(),
        declared_country: country,
        owner_account_id: null,
        bandwidth: null,
        state: o.state ?? 'active',
      })
      .execute();
  };

  before(async () => {
    assert.ok(database);
    db = await database.open();
    hub = testHub(db.kysely);
  });
  after(async () => {
    await db?.close();
  });

  test('names what is missing until online, approved hosts with room span three countries', async () => {
    let r = await readiness(hub);
    assert.equal(r.ready, false);
    assert.match(
      r.reason ?? '',
      /in 3 countries; countries with one: none: no host has registered yet/,
    );

    await addHost('FR');
    await addHost('FR');
    await addHost('DE', { state: 'pending' });
    await addHost('ES', { seenAgoMs: 3_600_000 });
    await addHost('PT', { full: true });
    r = await readiness(hub);
    assert.equal(r.ready, false);
    assert.match(r.reason ?? '', /countries with one: 1 \(FR\)/);
    assert.match(r.reason ?? '', /1 awaiting the operator's approval, 1 offline, 1 full/);

    await addHost('NL');
    r = await readiness(hub);
    assert.equal(r.ready, false);
    assert.match(r.reason ?? '', /countries with one: 2 \(FR, NL\)/);
    await addHost('SE');
    assert.deepEqual(await readiness(hub), { ready: true });
  });
});
