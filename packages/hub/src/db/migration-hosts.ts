import type { Migration } from 'kysely';
import { big, type Db, text } from './migration-types.ts';

// The hosts' migrations of the first schema (0002 to 0005, 0012 and 0013), in a file of their
// own to keep migrations.ts short. The same rules hold: the schema builder only, never edited
// once shipped.

/** Host lifecycle and audits: [Note: Audits]. */
export const hostStates: Migration = {
  async up(db: Db) {
    await db.schema
      .alterTable('hosts')
      .addColumn('state', text, (c) => c.notNull().defaultTo('active'))
      .execute();
    await db.schema
      .alterTable('hosts')
      .addColumn('audits_passed', big, (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable('hosts')
      .addColumn('audits_failed', big, (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable('hosts')
      .addColumn('failed_streak', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
};

/**
 * What the operator confirms about a host (country, tags), what the hoster sees (owner, uptime,
 * traffic), per-folder placement policies and the network's history for the operator's charts.
 */
export const hostersAndPolicies: Migration = {
  async up(db: Db) {
    const add = async (name: string, type: 'text' | 'bigint' | 'integer', def?: string | number) =>
      db.schema
        .alterTable('hosts')
        .addColumn(name, type, (c) => (def === undefined ? c : c.notNull().defaultTo(def)))
        .execute();
    await add('declared_country', text);
    await add('country_confirmed', 'integer', 0);
    await add('tags', text, '{}');
    await add('declared_tags', text, '{}');
    await add('tags_confirmed', 'integer', 0);
    await add('owner_account_id', text);
    await add('online_ms', big, 0);
    await add('bytes_in', big, 0);
    await add('bytes_out', big, 0);
    await add('reported_in', big, 0);
    await add('reported_out', big, 0);

    // The policy a chunk of an upload was placed for, as JSON (null: the network's).
    await db.schema.alterTable('upload_chunks').addColumn('policy', text).execute();

    await db.schema
      .createTable('folder_policies')
      .addColumn('node_id', text, (c) => c.primaryKey())
      .addColumn('account_id', text, (c) => c.notNull())
      .addColumn('policy', text, (c) => c.notNull())
      .addColumn('updated_at', big, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('network_history')
      .addColumn('at', big, (c) => c.primaryKey())
      .addColumn('hosts', big, (c) => c.notNull())
      .addColumn('hosts_online', big, (c) => c.notNull())
      .addColumn('capacity', big, (c) => c.notNull())
      .addColumn('stored_bytes', big, (c) => c.notNull())
      .addColumn('accounts', big, (c) => c.notNull())
      .addColumn('files', big, (c) => c.notNull())
      .addColumn('chunks', big, (c) => c.notNull())
      .addColumn('under_replicated', big, (c) => c.notNull())
      .addColumn('repair_queue', big, (c) => c.notNull())
      .addColumn('copied', big, (c) => c.notNull())
      .execute();
  },
};

/** Reconciliation pages walk one host's replicas in chunk id order. */
export const replicasByHost: Migration = {
  async up(db: Db) {
    await db.schema
      .createIndex('chunk_replicas_host_chunk')
      .on('chunk_replicas')
      .columns(['host_id', 'chunk_id'])
      .execute();
    await db.schema.dropIndex('chunk_replicas_host').execute();
  },
};

/** A host's bandwidth limit, so audits and repair copies give it the time it needs. */
export const hostBandwidth: Migration = {
  async up(db: Db) {
    await db.schema.alterTable('hosts').addColumn('bandwidth', big).execute();
  },
};

// Upload transactions add their hosts' bytes as rows here instead of updating the hosts' rows,
// so that they never wait on each other or on heartbeats ([Note: Stored bytes]).
export const storedBytesLedger: Migration = {
  async up(db: Db) {
    await db.schema
      .createTable('host_stored_changes')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('host_id', text, (c) => c.notNull())
      .addColumn('bytes', big, (c) => c.notNull())
      .execute();
  },
};

// A personal server ([Note: Personal servers]) takes only its owner's data.
export const personalServers: Migration = {
  async up(db: Db) {
    await db.schema
      .alterTable('hosts')
      .addColumn('personal', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
};
