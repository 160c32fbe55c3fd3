import type { Kysely, Migration } from 'kysely';

// The migrations of apps (0023 and after), in a file of their own to keep migrations.ts short.
// The same rules hold: the schema builder only, never edited once shipped.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema type
type Db = Kysely<any>;

// Apps confined to one folder ([Note: App tokens] in services/apps.ts): the device flow's
// pending requests, and the apps an account approved with their hashed tokens.
export const apps: Migration = {
  async up(db: Db) {
    await db.schema
      .createTable('app_requests')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('device_code_hash', 'text', (c) => c.notNull().unique())
      .addColumn('user_code', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('access', 'text', (c) => c.notNull())
      .addColumn('folder_hint', 'text')
      .addColumn('public_key', 'text', (c) => c.notNull())
      .addColumn('signing_key', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('app_id', 'text')
      .addColumn('interval_ms', 'integer', (c) => c.notNull())
      .addColumn('last_polled_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('apps')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('request_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('access', 'text', (c) => c.notNull())
      .addColumn('folder_id', 'text', (c) => c.notNull())
      .addColumn('key_version', 'integer', (c) => c.notNull())
      .addColumn('public_key', 'text', (c) => c.notNull())
      .addColumn('signing_key', 'text', (c) => c.notNull())
      .addColumn('sealed_key', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.unique())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('last_used_at', 'bigint')
      .addColumn('revoked_at', 'bigint')
      .execute();
    await db.schema.createIndex('apps_account').on('apps').column('account_id').execute();
  },
};

// Which app opened an upload (null: the account's own clients, or a visitor's): an app may
// locate and commit only the chunks of uploads it opened itself ([Note: App chunks] in
// services/access.ts).
export const uploadApps: Migration = {
  async up(db: Db) {
    await db.schema.alterTable('uploads').addColumn('app_id', 'text').execute();
  },
};

// The client address (its bucket: an IPv6 /64) an app request came from, to cap the requests
// alive per address ([Note: Guessing user codes] in services/app-limits.ts).
export const appRequestAddresses: Migration = {
  async up(db: Db) {
    await db.schema.alterTable('app_requests').addColumn('client_address', 'text').execute();
    await db.schema
      .createIndex('app_requests_client_address')
      .on('app_requests')
      .column('client_address')
      .execute();
  },
};
