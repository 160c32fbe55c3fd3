// The chunk store's public types and limits: what its users (the server, the CLI, the tests)
// see of it.

export const MAX_CHUNK_BYTES = 64 * 1024 * 1024 + 64 * 1024;
export const DEFAULT_SEGMENT_BYTES = 256 * 1024 * 1024;
export const DEFAULT_COMPACT_DEAD_RATIO = 0.5;

export interface StoreOptions {
  /** The data directory: segments/ and index.sqlite live in it. */
  dir: string;
  /** Chunk bytes this store may hold; puts beyond it fail with QuotaError. */
  capacity: number;
  /** A segment stops taking appends once it reaches this size. Default 256 MiB. */
  segmentBytes?: number;
  /** Segments open for appending at once (the upload concurrency). Default 32, at least 2. */
  maxWriters?: number;
  /**
   * A sealed segment is worth compacting once this share of its bytes is dead (0 < r <= 1).
   * Default 0.5. Also what `stats().reclaimableBytes` counts.
   */
  compactDeadRatio?: number;
  log?: (line: string) => void;
}

export interface ChunkLocation {
  id: string;
  segment: number;
  /** Offset of the record header in the segment; the data starts RECORD_HEADER later. */
  offset: number;
  length: number;
  storedAt: number;
}

export interface PutResult {
  id: string;
  size: number;
  /** False when the chunk was already stored: the bytes were checked, not written again. */
  stored: boolean;
}

export interface PutHandle {
  readonly id: string;
  readonly length: number;
  /** True when the chunk was already stored at `beginPut`: bytes are only hashed. */
  readonly existed: boolean;
  /**
   * Appends bytes, or several pieces in one write; await each call before the next. Throws
   * past `length`. Pieces are written as they are: a caller may not reuse them until it resolves.
   */
  write(bytes: Uint8Array | readonly Uint8Array[]): Promise<void>;
  /**
   * Checks the length and the hash, then makes the chunk durable and indexed. Resolves only
   * once it would survive a power cut.
   */
  finish(): Promise<PutResult>;
  /** Forgets everything written; nothing is indexed. Idempotent. */
  abort(): Promise<void>;
}

export interface StoreStats {
  capacity: number;
  usedBytes: number;
  chunks: number;
  /** Bytes promised to uploads in progress. */
  reservedBytes: number;
  segments: number;
  /** Bytes of deleted chunks, tombstones and lost duplicate uploads still on disk. */
  deadBytes: number;
  /** Dead bytes in sealed segments at or past the compaction threshold: what `compact()` frees. */
  reclaimableBytes: number;
}

export interface CompactOptions {
  /** Compact sealed segments at least this dead. Default: the store's `compactDeadRatio`. */
  minDeadRatio?: number;
  /** Stop after this many segments. Default: every segment past the threshold. */
  maxSegments?: number;
  /** Copy at most this many bytes per second. Default: no limit (batches still yield). */
  maxBytesPerSecond?: number;
  /** Stops after the batch in progress; what was done so far stays done. */
  signal?: AbortSignal;
  /**
   * @internal For crash tests: awaited after each step of each segment. Throwing stops the
   * compaction right there, as a crash would (minus the lost page cache).
   */
  onStep?: (step: CompactionStep, segment: number) => void | Promise<void>;
}

/** The durable steps of compacting one segment, in order; see [Note: Compaction]. */
export type CompactionStep = 'copied' | 'synced' | 'committed' | 'emptied' | 'unlinked' | 'removed';

export interface CompactionReport {
  segmentsCompacted: number;
  /** Bytes copied into new segments: live chunks, and tombstones that are still needed. */
  bytesMoved: number;
  /** Segment bytes freed on disk, net of the copies. */
  bytesReclaimed: number;
  tombstonesDropped: number;
}
