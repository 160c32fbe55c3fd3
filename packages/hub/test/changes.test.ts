import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ExpiredError, ValidationError } from '@coffer/errors';
import type { Caller, Hub } from '../src/context.ts';
import type { Db } from '../src/db/index.ts';
import type { NodesTable } from '../src/db/schema.ts';
import { inTransaction } from '../src/db/transaction.ts';
import { recordChanges } from '../src/services/change-log.ts';
import { changesAfter, KEEP_DAYS, latestCursor, pruneChanges } from '../src/services/changes.ts';
import { addTestAccounts, addTestShare, testDatabases, testHub, testNode } from './databases.ts';

// The change log on both databases, without a server: who a change is told to, numbering that
// never skips under concurrent writers, waking a long poll, pruning and expired cursors.

const id = (n: number) => n.toString(16).padStart(32, '0');
const caller = (n: number): Caller => ({ accountId: id(n), sessionId: id(50 + n) });
const [alice, bob] = [caller(1), caller(2)];
const [root, shared, privateFolder, share] = [id(10), id(11), id(12), id(20)];

const node = (nodeId: string, parent: string | null, kind: 'file' | 'folder') =>
  testNode(alice.accountId, nodeId, parent, kind);

async function seed(hub: Hub) {
  await addTestAccounts(hub.db, [alice.accountId, bob.accountId], root);
  await hub.db
    .insertInto('nodes')
    .values([
      node(root, null, 'folder'),
      node(shared, root, 'folder'),
      node(privateFolder, root, 'folder'),
    ])
    .execute();
  await addTestShare(hub.db, { id: share, nodeId: shared, ownerId: alice.accountId }, [
    { accountId: bob.accountId, role: 'read' },
  ]);
}

/** Writes `n` as a new node (or moves it) and records it, in one transaction. */
async function write(hub: Hub, n: NodesTable, previousParentId?: string | null) {
  await inTransaction(hub.db, async (tx) => {
    await tx.deleteFrom('nodes').where('id', '=', n.id).execute();
    await tx.insertInto('nodes').values(n).execute();
    await recordChanges(hub, tx, [
      previousParentId === undefined ? { node: n } : { node: n, previousParentId },
    ]);
  });
}

const everything = async (hub: Hub, c: Caller, cursor = '0') =>
  (await changesAfter(hub, c, { cursor, limit: 1000 })).changes;

for (const database of await testDatabases()) {
  describe(`change log on ${database.kind}`, () => {
    let db: Db;
    let hub: Hub;
    before(async () => {
      db = await database.open();
      hub = testHub(db.kysely);
      await seed(hub);
    });
    after(async () => {
      await db.close();
      await database.drop();
    });

    test('the owner sees every change; a member only the share, a move out as a removal', async () => {
      const inShare = node(id(30), shared, 'file');
      const mine = node(id(31), privateFolder, 'file');
      await write(hub, inShare);
      await write(hub, mine);
      await write(hub, { ...inShare, parent_id: privateFolder, version: 2 }, shared);
      const forAlice = await everything(hub, alice);
      assert.deepEqual(
        forAlice.map((c) => [c.nodeId, c.parentId, c.deleted, c.shareId]),
        [
          [inShare.id, shared, false, null],
          [mine.id, privateFolder, false, null],
          [inShare.id, privateFolder, false, null],
        ],
      );
      const forBob = await everything(hub, bob);
      assert.deepEqual(
        forBob.map((c) => [c.nodeId, c.deleted, c.shareId]),
        [
          [inShare.id, false, share],
          [inShare.id, true, share],
        ],
      );
    });

    test('concurrent writers never make a reader skip a change', async () => {
      let cursor = (await latestCursor(hub, alice)).cursor;
      const start = Number(cursor);
      const ids = Array.from({ length: 30 }, (_, i) => id(100 + i));
      const seen: string[] = [];
      let done = false;
      const writers = Promise.all(
        ids.map((x) =>
          inTransaction(hub.db, async (tx) => {
            const n = node(x, privateFolder, 'file');
            await tx.insertInto('nodes').values(n).execute();
            await recordChanges(hub, tx, [{ node: n }]);
            // Commit late, and not in the order the numbers were taken.
            await new Promise((r) => setTimeout(r, Math.random() * 30));
          }),
        ),
      ).finally(() => {
        done = true;
      });
      // A skipped change would be one the cursor went past unseen: it never shows up here.
      for (;;) {
        const finished = done;
        const page = await changesAfter(hub, alice, { cursor, wait: 1 });
        seen.push(...page.changes.map((c) => c.nodeId));
        cursor = page.cursor;
        if (finished && page.changes.length === 0) break;
      }
      await writers;
      assert.deepEqual(seen.toSorted(), ids);
      assert.equal(Number(cursor), start + 30);
    });

    test('a long poll wakes when a change commits', async () => {
      const { cursor } = await latestCursor(hub, bob);
      const waiting = changesAfter(hub, bob, { cursor, wait: 30 });
      await write(hub, node(id(40), shared, 'folder'));
      const page = await waiting;
      assert.deepEqual(
        page.changes.map((c) => c.nodeId),
        [id(40)],
      );
    });

    test('a long poll sees a change written by another hub process on the same database', async () => {
      // Another hub: its own bus, so only the poll's look at the database can find the change.
      const other = testHub(db.kysely);
      const { cursor } = await latestCursor(hub, bob);
      const waiting = changesAfter(hub, bob, { cursor, wait: 30 });
      await write(other, node(id(42), shared, 'folder'));
      assert.deepEqual(
        (await waiting).changes.map((c) => c.nodeId),
        [id(42)],
      );
    });

    test('a reader keeps at most so many rows; older cursors expire', async () => {
      const { cursor } = await latestCursor(hub, alice);
      for (const n of [50, 51, 52]) await write(hub, node(id(n), privateFolder, 'file'));
      assert.ok((await pruneChanges(hub, 2)) > 0);
      await assert.rejects(changesAfter(hub, alice, { cursor }), ExpiredError);
      const kept = await changesAfter(hub, alice, { cursor: String(Number(cursor) + 1) });
      assert.deepEqual(
        kept.changes.map((c) => c.nodeId),
        [id(51), id(52)],
      );
      assert.equal(await pruneChanges(hub, 2), 0);
    });

    test('a cursor ahead is a 400 on cursor; one before the pruned ones has expired', async () => {
      const { cursor } = await latestCursor(hub, bob);
      await assert.rejects(
        changesAfter(hub, bob, { cursor: String(Number(cursor) + 1) }),
        (e) => e instanceof ValidationError && e.field === 'cursor',
      );
      const real = hub.now;
      hub.now = () => real() + (KEEP_DAYS + 1) * 24 * 60 * 60 * 1000;
      try {
        assert.ok((await pruneChanges(hub)) > 0);
      } finally {
        hub.now = real;
      }
      await assert.rejects(
        changesAfter(hub, bob, { cursor: '0' }),
        (e) => e instanceof ExpiredError && /^cursor: expired/.test(e.message),
      );
      assert.deepEqual((await changesAfter(hub, bob, { cursor })).changes, []);
      await write(hub, node(id(41), shared, 'folder'));
      assert.equal((await everything(hub, bob, cursor)).length, 1);
    });
  });
}
