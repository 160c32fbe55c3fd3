import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Hub } from '../src/context.ts';
import type { Db } from '../src/db/index.ts';
import { inTransaction } from '../src/db/transaction.ts';
import { deleteAccountRows } from '../src/services/account-delete.ts';
import { addTestAccounts, addTestShare, testDatabases, testHub, testNode } from './databases.ts';

// [Note: Account deletion]: every row of the account goes in the caller's transaction, so a
// failure before the commit leaves all of them (nothing is written beside the transaction);
// another account's rows stay, and the members of its shares are told the folder went.

const A = 'a'.repeat(32);
const B = 'b'.repeat(32);
const id = (c: string) => c.repeat(32);

for (const database of await testDatabases()) {
  describe(`account deletion on ${database.kind}`, () => {
    let db: Db;
    let hub: Hub;
    before(async () => {
      db = await database.open();
      hub = testHub(db.kysely);
      const k = db.kysely;
      await addTestAccounts(k, [A, B], id('1'));
      await k
        .updateTable('accounts')
        .set({ root_id: id('2') })
        .where('id', '=', B)
        .execute();
      await k
        .insertInto('nodes')
        .values([
          testNode(A, id('1'), null, 'folder'),
          testNode(A, id('3'), id('1'), 'folder'),
          testNode(A, id('4'), id('3'), 'file'),
          testNode(B, id('2'), null, 'folder'),
          testNode(B, id('5'), id('2'), 'folder'),
          // A wrote this in B's shared folder: B's node, kept.
          { ...testNode(B, id('6'), id('5'), 'file'), author_id: A },
        ])
        .execute();
      await k
        .insertInto('revisions')
        .values([
          { node_id: id('4'), revision: 1, manifest: 'm', size: 1, created_at: 0 },
          { node_id: id('6'), revision: 1, manifest: 'm', size: 1, created_at: 0 },
        ])
        .execute();
      await k
        .insertInto('revision_chunks')
        .values([
          { node_id: id('4'), revision: 1, position: 0, chunk_id: 'c1' },
          { node_id: id('6'), revision: 1, position: 0, chunk_id: 'c1' },
        ])
        .execute();
      await addTestShare(k, { id: id('7'), nodeId: id('3'), ownerId: A }, [
        { accountId: B, role: 'read' },
      ]);
      await addTestShare(k, { id: id('8'), nodeId: id('5'), ownerId: B }, [
        { accountId: A, role: 'write' },
      ]);
      for (const [share, who] of [
        [id('7'), B],
        [id('8'), A],
      ] as const)
        await k
          .insertInto('share_keys')
          .values({ share_id: share, account_id: who, key_version: 1, sealed: 's' })
          .execute();
      const session = (sid: string, who: string) => ({
        id: sid,
        account_id: who,
        token_hash: sid,
        device_name: 'd',
        created_at: 0,
        last_seen_at: 0,
        expires_at: Date.now() + 60_000,
      });
      await k
        .insertInto('sessions')
        .values([session(id('9'), A), session(id('c'), B)])
        .execute();
      await k
        .insertInto('links')
        .values({
          id: id('d'),
          account_id: A,
          node_id: id('4'),
          kind: 'file',
          envelope: 'e',
          authors: 'a',
          created_at: 0,
          expires_at: null,
          max_downloads: null,
          downloads: 0,
          revoked_at: null,
        })
        .execute();
      await k
        .insertInto('groups')
        .values({
          id: id('e'),
          owner_id: B,
          roster: 'r',
          roster_version: 1,
          key_version: 1,
          name: 'n',
          created_at: 0,
          updated_at: 0,
        })
        .execute();
      await k
        .insertInto('group_members')
        .values({
          group_id: id('e'),
          account_id: A,
          state: 'member',
          invited_at: 0,
          answered_at: 0,
        })
        .execute();
      await k
        .insertInto('contact_books')
        .values([
          { account_id: A, version: 1, book: 'b', updated_at: 0 },
          { account_id: B, version: 1, book: 'b', updated_at: 0 },
        ])
        .execute();
    });
    after(async () => {
      await db.close();
      await database.drop();
    });

    const count = async (
      table: 'nodes' | 'sessions' | 'share_members' | 'contact_books',
      who: string,
    ) =>
      Number(
        (
          await db.kysely
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('account_id', '=', who)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const rowsOf = async (who: string) => ({
      nodes: await count('nodes', who),
      sessions: await count('sessions', who),
      shareMembers: await count('share_members', who),
      contactBooks: await count('contact_books', who),
    });

    test('a failure before the commit leaves every row', async () => {
      const before = await rowsOf(A);
      assert.deepEqual(before, { nodes: 3, sessions: 1, shareMembers: 1, contactBooks: 1 });
      await assert.rejects(
        inTransaction(db.kysely, async (tx) => {
          await deleteAccountRows(hub, tx, { id: A, email: '0@example.com' });
          throw new Error('the process died here');
        }),
        /the process died here/,
      );
      assert.deepEqual(await rowsOf(A), before);
      const links = await db.kysely.selectFrom('links').select('id').execute();
      assert.equal(links.length, 1);
      const changes = await db.kysely.selectFrom('changes').select('seq').execute();
      assert.equal(changes.length, 0, 'no change recorded beside the transaction');
    });

    test('committed: none of its rows left; the other account keeps its own', async () => {
      const other = await rowsOf(B);
      await inTransaction(db.kysely, (tx) =>
        deleteAccountRows(hub, tx, { id: A, email: '0@example.com' }),
      );
      assert.deepEqual(await rowsOf(A), {
        nodes: 0,
        sessions: 0,
        shareMembers: 0,
        contactBooks: 0,
      });
      const accounts = await db.kysely.selectFrom('accounts').select('id').execute();
      assert.deepEqual(
        accounts.map((a) => a.id),
        [B],
      );
      // B loses the share from A (told so) but keeps its nodes, A's file in them included.
      assert.deepEqual(await rowsOf(B), { ...other, shareMembers: 0 });
      const told = await db.kysely
        .selectFrom('changes')
        .select(['node_id', 'deleted'])
        .where('account_id', '=', B)
        .execute();
      assert.deepEqual(told, [{ node_id: id('3'), deleted: 1 }]);
      const chunks = await db.kysely.selectFrom('revision_chunks').select('node_id').execute();
      assert.deepEqual(
        chunks.map((c) => c.node_id),
        [id('6')],
      );
      // B's share stays; the keys sealed to A in it, and those of A's share, go.
      for (const table of ['links', 'shares', 'share_keys', 'group_members'] as const) {
        const left = await db.kysely.selectFrom(table).selectAll().execute();
        assert.equal(left.length, table === 'shares' ? 1 : 0, table);
      }
    });
  });
}
