import type { Generated, Kysely, Selectable, Transaction } from 'kysely';
import type { AppRequestsTable, AppsTable } from './schema-apps.ts';
import type {
  AccountTotpTable,
  TotpRecoveryCodesTable,
  TotpUsedStepsTable,
} from './schema-second-factor.ts';
import type { JobsTable, LeasesTable } from './schema-workers.ts';

export type { AppRequestsTable, AppsTable } from './schema-apps.ts';
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

export interface ChunksTable {
  id: string;
  size: number;
  created_at: number;
}

export interface ChunkReplicasTable {
  chunk_id: string;
  host_id: string;
  receipt: string;
  stored_at: number;
}

/** Bytes added to (or, negative, removed from) a host's stored bytes, not yet folded in. */
export interface HostStoredChangesTable {
  id: string;
  host_id: string;
  bytes: number;
}

export interface HostsTable {
  id: string;
  public_key: string;
  url: string;
  country: string;
  capacity: number;
  used_bytes: number;
  chunks: number;
  stored_bytes: number;
  last_seen_at: number;
  registered_at: number;
  /**
   * pending until approved (with manual approval); active; disqualified after failing `audit.disqualifyAfter` audits in a row; exiting after
   * asking to leave, then exited once none of its chunks is left to copy.
   */
  state: Generated<HostState>;
  audits_passed: Generated<number>;
  audits_failed: Generated<number>;
  /** Audits failed since the last one passed. */
  failed_streak: Generated<number>;
  /** The country the host says it is in; `country` is what placement uses. */
  declared_country: string | null;
  /** 1 once the operator has set the country: the host's hello no longer changes it. */
  country_confirmed: Generated<number>;
  /** JSON object of tags placement uses (required tags): the host's own until confirmed. */
  tags: Generated<string>;
  declared_tags: Generated<string>;
  tags_confirmed: Generated<number>;
  /** The account that proved it runs this host (a claim signed with the host key). */
  owner_account_id: string | null;
  /** Time seen online: the sum of heartbeat gaps within the offline window. */
  online_ms: Generated<number>;
  /** Chunk bytes received and sent, summed over restarts of the host. */
  bytes_in: Generated<number>;
  bytes_out: Generated<number>;
  /** The host's own counters at its last hello (they restart from 0 with the process). */
  reported_in: Generated<number>;
  reported_out: Generated<number>;
  /** The host's bandwidth limit in bytes per second, each way; null: none. */
  bandwidth: number | null;
  /** 1: a personal server (`coffer host --personal`), which takes only its owner's data. */
  personal: Generated<number>;
  /** The filesystem under its store at its last hello; null: not reported (an older host). */
  disk_free_bytes: number | null;
  disk_size_bytes: number | null;
}

/**
 * pending: waits for approval; active: takes data; suspended: the operator stopped new data
 * (its replicas still count); disqualified: failed too many audits; exiting, then exited.
 */
export type HostState = 'pending' | 'active' | 'suspended' | 'disqualified' | 'exiting' | 'exited';
/** A host as read from the database. */
export type HostRow = Selectable<HostsTable>;

/** An account's contact book, sealed under its master key ([Note: Contact book]). */
export interface ContactBooksTable {
  account_id: string;
  version: number;
  /** base64url */
  book: string;
  updated_at: number;
}

/** A private group ([Note: Groups on the hub]); the hub keeps the owner's roster as is. */
export interface GroupsTable {
  id: string;
  owner_id: string;
  /** base64url, signed by the owner */
  roster: string;
  roster_version: number;
  key_version: number;
  /** base64url: the name sealed under the group key */
  name: string;
  created_at: number;
  updated_at: number;
}

export type GroupMemberState = 'invited' | 'member' | 'declined' | 'left';

export interface GroupMembersTable {
  group_id: string;
  account_id: string;
  state: GroupMemberState;
  invited_at: number;
  answered_at: number | null;
}

export interface GroupKeysTable {
  group_id: string;
  key_version: number;
  account_id: string;
  /** base64url: the group key sealed to this account by the owner */
  sealed: string;
}

/** An entry on a member's shelf in a group, sealed and signed ([Note: Shelf entries]). */
export interface ShelfEntriesTable {
  group_id: string;
  entry_id: string;
  author_id: string;
  version: number;
  key_version: number;
  /** base64url */
  entry: string;
  published_at: number;
  updated_at: number;
  /** The file the entry offers for copying, as its author named it; null: not copyable. */
  file_node_id: string | null;
  file_revision: number | null;
}

/** A member's copy of a shelf entry's file, until they adopt it ([Note: Copies from groups]). */
export interface GroupCopiesTable {
  id: string;
  account_id: string;
  group_id: string;
  entry_id: string;
  /** The member's folder the file goes into; its policy says where the copies go. */
  folder_id: string;
  node_id: string;
  revision: number;
  /** The author's sealed manifest of that revision (base64url), for the member to verify. */
  manifest: string;
  /** The placement the copies are made for, as JSON. */
  policy: string;
  /** The copy jobs doing it, as a JSON array of ids. */
  jobs: string;
  created_at: number;
  expires_at: number;
}

export interface GroupCopyChunksTable {
  copy_id: string;
  chunk_id: string;
  size: number;
}

