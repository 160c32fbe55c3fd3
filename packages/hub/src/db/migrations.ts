import { type Kysely, type Migration, type MigrationProvider, sql } from 'kysely';
import { accountDeletion } from './migration-account-delete.ts';
import { appRequestAddresses, apps, uploadApps } from './migration-apps.ts';
import { changes } from './migration-changes.ts';
import { copyJobs } from './migration-copy-jobs.ts';
import { feed } from './migration-feed.ts';
import { groupCopies } from './migration-group-copies.ts';
import { groups, shelves } from './migration-groups.ts';
import { hostDisk } from './migration-host-disk.ts';
import { mirrors } from './migration-mirrors.ts';
import { secondFactor } from './migration-second-factor.ts';
import { syncState } from './migration-sync-state.ts';
import { workers } from './migration-workers.ts';

// Written with Kysely's schema builder only, so the same migrations run on SQLite and
// PostgreSQL. Never edit a migration that has shipped; add the next one.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema type
type Db = Kysely<any>;

const text = 'text' as const;
const big = 'bigint' as const;

const initial: Migration = {
  async up(db: Db) {
    await db.schema
      .createTable('hub_secrets')
      .addColumn('name', text, (c) => c.primaryKey())
      .addColumn('value', text, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('accounts')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('email', text, (c) => c.notNull().unique())
      .addColumn('opaque_record', text, (c) => c.notNull())
      .addColumn('wrapped_master_key', text, (c) => c.notNull())
      .addColumn('recovery_wrapped_master_key', text, (c) => c.notNull())
      .addColumn('recovery_proof_hash', text, (c) => c.notNull())
      .addColumn('wrapped_signing', text, (c) => c.notNull())
      .addColumn('wrapped_agreement', text, (c) => c.notNull())
      .addColumn('key_bundle', text, (c) => c.notNull())
      .addColumn('root_id', text, (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('sessions')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('account_id', text, (c) => c.notNull().references('accounts.id'))
      .addColumn('token_hash', text, (c) => c.notNull().unique())
      .addColumn('device_name', text, (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('last_seen_at', big, (c) => c.notNull())
      .addColumn('expires_at', big, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sessions_account').on('sessions').column('account_id').execute();

    await db.schema
      .createTable('login_states')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('email', text, (c) => c.notNull())
      .addColumn('state', text, (c) => c.notNull())
      .addColumn('expires_at', big, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('rate_limits')
      .addColumn('key', text, (c) => c.primaryKey())
      .addColumn('window_start', big, (c) => c.notNull())
      .addColumn('count', 'integer', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('nodes')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('account_id', text, (c) => c.notNull().references('accounts.id'))
      .addColumn('parent_id', text)
      .addColumn('kind', text, (c) => c.notNull())
      .addColumn('wrapped_key', text, (c) => c.notNull())
      .addColumn('metadata', text, (c) => c.notNull())
      .addColumn('name_hash', text)
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('revision', 'integer')
      .addColumn('size', big, (c) => c.notNull())
      .addColumn('trashed_at', big)
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('updated_at', big, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('nodes_parent').on('nodes').columns(['parent_id', 'id']).execute();
    await db.schema
      .createIndex('nodes_live_name')
      .on('nodes')
      .columns(['parent_id', 'name_hash'])
      .unique()
      .where(sql.ref('trashed_at'), 'is', null)
      .execute();
    await db.schema
      .createIndex('nodes_trash')
      .on('nodes')
      .columns(['account_id', 'trashed_at'])
      .execute();

    await db.schema
      .createTable('revisions')
      .addColumn('node_id', text, (c) => c.notNull())
      .addColumn('revision', 'integer', (c) => c.notNull())
      .addColumn('manifest', text, (c) => c.notNull())
      .addColumn('size', big, (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .addPrimaryKeyConstraint('revisions_pk', ['node_id', 'revision'])
      .execute();

    await db.schema
      .createTable('revision_chunks')
      .addColumn('node_id', text, (c) => c.notNull())
      .addColumn('revision', 'integer', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('chunk_id', text, (c) => c.notNull())
      .addPrimaryKeyConstraint('revision_chunks_pk', ['node_id', 'revision', 'position'])
      .execute();
    await db.schema
      .createIndex('revision_chunks_chunk')
      .on('revision_chunks')
      .column('chunk_id')
      .execute();

    await db.schema
      .createTable('uploads')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('account_id', text, (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('expires_at', big, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('upload_chunks')
      .addColumn('upload_id', text, (c) => c.notNull())
      .addColumn('chunk_id', text, (c) => c.notNull())
      .addColumn('size', big, (c) => c.notNull())
      .addPrimaryKeyConstraint('upload_chunks_pk', ['upload_id', 'chunk_id'])
      .execute();
    await db.schema
      .createIndex('upload_chunks_chunk')
      .on('upload_chunks')
      .column('chunk_id')
      .execute();

    await db.schema
      .createTable('chunks')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('size', big, (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('chunk_replicas')
      .addColumn('chunk_id', text, (c) => c.notNull())
      .addColumn('host_id', text, (c) => c.notNull())
      .addColumn('receipt', text, (c) => c.notNull())
      .addColumn('stored_at', big, (c) => c.notNull())
      .addPrimaryKeyConstraint('chunk_replicas_pk', ['chunk_id', 'host_id'])
      .execute();
    await db.schema
      .createIndex('chunk_replicas_host')
      .on('chunk_replicas')
      .column('host_id')
      .execute();

    await db.schema
      .createTable('hosts')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('public_key', text, (c) => c.notNull().unique())
      .addColumn('url', text, (c) => c.notNull())
      .addColumn('country', text, (c) => c.notNull())
      .addColumn('capacity', big, (c) => c.notNull())
      .addColumn('used_bytes', big, (c) => c.notNull())
      .addColumn('chunks', big, (c) => c.notNull())
      .addColumn('stored_bytes', big, (c) => c.notNull())
      .addColumn('last_seen_at', big, (c) => c.notNull())
      .addColumn('registered_at', big, (c) => c.notNull())
      .execute();
  },
};

/** Host lifecycle and audits: [Note: Audits]. */
const hostStates: Migration = {
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
const hostersAndPolicies: Migration = {
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
const replicasByHost: Migration = {
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
const hostBandwidth: Migration = {
  async up(db: Db) {
    await db.schema.alterTable('hosts').addColumn('bandwidth', big).execute();
  },
};

/** Contacts: each account's sealed contact book, and the version of its key bundle. */
const contacts: Migration = {
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
const shares: Migration = {
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
const nodeAuthors: Migration = {
  async up(db: Db) {
    await db.schema.alterTable('nodes').addColumn('author_id', text).execute();
    await db.schema.alterTable('nodes').addColumn('signature', text).execute();
  },
};

/**
 * Folder key rotation: each node's key version (bound into its wrapped key), and the new keys a
 * share's owner stages before a member's removal swaps them in, all at once.
 */
const keyRotation: Migration = {
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
const links: Migration = {
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
const fileRequests: Migration = {
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

// Upload transactions add their hosts' bytes as rows here instead of updating the hosts' rows,
// so that they never wait on each other or on heartbeats ([Note: Stored bytes]).
const storedBytesLedger: Migration = {
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
const personalServers: Migration = {
  async up(db: Db) {
    await db.schema
      .alterTable('hosts')
      .addColumn('personal', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
};

export const migrations: MigrationProvider = {
  getMigrations: async () => ({
    '0001_initial': initial,
    '0002_host_states': hostStates,
    '0003_hosters_and_policies': hostersAndPolicies,
    '0004_replicas_by_host': replicasByHost,
    '0005_host_bandwidth': hostBandwidth,
    '0006_contacts': contacts,
    '0007_shares': shares,
    '0008_node_authors': nodeAuthors,
    '0009_key_rotation': keyRotation,
    '0010_links': links,
    '0011_file_requests': fileRequests,
    '0012_stored_bytes_ledger': storedBytesLedger,
    '0013_personal_servers': personalServers,
    '0014_groups': groups,
    '0015_shelves': shelves,
    '0016_copy_jobs': copyJobs,
    '0017_group_copies': groupCopies,
    '0018_feed': feed,
    '0019_mirrors': mirrors,
    '0020_changes': changes,
    '0021_sync_state': syncState,
    '0022_host_disk': hostDisk,
    '0023_apps': apps,
    '0024_second_factor': secondFactor,
    '0026_workers': workers,
    '0027_upload_apps': uploadApps,
    '0028_app_request_addresses': appRequestAddresses,
    '0029_account_deletion': accountDeletion,
  }),
};
