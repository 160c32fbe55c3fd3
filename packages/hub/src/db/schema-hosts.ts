import type { Generated, Selectable } from 'kysely';

// The tables of hosts, chunks and their replicas, and direct copies between hosts, beside the rest
// of the schema (schema.ts).

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
