import { type Migration, type MigrationProvider, sql } from 'kysely';
import { accountDeletion } from './migration-account-delete.ts';
import { appRequestAddresses, apps, uploadApps } from './migration-apps.ts';
import { changes } from './migration-changes.ts';
import { copyJobs } from './migration-copy-jobs.ts';
import { feed } from './migration-feed.ts';
import { groupCopies } from './migration-group-copies.ts';
import { groups, shelves } from './migration-groups.ts';
import { hostDisk } from './migration-host-disk.ts';
import {
  hostBandwidth,
  hostersAndPolicies,
  hostStates,
  personalServers,
  replicasByHost,
  storedBytesLedger,
} from './migration-hosts.ts';
import { mirrors } from './migration-mirrors.ts';
import { secondFactor } from './migration-second-factor.ts';
import {
  contacts,
  fileRequests,
  keyRotation,
  links,
  nodeAuthors,
  shares,
} from './migration-sharing.ts';
import { syncState } from './migration-sync-state.ts';
import { big, type Db, text } from './migration-types.ts';
import { workers } from './migration-workers.ts';

// Written with Kysely's schema builder only, so the same migrations run on SQLite and
// PostgreSQL. Never edit a migration that has shipped; add the next one. The first is here;
// the later ones are in files by area (migration-*.ts), listed in order at the end.

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