/** A member's rating of an entry, sealed and signed ([Note: Ratings]); one per entry and rater. */
export interface EntryRatingsTable {
  group_id: string;
  entry_id: string;
  rater_id: string;
  key_version: number;
  /** base64url */
  rating: string;
  rated_at: number;
}

/** An account's feed state, sealed under its master key ([Note: Feed state]). */
export interface FeedStatesTable {
  account_id: string;
  version: number;
  /** base64url */
  state: string;
  updated_at: number;
}

/** A member's subscription to a group's new entries ([Note: Auto-mirror]). */
export interface SubscriptionsTable {
  account_id: string;
  group_id: string;
  /** Only this member's shelf; null for every member's. */
  member_id: string | null;
  budget_bytes: number;
  created_at: number;
}

export type MirrorState = 'copying' | 'ready' | 'evicted' | 'too-big';

/** An entry mirrored to a subscriber's personal servers ([Note: Auto-mirror]). */
export interface MirrorsTable {
  id: string;
  account_id: string;
  group_id: string;
  entry_id: string;
  node_id: string;
  revision: number;
  bytes: number;
  state: MirrorState;
  /** 1 once the subscriber holds a file of their own over its chunks: never evicted. */
  kept: number;
  /** The copy jobs doing it, as a JSON array of ids. */
  jobs: string;
  created_at: number;
}

export interface MirrorChunksTable {
  mirror_id: string;
  chunk_id: string;
  size: number;
}

/** A shared folder ([Note: Member lists]); the hub keeps the owner's signed list as is. */
export interface SharesTable {
  id: string;
  node_id: string;
  owner_id: string;
  list_version: number;
  key_version: number;
  /** base64url of the signed member list. */
  member_list: string;
  created_at: number;
  updated_at: number;
}

export interface ShareMembersTable {
  share_id: string;
  account_id: string;
  role: 'read' | 'write';
  added_at: number;
}

/** A folder key version sealed to one member (or to the owner) by the owner. */
export interface ShareKeysTable {
  share_id: string;
  account_id: string;
  key_version: number;
  /** base64url sealed box. */
  sealed: string;
}

/** A node's new key, wrapped and signed by a share's owner, waiting for the rotation. */
export interface RekeyNodesTable {
  share_id: string;
  /** The share's key version this rotation moves to. */
  key_version: number;
  node_id: string;
  /** The node version the new keys were made from: a node changed since is a conflict. */
  node_version: number;
  wrapped_key: string;
  metadata: string;
  name_hash: string | null;
  signature: string;
}

/** A revision's manifest sealed under its file's new key, waiting for the rotation. */
export interface RekeyRevisionsTable {
  share_id: string;
  key_version: number;
  node_id: string;
  revision: number;
  manifest: string;
}

export interface LinksTable {
  id: string;
  account_id: string;
  node_id: string;
  kind: 'file' | 'folder';
  /** base64url link envelope ([Note: Link envelope]). */
  envelope: string;
  /** base64url link authors ([Note: Link authors]). */
  authors: string;
  created_at: number;
  expires_at: number | null;
  max_downloads: number | null;
  downloads: number;
  revoked_at: number | null;
}

export interface FileRequestsTable {
  id: string;
  account_id: string;
  folder_id: string;
  /** base64url title envelope, keyed by the request's public key ([Note: File requests]). */
  envelope: string;
  /** base64url: the request's secret key wrapped under the owner's master key. */
  wrapped_key: string;
  created_at: number;
  expires_at: number | null;
  max_files: number | null;
  max_bytes: number | null;
  files_received: number;
  bytes_received: number;
  revoked_at: number | null;
}

/** A file a visitor sent, waiting for the owner's client to take it in. */
export interface RequestDropsTable {
  id: string;
  request_id: string;
  /** The node id the file will have (its chunks are bound to it). */
  node_id: string;
  /** base64url drop box ([Note: File requests]). */
  sealed: string;
  size: number;
  created_at: number;
}

export interface DropChunksTable {
  drop_id: string;
  position: number;
  chunk_id: string;
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

export type CopyJobState = 'running' | 'done' | 'failed';

/** A direct copy between two hosts ([Note: Direct copies]), with its current order. */
export interface CopyJobsTable {
  id: string;
  source_id: string;
  destination_id: string;
  state: CopyJobState;
  chunks_total: number;
  bytes_total: number;
  chunks_done: Generated<number>;
  bytes_done: Generated<number>;
  /** Orders issued so far. */
  orders: Generated<number>;
  /** The current (or last) order: its id, the signed text, and when it ends. */
  order_id: string | null;
  order_text: string | null;
  /** Its expiry, or when the destination said it was done with it. */
  order_ends_at: number | null;
  /** chunks_done when the current order was issued: an attempt that adds none stalled. */
  done_at_order: Generated<number>;
  /** Attempts in a row that copied nothing; the next one waits longer. */
  stalls: Generated<number>;
  /** No new order before this time (backing off after stalls). */
  next_try_at: Generated<number>;
  /** The last delivery of the order or report about it. */
  touched_at: number;
  /** The last time a chunk was done (or the job created). */
  progress_at: number;
  last_error: string | null;
  created_at: number;
  finished_at: number | null;
}

export type CopyJobRow = Selectable<CopyJobsTable>;

export interface CopyJobChunksTable {
  job_id: string;
  chunk_id: string;
  size: number;
  /** Chunks are ordered in this order. */
  position: number;
  done: Generated<number>;
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
