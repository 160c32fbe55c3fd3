import type { Kysely, Migration } from 'kysely';

// Migration 0021, in a file of its own to keep migrations.ts short. The same rules hold: the
// schema builder only, never edited once shipped.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema type
type Db = Kysely<any>;

// Each session's sync state ([Note: Sync state on the hub]): one sealed blob per session.
export const syncState: Migration = {
  async up(db: Db) {
    await db.schema
      .createTable('session_sync_states')
      .addColumn('session_id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('session_sync_states_account')
      .on('session_sync_states')
      .column('account_id')
      .execute();
  },
};
