import type { Kysely, Migration } from 'kysely';

// Migration 0022, in a file of its own to keep migrations.ts short. The same rules hold: the
// schema builder only, never edited once shipped.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema type
type Db = Kysely<any>;

// The free space and size of the filesystem under each host's store, from its last hello
// ([Note: Declared and real space]); null for hosts that do not report them.
export const hostDisk: Migration = {
  async up(db: Db) {
    await db.schema.alterTable('hosts').addColumn('disk_free_bytes', 'bigint').execute();
    await db.schema.alterTable('hosts').addColumn('disk_size_bytes', 'bigint').execute();
  },
};
