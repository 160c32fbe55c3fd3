import type { Generated, Kysely, Transaction } from 'kysely';
import type { AppRequestsTable, AppsTable } from './schema-apps.ts';
import type {
  EntryRatingsTable,
  FeedStatesTable,
  GroupCopiesTable,
  GroupCopyChunksTable,
  GroupKeysTable,
  GroupMembersTable,
  GroupsTable,
  MirrorChunksTable,
  MirrorsTable,
  ShelfEntriesTable,
  SubscriptionsTable,
} from './schema-groups.ts';
import type {
  ChunkReplicasTable,
  ChunksTable,
  CopyJobChunksTable,
  CopyJobsTable,
  HostStoredChangesTable,
  HostsTable,
} from './schema-hosts.ts';
import type {
  AccountTotpTable,
  TotpRecoveryCodesTable,
  TotpUsedStepsTable,
} from './schema-second-factor.ts';
import type {
  DropChunksTable,
  FileRequestsTable,
  LinksTable,
  RekeyNodesTable,
  RekeyRevisionsTable,
  RequestDropsTable,
  ShareKeysTable,
  ShareMembersTable,
  SharesTable,
} from './schema-shares.ts';
import type { JobsTable, LeasesTable } from './schema-workers.ts';

export type { AppRequestsTable, AppsTable } from './schema-apps.ts';
export type * from './schema-groups.ts';
export type * from './schema-hosts.ts';
export type * from './schema-shares.ts';
export type { JobsTable, LeasesTable } from './schema-workers.ts';

// Binary values are stored as base64url text and times as milliseconds (bigint), so one schema
// reads the same on SQLite and PostgreSQL.

export interface AccountsTable {
  id: string;
  email: string;
  opaque_record: string;
  wrapped_master_key: string;
  recovery_wrapped_master_key: string;
  recovery_proof_hash: string;
  wrapped_signing: string;
  wrapped_agreement: string;
  key_bundle: string;
  /** The version inside key_bundle; a new bundle must have a higher one. */
  key_version: Generated<number>;
  root_id: string;
  created_at: number;
}

export interface SessionsTable {
  id: string;
  account_id: string;
  token_hash: string;
  device_name: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  /** 1 while the session waits for its second factor: it may only submit a code. */
  second_factor_pending: Generated<number>;
}

/** A session's sync state, sealed under the master key ([Note: Sync state on the hub]). */
export interface SessionSyncStatesTable {
  session_id: string;
  account_id: string;
  version: number;
  /** base64url */
  state: string;
  updated_at: number;
}

export interface LoginStatesTable {
  id: string;
  email: string;
  state: string;
  expires_at: number;
}

export interface RateLimitsTable {
  key: string;
  window_start: number;
  count: number;
}

export interface NodesTable {
  id: string;
  account_id: string;
  parent_id: string | null;
  kind: 'file' | 'folder';
  wrapped_key: string;
  metadata: string;
  name_hash: string | null;
  version: number;
  revision: number | null;
  size: number;
  trashed_at: number | null;
  created_at: number;
  updated_at: number;
  /** Who wrote the node last ([Note: Node signatures]); null on unsigned nodes. */
  author_id: string | null;
  signature: string | null;
  /** The version of the node's key, bound into its wrapped key; bumped by each rotation. */
  key_version: number;
}

export interface RevisionsTable {
  node_id: string;
  revision: number;
  manifest: string;
  size: number;
  created_at: number;
}

export interface RevisionChunksTable {
  node_id: string;
  revision: number;
  position: number;
  chunk_id: string;
}

export interface UploadsTable {
  id: string;
  /** The account the upload's files go to (a file request's owner, for a visitor's). */
  account_id: string;
  /** Set for a visitor's upload to a file request. */
  request_id: string | null;
  /** Set for an upload an app opened ([Note: App chunks] in services/access.ts). */
  app_id: string | null;
  created_at: number;
  expires_at: number;
}

