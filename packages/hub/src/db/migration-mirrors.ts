import type { Kysely, Migration } from 'kysely';

// Migration 0019, in a file of its own to keep migrations.ts short. The same rules hold: the
// schema builder only, never edited once shipped.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema type
type Db = Kysely<any>;

const text = 'text' as const;
const big = 'bigint' as const;

// Auto-mirror ([Note: Auto-mirror] in hub/src/services/mirrors.ts): a member's subscription to
// a group (or one member's shelf in it) with a budget, and each entry mirrored for it: the
// chunks it holds on to, the copy jobs doing it, and whether the subscriber kept it.
export const mirrors: Migration = {
  async up(db: Db) {
    await db.schema
      .createTable('subscriptions')
      .addColumn('account_id', text, (c) => c.notNull())
      .addColumn('group_id', text, (c) => c.notNull())
      .addColumn('member_id', text)
      .addColumn('budget_bytes', big, (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .addPrimaryKeyConstraint('subscriptions_pk', ['account_id', 'group_id'])
      .execute();
    await db.schema
      .createIndex('subscriptions_group')
      .on('subscriptions')
      .column('group_id')
      .execute();
    await db.schema
      .createTable('mirrors')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('account_id', text, (c) => c.notNull())
      .addColumn('group_id', text, (c) => c.notNull())
      .addColumn('entry_id', text, (c) => c.notNull())
      .addColumn('node_id', text, (c) => c.notNull())
      .addColumn('revision', big, (c) => c.notNull())
      .addColumn('bytes', big, (c) => c.notNull())
      .addColumn('state', text, (c) => c.notNull())
      .addColumn('kept', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('jobs', text, (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('mirrors_entry')
      .on('mirrors')
      .columns(['account_id', 'group_id', 'entry_id'])
      .unique()
      .execute();
    await db.schema
      .createTable('mirror_chunks')
      .addColumn('mirror_id', text, (c) => c.notNull())
      .addColumn('chunk_id', text, (c) => c.notNull())
      .addColumn('size', big, (c) => c.notNull())
      .addPrimaryKeyConstraint('mirror_chunks_pk', ['mirror_id', 'chunk_id'])
      .execute();
    await db.schema
      .createIndex('mirror_chunks_chunk')
      .on('mirror_chunks')
      .column('chunk_id')
      .execute();
  },
};
