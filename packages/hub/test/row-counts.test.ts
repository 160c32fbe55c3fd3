import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { sql } from 'kysely';
import { rowCounts } from '../src/services/row-counts.ts';
import { addTestAccounts, testDatabases, testHub } from './databases.ts';

// [Note: Counting rows at scale]: small tables are counted exactly; on PostgreSQL a table the
// planner knows to be big is counted from its estimate, files and folders from each kind's
// share; both agree with the rows there.

for (const d of await testDatabases()) {
  describe(`row counts on ${d.kind}`, () => {
    after(() => d.drop());

    test('exact below the threshold; from the estimates above it, the same figures', async () => {
      const db = await d.open();
      try {
        await addTestAccounts(db.kysely, ['a1', 'a2'], 'root');
        const node = (i: number) => ({
          id: `n${i}`,
          account_id: 'a1',
          parent_id: null,
          kind: i % 4 === 0 ? ('folder' as const) : ('file' as const),
          wrapped_key: '',
          metadata: '',
          name_hash: null,
          version: 1,
          revision: null,
          size: 0,
          trashed_at: null,
          created_at: 0,
          updated_at: 0,
          author_id: null,
          signature: null,
          key_version: 1,
        });
        await db.kysely
          .insertInto('nodes')
          .values(Array.from({ length: 400 }, (_, i) => node(i)))
          .execute();
        const hub = testHub(db.kysely);
        const want = { accounts: 2, files: 300, folders: 100, revisions: 0, chunks: 0 };
        assert.deepEqual(await rowCounts(hub, { dialect: db.dialect }), want);
        if (db.dialect === 'postgres') {
          // ANALYZE reads every row of tables this small, so the estimates are exact here.
          await sql`analyze`.execute(db.kysely);
          // Rows deleted since: the estimates do not see them yet, which shows they were used.
          await db.kysely.deleteFrom('nodes').where('id', 'in', ['n1', 'n2']).execute();
          const estimated = await rowCounts(hub, { dialect: 'postgres', exactBelow: 1 });
          assert.deepEqual(estimated, want);
          assert.equal((await rowCounts(hub, { dialect: 'postgres' })).files, 298);
        }
      } finally {
        await db.close();
      }
    });
  });
}