export interface UploadChunksTable {
  upload_id: string;
  chunk_id: string;
  size: number;
  /** The placement policy the chunk was placed for, as JSON; null: the network's. */
  policy: string | null;
}

/** An account's contact book, sealed under its master key ([Note: Contact book]). */
export interface ContactBooksTable {
  account_id: string;
  version: number;
  /** base64url */
  book: string;
  updated_at: number;
}

export interface FolderPoliciesTable {
  node_id: string;
  account_id: string;
  /** A FolderPolicy as JSON. */
  policy: string;
  updated_at: number;
}

/** One sample of the network every `history.intervalMs`, for the operator's charts. */
export interface NetworkHistoryTable {
  at: number;
  hosts: number;
  hosts_online: number;
  capacity: number;
  stored_bytes: number;
  accounts: number;
  files: number;
  chunks: number;
  under_replicated: number;
  repair_queue: number;
  copied: number;
}

export interface HubSecretsTable {
  name: string;
  value: string;
}

export interface MigrationRow {
  name: string;
  at: Generated<number>;
}

/** A reader's change counter ([Note: Change feed]). */
export interface ChangeCountersTable {
  account_id: string;
  seq: number;
  /** The highest number pruned from this reader's log: an older cursor has expired. */
  pruned_through: number;
}

/** One change as one reader sees it ([Note: Change feed]). */
export interface ChangesTable {
  /** The reader: the tree's owner, or a member of the share the node is (or was) in. */
  account_id: string;
  seq: number;
  node_id: string;
  parent_id: string | null;
  kind: 'file' | 'folder';
  version: number;
  revision: number | null;
  key_version: number;
  trashed: number;
  /** 1: gone from this reader's view (purged, moved out of the share, share left). */
  deleted: number;
  /** The share the reader sees it through; null in the reader's own tree. */
  share_id: string | null;
  at: number;
}

export interface Database {
  jobs: JobsTable;
  leases: LeasesTable;
  account_totp: AccountTotpTable;
  totp_used_steps: TotpUsedStepsTable;
  totp_recovery_codes: TotpRecoveryCodesTable;
  app_requests: AppRequestsTable;
  apps: AppsTable;
  change_counters: ChangeCountersTable;
  changes: ChangesTable;
  accounts: AccountsTable;
  sessions: SessionsTable;
  session_sync_states: SessionSyncStatesTable;
  login_states: LoginStatesTable;
  rate_limits: RateLimitsTable;
  nodes: NodesTable;
  revisions: RevisionsTable;
  revision_chunks: RevisionChunksTable;
  uploads: UploadsTable;
  upload_chunks: UploadChunksTable;
  chunks: ChunksTable;
  chunk_replicas: ChunkReplicasTable;
  hosts: HostsTable;
  host_stored_changes: HostStoredChangesTable;
  folder_policies: FolderPoliciesTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  group_keys: GroupKeysTable;
  shelf_entries: ShelfEntriesTable;
  contact_books: ContactBooksTable;
  entry_ratings: EntryRatingsTable;
  feed_states: FeedStatesTable;
  shares: SharesTable;
  share_members: ShareMembersTable;
  share_keys: ShareKeysTable;
  rekey_nodes: RekeyNodesTable;
  rekey_revisions: RekeyRevisionsTable;
  links: LinksTable;
  file_requests: FileRequestsTable;
  request_drops: RequestDropsTable;
  drop_chunks: DropChunksTable;
  network_history: NetworkHistoryTable;
  copy_jobs: CopyJobsTable;
  copy_job_chunks: CopyJobChunksTable;
  group_copies: GroupCopiesTable;
  group_copy_chunks: GroupCopyChunksTable;
  subscriptions: SubscriptionsTable;
  mirrors: MirrorsTable;
  mirror_chunks: MirrorChunksTable;
  hub_secrets: HubSecretsTable;
}

/** Where a query runs: on the database itself, or inside a transaction. */
export type DbOrTx = Kysely<Database> | Transaction<Database>;
