import type { Migration } from 'kysely';
import { big, type Db, text } from './migration-types.ts';

// The migrations of contacts, shares, links and file requests (0006 to 0011), in a file of
// their own to keep migrations.ts short. The same rules hold: the schema builder only, never
// edited once shipped.

/** Contacts: each account's sealed contact book, and the version of its key bundle. */
export const contacts: Migration = {
  async up(db: Db) {
    await db.schema
      .createTable('contact_books')
      .addColumn('account_id', text, (c) => c.primaryKey())
      .addColumn('version', big, (c) => c.notNull())
      .addColumn('book', text, (c) => c.notNull())
      .addColumn('updated_at', big, (c) => c.notNull())
      .execute();
    await db.schema
      .alterTable('accounts')
      .addColumn('key_version', big, (c) => c.notNull().defaultTo(1))
      .execute();
  },
};

/** Folder shares: the owner-signed member list, the members, and their sealed folder keys. */
export const shares: Migration = {
  async up(db: Db) {
    await db.schema
      .createTable('shares')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('node_id', text, (c) => c.notNull().unique())
      .addColumn('owner_id', text, (c) => c.notNull())
      .addColumn('list_version', big, (c) => c.notNull())
      .addColumn('key_version', big, (c) => c.notNull())
      .addColumn('member_list', text, (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('updated_at', big, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('shares_owner').on('shares').column('owner_id').execute();
    await db.schema
      .createTable('share_members')
      .addColumn('share_id', text, (c) => c.notNull())
      .addColumn('account_id', text, (c) => c.notNull())
      .addColumn('role', text, (c) => c.notNull())
      .addColumn('added_at', big, (c) => c.notNull())
      .addPrimaryKeyConstraint('share_members_pk', ['share_id', 'account_id'])
      .execute();
    await db.schema
      .createIndex('share_members_account')
      .on('share_members')
      .column('account_id')
      .execute();
    await db.schema
      .createTable('share_keys')
      .addColumn('share_id', text, (c) => c.notNull())
      .addColumn('account_id', text, (c) => c.notNull())
      .addColumn('key_version', big, (c) => c.notNull())
      .addColumn('sealed', text, (c) => c.notNull())
      .addPrimaryKeyConstraint('share_keys_pk', ['share_id', 'account_id', 'key_version'])
      .execute();
  },
};

/** Node signatures: who wrote each node last, and their signature over it. */
export const nodeAuthors: Migration = {
  async up(db: Db) {
    await db.schema.alterTable('nodes').addColumn('author_id', text).execute();
    await db.schema.alterTable('nodes').addColumn('signature', text).execute();
  },
};

/**
 * Folder key rotation: each node's key version (bound into its wrapped key), and the new keys a
 * share's owner stages before a member's removal swaps them in, all at once.
 */
export const keyRotation: Migration = {
  async up(db: Db) {
    await db.schema
      .alterTable('nodes')
      .addColumn('key_version', big, (c) => c.notNull().defaultTo(1))
      .execute();
    await db.schema
      .createTable('rekey_nodes')
      .addColumn('share_id', text, (c) => c.notNull())
      .addColumn('key_version', big, (c) => c.notNull())
      .addColumn('node_id', text, (c) => c.notNull())
      .addColumn('node_version', big, (c) => c.notNull())
      .addColumn('wrapped_key', text, (c) => c.notNull())
      .addColumn('metadata', text, (c) => c.notNull())
      .addColumn('name_hash', text)
      .addColumn('signature', text, (c) => c.notNull())
      .addPrimaryKeyConstraint('rekey_nodes_pk', ['share_id', 'key_version', 'node_id'])
      .execute();
    await db.schema
      .createTable('rekey_revisions')
      .addColumn('share_id', text, (c) => c.notNull())
      .addColumn('key_version', big, (c) => c.notNull())
      .addColumn('node_id', text, (c) => c.notNull())
      .addColumn('revision', big, (c) => c.notNull())
      .addColumn('manifest', text, (c) => c.notNull())
      .addPrimaryKeyConstraint('rekey_revisions_pk', [
        'share_id',
        'key_version',
        'node_id',
        'revision',
      ])
      .execute();
  },
};

/** Public links: a node's key wrapped for the link, with an expiry, a download limit, revoke. */
export const links: Migration = {
  async up(db: Db) {
    await db.schema
      .createTable('links')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('account_id', text, (c) => c.notNull())
      .addColumn('node_id', text, (c) => c.notNull())
      .addColumn('kind', text, (c) => c.notNull())
      .addColumn('envelope', text, (c) => c.notNull())
      .addColumn('authors', text, (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('expires_at', big)
      .addColumn('max_downloads', big)
      .addColumn('downloads', big, (c) => c.notNull().defaultTo(0))
      .addColumn('revoked_at', big)
      .execute();
    await db.schema.createIndex('links_account').on('links').column('account_id').execute();
  },
};

/**
 * File requests: upload-only links. Visitors' uploads hang off a request; what they send waits
 * as drops (sealed to the request's key) until the owner's client takes the files in.
 */
export const fileRequests: Migration = {
  async up(db: Db) {
    await db.schema
      .createTable('file_requests')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('account_id', text, (c) => c.notNull())
      .addColumn('folder_id', text, (c) => c.notNull())
      .addColumn('envelope', text, (c) => c.notNull())
      .addColumn('wrapped_key', text, (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('expires_at', big)
      .addColumn('max_files', big)
      .addColumn('max_bytes', big)
      .addColumn('files_received', big, (c) => c.notNull().defaultTo(0))
      .addColumn('bytes_received', big, (c) => c.notNull().defaultTo(0))
      .addColumn('revoked_at', big)
      .execute();
    await db.schema
      .createIndex('file_requests_account')
      .on('file_requests')
      .column('account_id')
      .execute();
    await db.schema
      .createTable('request_drops')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('request_id', text, (c) => c.notNull())
      .addColumn('node_id', text, (c) => c.notNull().unique())
      .addColumn('sealed', text, (c) => c.notNull())
      .addColumn('size', big, (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('request_drops_request')
      .on('request_drops')
      .column('request_id')
      .execute();
    await db.schema
      .createTable('drop_chunks')
      .addColumn('drop_id', text, (c) => c.notNull())
      .addColumn('position', big, (c) => c.notNull())
      .addColumn('chunk_id', text, (c) => c.notNull())
      .addPrimaryKeyConstraint('drop_chunks_pk', ['drop_id', 'position'])
      .execute();
    await db.schema.createIndex('drop_chunks_chunk').on('drop_chunks').column('chunk_id').execute();
    await db.schema.alterTable('uploads').addColumn('request_id', text).execute();
  },
};
