import type { Kysely, Migration } from 'kysely';

// Migration 0020, in a file of its own to keep migrations.ts short. The same rules hold: the
// schema builder only, never edited once shipped.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema type
type Db = Kysely<any>;

const text = 'text' as const;
const big = 'bigint' as const;
const int = 'integer' as const;

// The change feed ([Note: Change feed] in hub/src/services/changes.ts): one log per reader
// (the tree's owner and each member of a share), numbered by a counter per reader that a
// writing transaction bumps under the counter row's lock; `pruned_through` is the highest
// number pruned, so an older cursor is told it expired.
export const changes: Migration = {
  async up(db: Db) {
    await db.schema
      .createTable('change_counters')
      .addColumn('account_id', text, (c) => c.primaryKey())
      .addColumn('seq', big, (c) => c.notNull())
      .addColumn('pruned_through', big, (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('changes')
      .addColumn('account_id', text, (c) => c.notNull())
      .addColumn('seq', big, (c) => c.notNull())
      .addColumn('node_id', text, (c) => c.notNull())
      .addColumn('parent_id', text)
      .addColumn('kind', text, (c) => c.notNull())
      .addColumn('version', big, (c) => c.notNull())
      .addColumn('revision', big)
      .addColumn('key_version', big, (c) => c.notNull())
      .addColumn('trashed', int, (c) => c.notNull())
      .addColumn('deleted', int, (c) => c.notNull())
      .addColumn('share_id', text)
      .addColumn('at', big, (c) => c.notNull())
      .addPrimaryKeyConstraint('changes_pk', ['account_id', 'seq'])
      .execute();
    await db.schema.createIndex('changes_at').on('changes').column('at').execute();
  },
};
