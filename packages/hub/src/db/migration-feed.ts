import type { Kysely, Migration } from 'kysely';

// Migration 0018, in a file of its own to keep migrations.ts short. The same rules hold: the
// schema builder only, never edited once shipped.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema type
type Db = Kysely<any>;

const text = 'text' as const;
const big = 'bigint' as const;

// The feed ([Note: Ratings on the hub]): one rating per entry and member, sealed and signed,
// replaced when they rate again; and each account's feed state, sealed under its master key.
export const feed: Migration = {
  async up(db: Db) {
    await db.schema
      .createTable('entry_ratings')
      .addColumn('group_id', text, (c) => c.notNull())
      .addColumn('entry_id', text, (c) => c.notNull())
      .addColumn('rater_id', text, (c) => c.notNull())
      .addColumn('key_version', 'integer', (c) => c.notNull())
      .addColumn('rating', text, (c) => c.notNull())
      .addColumn('rated_at', big, (c) => c.notNull())
      .addPrimaryKeyConstraint('entry_ratings_pk', ['group_id', 'entry_id', 'rater_id'])
      .execute();
    await db.schema
      .createTable('feed_states')
      .addColumn('account_id', text, (c) => c.primaryKey())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('state', text, (c) => c.notNull())
      .addColumn('updated_at', big, (c) => c.notNull())
      .execute();
  },
};
