import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { QuotaError } from '@coffer/errors';
import type { Kysely } from 'kysely';
import { parseHubConfig } from '../src/config.ts';
import type { Caller, Hub } from '../src/context.ts';
import type { Database, Db } from '../src/db/index.ts';
import { accountUsage, checkQuota } from '../src/services/usage.ts';
import { addTestAccounts, testDatabases, testHub, testNode } from './databases.ts';

// [Note: Account quota]: what an account stores, split into files, older versions and the
// trash (a file inside a trashed folder is in the trash too), and the refusal past the quota.

const id = (n: number) => n.toString(16).padStart(32, '0');
const alice: Caller = { accountId: id(1), sessionId: id(51) };
const bob: Caller = { accountId: id(2), sessionId: id(52) };
const root = id(10);
const docs = id(11);
const old = id(12);
const kept = id(13);
const versioned = id(14);
const loose = id(15);
const bobRoot = id(20);
const bobFile = id(21);

async function seed(db: Kysely<Database>) {
  await addTestAccounts(db, [alice.accountId, bob.accountId], root);
  const node = (nodeId: string, parent: string | null, kind: 'file' | 'folder', o = {}) => ({
    ...testNode(alice.accountId, nodeId, parent, kind),
    ...o,
  });
  await db
    .insertInto('nodes')
    .values([
      node(root, null, 'folder'),
      node(docs, root, 'folder'),
      // A trashed folder: what is inside it is in the trash, though only the folder is marked.
      node(old, root, 'folder', { trashed_at: 5 }),
      node(kept, old, 'file', { size: 300 }),
      node(versioned, docs, 'file', { revision: 3, size: 1000 }),
      node(loose, root, 'file', { size: 7, trashed_at: 6 }),
      { ...testNode(bob.accountId, bobRoot, null, 'folder'), name_hash: null },
      { ...testNode(bob.accountId, bobFile, bobRoot, 'file'), size: 99_999 },
    ])
    .execute();
  const rev = (node_id: string, revision: number, size: number) => ({
    node_id,
    revision,
    size,
    manifest: 'm',
    created_at: 0,
  });
  await db
    .insertInto('revisions')
    .values([
      rev(kept, 1, 300),
      rev(versioned, 1, 10),
      rev(versioned, 2, 20),
      rev(versioned, 3, 1000),
      rev(loose, 1, 7),
      rev(bobFile, 1, 99_999),
    ])
    .execute();
}

const withQuota = (hub: Hub, accountQuota: string | number): Hub => ({
  ...hub,
  config: parseHubConfig({ dataDir: '/nonexistent', accountQuota }),
});

for (const d of await testDatabases()) {
  describe(`account usage (${d.kind})`, () => {
    let db: Db;
    let hub: Hub;
    before(async () => {
      db = await d.open();
      await seed(db.kysely);
      hub = testHub(db.kysely);
    });
    after(async () => {
      await db.close();
      await d.drop();
    });

    test('splits what the account stores into files, older versions and the trash', async () => {
      assert.deepEqual(await accountUsage(hub, alice), {
        files: 1000,
        versions: 30,
        trash: 307,
        total: 1337,
        quota: null,
        donationUrl: null,
      });
    });

    test('free and unlimited by default: nothing is ever refused', async () => {
      assert.equal(hub.config.accountQuota, undefined);
      await checkQuota(hub, hub.db, alice.accountId, Number.MAX_SAFE_INTEGER, alice);
    });

    test('past the quota, a QuotaError with the figures; up to it, nothing', async () => {
      const limited = withQuota(hub, '1KiB');
      assert.equal(limited.config.accountQuota, 1024);
      assert.equal((await accountUsage(limited, alice)).quota, 1024);
      await assert.rejects(
        checkQuota(limited, limited.db, alice.accountId, 1, alice),
        (e: unknown) =>
          e instanceof QuotaError &&
          e.figures?.used === 1337 &&
          e.figures.quota === 1024 &&
          /^quota exceeded: 1\.3 KiB of 1\.0 KiB used, and this upload needs 1 B more/.test(
            e.message,
          ),
      );
      const roomy = withQuota(hub, 1337 + 10);
      await checkQuota(roomy, roomy.db, alice.accountId, 10, alice);
      await assert.rejects(checkQuota(roomy, roomy.db, alice.accountId, 11, alice), QuotaError);
      // Each account counts its own tree only.
      await checkQuota(roomy, roomy.db, id(3), 1347, alice);
    });

    test('to an app, a QuotaError without the account’s figures', async () => {
      const limited = withQuota(hub, '1KiB');
      const app = { id: id(40), folderId: docs, access: 'readwrite' as const };
      await assert.rejects(
        checkQuota(limited, limited.db, alice.accountId, 1, { app }),
        (e: unknown) =>
          e instanceof QuotaError &&
          e.figures === undefined &&
          !/KiB|\d/.test(e.message) &&
          /^quota exceeded: the account this app writes to has no room/.test(e.message),
      );
    });
  });
}

test('the config refuses a quota or a donation link it cannot read, naming the field', () => {
  assert.throws(
    () => parseHubConfig({ dataDir: '/x', accountQuota: 'lots' }),
    /accountQuota.*expected bytes or a size such as 10GiB/,
  );
  assert.throws(
    () => parseHubConfig({ dataDir: '/x', donationUrl: 'http://example.org/give' }),
    /donationUrl.*https/,
  );
  const c = parseHubConfig({
    dataDir: '/x',
    accountQuota: '10GiB',
    donationUrl: 'https://example.org/give',
  });
  assert.equal(c.accountQuota, 10 * 2 ** 30);
  assert.equal(c.donationUrl, 'https://example.org/give');
});
