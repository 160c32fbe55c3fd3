import type { Kysely, Migration } from 'kysely';

// Migrations 0014 and 0015, in a file of their own to keep migrations.ts short. The same rules
// hold: the schema builder only, never edited once shipped.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema type
type Db = Kysely<any>;

const text = 'text' as const;
const big = 'bigint' as const;

// Private groups ([Note: Groups on the hub]): the owner's signed roster and sealed name, who
// was invited and what they answered, and the group key sealed to each member per version.
export const groups: Migration = {
  async up(db: Db) {
    await db.schema
      .createTable('groups')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('owner_id', text, (c) => c.notNull())
      .addColumn('roster', text, (c) => c.notNull())
      .addColumn('roster_version', 'integer', (c) => c.notNull())
      .addColumn('key_version', 'integer', (c) => c.notNull())
      .addColumn('name', text, (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('updated_at', big, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('groups_owner').on('groups').column('owner_id').execute();
    await db.schema
      .createTable('group_members')
      .addColumn('group_id', text, (c) => c.notNull())
      .addColumn('account_id', text, (c) => c.notNull())
      .addColumn('state', text, (c) => c.notNull())
      .addColumn('invited_at', big, (c) => c.notNull())
      .addColumn('answered_at', big)
      .addPrimaryKeyConstraint('group_members_pk', ['group_id', 'account_id'])
      .execute();
    await db.schema
      .createIndex('group_members_account')
      .on('group_members')
      .column('account_id')
      .execute();
    await db.schema
      .createTable('group_keys')
      .addColumn('group_id', text, (c) => c.notNull())
      .addColumn('key_version', 'integer', (c) => c.notNull())
      .addColumn('account_id', text, (c) => c.notNull())
      .addColumn('sealed', text, (c) => c.notNull())
      .addPrimaryKeyConstraint('group_keys_pk', ['group_id', 'key_version', 'account_id'])
      .execute();
  },
};

// Members' shelves in groups ([Note: Shelf entries] in crypto): sealed, signed entries.
export const shelves: Migration = {
  async up(db: Db) {
    await db.schema
      .createTable('shelf_entries')
      .addColumn('group_id', text, (c) => c.notNull())
      .addColumn('entry_id', text, (c) => c.notNull())
      .addColumn('author_id', text, (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('key_version', 'integer', (c) => c.notNull())
      .addColumn('entry', text, (c) => c.notNull())
      .addColumn('published_at', big, (c) => c.notNull())
      .addColumn('updated_at', big, (c) => c.notNull())
      .addPrimaryKeyConstraint('shelf_entries_pk', ['group_id', 'entry_id'])
      .execute();
  },
};
