import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { newSigningKeyPair, type SigningSecretKey, toBase64Url } from '@coffer/crypto';
import { ValidationError } from '@coffer/errors';
import { HOST_HELLO_LABEL, hostIdFromKey, STATUS, signMessage } from '@coffer/protocol';
import type { Hub } from '../src/context.ts';
import type { Db } from '../src/db/index.ts';
import { stats } from '../src/services/admin.ts';
import { adminHosts, hello } from '../src/services/hosts.ts';
import { testDatabases, testHub } from './databases.ts';

// The free space and size of each host's disk, as its hello reports them ([Note: Declared and
// real space]): stored, shown beside the declared capacity, a host that declares more than its
// disk has flagged, bad figures refused naming the field, and hosts that do not say accepted.

const GiB = 1024 ** 3;

interface TestHost {
  id: string;
  publicKey: string;
  key: SigningSecretKey;
  url: string;
}

async function newHost(url: string): Promise<TestHost> {
  const keys = newSigningKeyPair();
  return {
    id: await hostIdFromKey(keys.publicKey),
    publicKey: toBase64Url(keys.publicKey),
    key: keys.secretKey,
    url,
  };
}

/** A hello from `h` declaring `capacity`, with `extra` fields (a disk, or a bad one). */
const helloFrom = (h: TestHost, capacity: number, extra: Record<string, unknown> = {}) =>
  signMessage(
    HOST_HELLO_LABEL,
    {
      v: 1,
      host: h.id,
      publicKey: h.publicKey,
      url: h.url,
      country: 'FR',
      capacity,
      usedBytes: GiB,
      chunks: 10,
      at: Date.now(),
      ...extra,
    },
    h.key,
  );

for (const database of await testDatabases()) {
  describe(`host disks on ${database.kind}`, () => {
    let db: Db;
    let hub: Hub;
    let fits: TestHost;
    let overcommitted: TestHost;
    let sameMachine: TestHost;
    let old: TestHost;
    const hostById = async (id: string) => {
      const h = (await adminHosts(hub)).hosts.find((x) => x.id === id);
      assert.ok(h, `host ${id} is listed`);
      return h;
    };

    before(async () => {
      db = await database.open();
      hub = testHub(db.kysely);
      fits = await newHost('http://10.0.0.1:9001');
      overcommitted = await newHost('http://10.0.0.2:9001');
      sameMachine = await newHost('http://10.0.0.2:9002');
      old = await newHost('http://10.0.0.3:9001');
    });
    after(async () => {
      await db?.close();
      await database.drop();
    });

    test('a host reports its disk: stored and shown beside its declared capacity', async () => {
      await hello(
        hub,
        helloFrom(fits, 50 * GiB, { disk: { freeBytes: 80 * GiB, sizeBytes: 250 * GiB } }),
      );
      const h = await hostById(fits.id);
      assert.equal(h.capacity, 50 * GiB);
      assert.equal(h.usedBytes, GiB);
      assert.deepEqual(h.disk, { freeBytes: 80 * GiB, sizeBytes: 250 * GiB });
      assert.equal(h.overcommitted, false);
    });

    test('a host that declares more than its disk has (less what it stores) is flagged, in the listing and the stats', async () => {
      // 400 GiB declared, 1 GiB stored: 399 GiB more to come, on a disk with 78 GiB free.
      await hello(
        hub,
        helloFrom(overcommitted, 400 * GiB, {
          disk: { freeBytes: 78 * GiB, sizeBytes: 250 * GiB },
        }),
      );
      assert.equal((await hostById(overcommitted.id)).overcommitted, true);
      // Declaring exactly what it stores plus what is free is not overcommitting.
      await hello(
        hub,
        helloFrom(fits, 81 * GiB, { disk: { freeBytes: 80 * GiB, sizeBytes: 250 * GiB } }),
      );
      assert.equal((await hostById(fits.id)).overcommitted, false);
      const s = await stats(hub);
      assert.equal(s.capacity, 481 * GiB);
      assert.deepEqual(s.disk, {
        freeBytes: 158 * GiB,
        sizeBytes: 500 * GiB,
        reporting: 2,
        overcommitted: 1,
      });
    });

    test('hosts on one machine that report the same disk count it once in the totals', async () => {
      await hello(
        hub,
        helloFrom(sameMachine, 10 * GiB, {
          disk: { freeBytes: 77 * GiB, sizeBytes: 250 * GiB },
        }),
      );
      const s = await stats(hub);
      assert.equal(s.disk.reporting, 3);
      // The newest report of that disk counts: 77 GiB free, not 78 + 77.
      assert.equal(s.disk.freeBytes, 157 * GiB);
      assert.equal(s.disk.sizeBytes, 500 * GiB);
      assert.equal(s.disk.overcommitted, 1);
    });

    test('an older host that does not report its disk is still accepted, and never flagged', async () => {
      const answer = await hello(hub, helloFrom(old, 1000 * GiB));
      assert.equal(answer.hostId, old.id);
      const h = await hostById(old.id);
      assert.equal(h.disk, null);
      assert.equal(h.overcommitted, false);
      const s = await stats(hub);
      assert.equal(s.hosts, 4);
      assert.equal(s.disk.reporting, 3);
      // A host that stops reporting (run again by an older version) no longer shows its old disk.
      await hello(hub, helloFrom(overcommitted, 400 * GiB));
      const again = await hostById(overcommitted.id);
      assert.equal(again.disk, null);
      assert.equal(again.overcommitted, false);
      await hello(
        hub,
        helloFrom(overcommitted, 400 * GiB, {
          disk: { freeBytes: 78 * GiB, sizeBytes: 250 * GiB },
        }),
      );
    });

    test('bad disk figures are refused with a 400 naming the field, and change nothing', async () => {
      const cases: [string, unknown, string][] = [
        ['a negative free space', { freeBytes: -1, sizeBytes: 250 * GiB }, 'hello.disk.freeBytes'],
        ['a fractional size', { freeBytes: 1, sizeBytes: 2.5 }, 'hello.disk.sizeBytes'],
        ['a size as text', { freeBytes: 1, sizeBytes: '250GiB' }, 'hello.disk.sizeBytes'],
        ['no size', { freeBytes: 1 }, 'hello.disk.sizeBytes'],
        ['more free than the disk holds', { freeBytes: 3, sizeBytes: 2 }, 'hello.disk.freeBytes'],
        ['not an object', 78, 'hello.disk'],
        ['an unknown field', { freeBytes: 1, sizeBytes: 2, inodes: 3 }, 'hello.disk'],
        ['a size past 2^53', { freeBytes: 1, sizeBytes: 2 ** 60 }, 'hello.disk.sizeBytes'],
      ];
      for (const [what, disk, field] of cases) {
        await assert.rejects(
          hello(hub, helloFrom(overcommitted, 1 * GiB, { disk })),
          (e) => {
            assert.ok(e instanceof ValidationError, `${what}: ${e}`);
            assert.equal(e.field, field, what);
            assert.equal(STATUS[e.code], 400, what);
            return true;
          },
          what,
        );
      }
      const h = await hostById(overcommitted.id);
      assert.equal(h.capacity, 400 * GiB, 'the refused hellos changed nothing');
      assert.deepEqual(h.disk, { freeBytes: 78 * GiB, sizeBytes: 250 * GiB });
      assert.equal(h.overcommitted, true);
    });
  });
}
