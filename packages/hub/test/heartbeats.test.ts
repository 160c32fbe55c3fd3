import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { newSigningKeyPair, toBase64Url } from '@coffer/crypto';
import { HOST_HELLO_LABEL, hostIdFromKey, signMessage } from '@coffer/protocol';
import type { Hub } from '../src/context.ts';
import type { Db } from '../src/db/index.ts';
import { hello } from '../src/services/hosts.ts';
import { recordReplicas } from '../src/services/replicas.ts';
import { foldStoredBytes } from '../src/services/stored-bytes.ts';
import { testDatabases, testHub } from './databases.ts';

// Heartbeats never wait on upload transactions ([Note: Stored bytes]): a host whose chunks are
// being recorded by a transaction still open must get its hello through, or under load a
// healthy host would be taken for offline. PostgreSQL only: SQLite runs one transaction at a
// time by design, and heartbeats there wait for the database, not for a row.

const postgres = (await testDatabases()).find((d) => d.kind === 'postgres');

describe('heartbeats during upload transactions on postgres', { skip: !postgres }, () => {
  let db: Db;
  let hub: Hub;
  const keys = newSigningKeyPair();
  let hostId: string;

  const signedHello = () =>
    signMessage(
      HOST_HELLO_LABEL,
      {
        v: 1,
        host: hostId,
        publicKey: toBase64Url(keys.publicKey),
        url: 'http://127.0.0.1:9100',
        country: 'FR',
        capacity: 1e12,
        usedBytes: 0,
        chunks: 0,
        at: Date.now(),
      },
      keys.secretKey,
    );

  before(async () => {
    db = await (postgres as NonNullable<typeof postgres>).open();
    hub = testHub(db.kysely);
    hostId = await hostIdFromKey(keys.publicKey);
    await hello(hub, signedHello());
  });
  after(async () => {
    await db?.close();
    await postgres?.drop();
  });

  // The timeout turns the hang into a failure.
  test('a hello gets through while a transaction recording its chunks is open', {
    timeout: 60_000,
  }, async () => {
    const chunk = 'c'.repeat(64);
    await db.kysely.insertInto('chunks').values({ id: chunk, size: 4096, created_at: 1 }).execute();
    let heard = false;
    await db.kysely.transaction().execute(async (tx) => {
      await recordReplicas(tx, [{ chunk, host: hostId, size: 4096, receipt: 'r', at: 1 }]);
      // Were the host's row locked by this transaction, the hello would wait for its commit,
      // which waits for the hello: the test would hang instead of passing.
      await hello(hub, signedHello());
      heard = true;
    });
    assert.ok(heard);
    await foldStoredBytes(db.kysely);
    const row = await db.kysely
      .selectFrom('hosts')
      .select('stored_bytes')
      .where('id', '=', hostId)
      .executeTakeFirstOrThrow();
    assert.equal(Number(row.stored_bytes), 4096);
  });
});
