import type { Kysely, Migration } from 'kysely';

// Migration 0029, in a file of its own like 0014 on. The same rules hold: the schema builder
// only, never edited once shipped.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema type
type Db = Kysely<any>;

/** Each index: its name, its table and the column that names an account (or what it owns). */
const INDEXES: readonly [string, string, string][] = [
  ['shelf_entries_author', 'shelf_entries', 'author_id'],
  ['entry_ratings_rater', 'entry_ratings', 'rater_id'],
  ['group_keys_account', 'group_keys', 'account_id'],
  ['share_keys_account', 'share_keys', 'account_id'],
  ['subscriptions_member', 'subscriptions', 'member_id'],
  ['mirrors_group', 'mirrors', 'group_id'],
  ['group_copies_group', 'group_copies', 'group_id'],
  ['uploads_account', 'uploads', 'account_id'],
  ['links_node', 'links', 'node_id'],
  ['app_requests_app', 'app_requests', 'app_id'],
];

// Deleting an account ([Note: Account deletion] in services/account-delete.ts) finds its rows
// by these columns; without an index each would be a scan of a table that grows with the
// network (every shelf entry, rating, group key of every group) inside the transaction.
export const accountDeletion: Migration = {
  async up(db: Db) {
    for (const [name, table, column] of INDEXES)
      await db.schema.createIndex(name).on(table).column(column).execute();
  },
};
