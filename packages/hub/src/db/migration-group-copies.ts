import type { Kysely, Migration } from 'kysely';

// Migration 0017, in a file of its own to keep migrations.ts short. The same rules hold: the
// schema builder only, never edited once shipped.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema type
type Db = Kysely<any>;

const text = 'text' as const;
const big = 'bigint' as const;

// Copies from groups ([Note: Copies from groups] in hub/src/services/group-copies.ts): the file
// a shelf entry offers, as its author named it when publishing, and each member's copy in
// progress: the chunks it holds on to (so that garbage collection leaves them while the member
// has not adopted the file), the policy they are copied for, and the copy jobs doing it.
export const groupCopies: Migration = {
  async up(db: Db) {
    await db.schema.alterTable('shelf_entries').addColumn('file_node_id', text).execute();
    await db.schema.alterTable('shelf_entries').addColumn('file_revision', big).execute();
    await db.schema
      .createTable('group_copies')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('account_id', text, (c) => c.notNull())
      .addColumn('group_id', text, (c) => c.notNull())
      .addColumn('entry_id', text, (c) => c.notNull())
      .addColumn('folder_id', text, (c) => c.notNull())
      .addColumn('node_id', text, (c) => c.notNull())
      .addColumn('revision', big, (c) => c.notNull())
      .addColumn('manifest', text, (c) => c.notNull())
      .addColumn('policy', text, (c) => c.notNull())
      .addColumn('jobs', text, (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('expires_at', big, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('group_copies_member')
      .on('group_copies')
      .columns(['account_id', 'group_id', 'entry_id'])
      .execute();
    await db.schema
      .createTable('group_copy_chunks')
      .addColumn('copy_id', text, (c) => c.notNull())
      .addColumn('chunk_id', text, (c) => c.notNull())
      .addColumn('size', big, (c) => c.notNull())
      .addPrimaryKeyConstraint('group_copy_chunks_pk', ['copy_id', 'chunk_id'])
      .execute();
    await db.schema
      .createIndex('group_copy_chunks_chunk')
      .on('group_copy_chunks')
      .column('chunk_id')
      .execute();
  },
};
