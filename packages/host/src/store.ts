import { createReadStream, type ReadStream } from 'node:fs';
import {
  type FileHandle,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { createSha256 } from '@coffer/crypto';
import { ConflictError, QuotaError, ValidationError } from '@coffer/errors';
import Database from 'better-sqlite3';
import {
  decodeHeader,
  encodeHeader,
  MAGIC_BYTES,
  parseSegmentName,
  RECORD_HEADER,
  type RecordHeader,
  segmentName,
  TYPE_CHUNK,
  TYPE_TOMBSTONE,
} from './format.ts';

// [Note: Chunk store]
// Chunks live in append-only segment files, never one file per chunk; an SQLite index maps
// each chunk id to (segment, offset, length). See format.ts for the record layout and
// README.md for the on-disk layout.
//
// Writers. A segment has at most one writer at a time. Up to `maxWriters` segments are open
// for appending, so concurrent uploads of different chunks never interleave bytes and a slow
// client holds up only its own segment:
//  - A large chunk (> SMALL_RECORD) takes a segment for itself for the whole upload and
//    streams into it at a fixed offset. On failure (wrong hash, short body, abort) the
//    segment is truncated back to where the record started, then released.
//  - A small chunk is buffered until its last byte, checked, then appended together with
//    every other small record waiting at that moment in one writev.
//
// Durability. A record is acknowledged only after (1) its bytes are written, (2) the segment
// is fdatasynced and (3) its index row is committed in SQLite (WAL, synchronous=FULL).
// Steps 2 and 3 are group commits: one fdatasync per segment covers every record written
// before it, and one transaction covers every record synced at that moment. Each segment's
// row holds `committed_end`, the end of its last indexed record; anything past it in an open
// segment is a write that was never acknowledged, and start-up truncates it. Start-up touches
// only the open segments (at most `maxWriters`), never the chunks.
//
// Deletes append a tombstone and drop the index row; the chunk's bytes become dead space,
// counted per segment (`dead_bytes`) until compaction rewrites the segment. See
// [Note: Compaction].

export const MAX_CHUNK_BYTES = 64 * 1024 * 1024 + 64 * 1024;
export const DEFAULT_SEGMENT_BYTES = 256 * 1024 * 1024;
const SMALL_RECORD = 256 * 1024;
const SMALL_BATCH_BYTES = 8 * 1024 * 1024;
const SMALL_BATCH_RECORDS = 2048;
const SEQ_BLOCK = 65536;
const SCHEMA_VERSION = 2;
const CHUNK_ID = /^[0-9a-f]{64}$/;
export const DEFAULT_COMPACT_DEAD_RATIO = 0.5;
/** Compaction reads a segment this much at a time, looking up each record it finds... */
const COMPACT_WINDOW = 512 * 1024;
/** ...or only this much after a record larger than that, whose data it does not read. */
const PROBE_WINDOW = 64 * 1024;
/** Copies in flight at once within a batch. */
const COPY_PARALLEL = 4;
/** One compaction batch (one fdatasync, one transaction): at most this many bytes or records. */
const COMPACT_BATCH_BYTES = 8 * 1024 * 1024;
const COMPACT_BATCH_RECORDS = 1024;
/** Records too large for the window are copied in pieces of this size. */
const COPY_PIECE = 4 * 1024 * 1024;

/** `segments.sealed`: where a segment is in its life. */
const SEG_OPEN = 0; // takes appends
const SEG_SEALED = 1; // full (or broken): read-only
const SEG_DRAINING = 2; // compaction has moved some of its records out
const SEG_EMPTIED = 3; // nothing in the index points into it; the file is being removed

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
  /** Appends bytes; await each call before the next. Throws past `length`. */
  write(bytes: Uint8Array): Promise<void>;
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

interface Segment {
  id: number;
  path: string;
  fh: FileHandle;
  /** Where the next record goes. */
  end: number;
  busy: boolean;
  /** Held by a streaming upload (not the small-record batcher). */
  stream: boolean;
  /** Full or broken: no new appends; sealed once its pending commits are done. */
  retiring: boolean;
  /** An fdatasync failed: nothing written to it since its last good sync can be trusted. */
  broken: unknown;
  pending: Pending[];
  syncing: boolean;
}

interface Pending {
  kind: 'put' | 'tombstone';
  idBytes: Buffer;
  segment: number;
  offset: number;
  length: number;
  at: number;
  resolve: (changed: boolean) => void;
  reject: (e: unknown) => void;
}

interface SmallRecord {
  kind: 'put' | 'tombstone';
  idBytes: Buffer;
  data: Buffer | null;
  length: number;
  resolve: (changed: boolean | PromiseLike<boolean>) => void;
  reject: (e: unknown) => void;
}

interface Row {
  segment: number;
  offset: number;
  length: number;
  stored_at: number;
}

/** An open segment file, idle, with its next record going at `end`. */
const openSegment = (id: number, path: string, fh: FileHandle, end: number): Segment => ({
  id,
  path,
  fh,
  end,
  busy: false,
  stream: false,
  retiring: false,
  broken: null,
  pending: [],
  syncing: false,
});

interface SegmentRow {
  committed_end: number;
  dead_bytes: number;
  kept_bytes: number;
  sealed: number;
}

type Db = Database.Database;

export const segmentsDir = (dir: string) => join(dir, 'segments');
export const indexPath = (dir: string) => join(dir, 'index.sqlite');

function createSchema(db: Db): void {
  db.exec(`
    CREATE TABLE chunks (
      id BLOB PRIMARY KEY,
      segment INTEGER NOT NULL,
      offset INTEGER NOT NULL,
      length INTEGER NOT NULL,
      stored_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE segments (
      id INTEGER PRIMARY KEY,
      committed_end INTEGER NOT NULL DEFAULT 0,
      dead_bytes INTEGER NOT NULL DEFAULT 0,
      sealed INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX segments_open ON segments (id) WHERE sealed = 0;
    CREATE TABLE stats (
      one INTEGER PRIMARY KEY CHECK (one = 1),
      used_bytes INTEGER NOT NULL,
      chunks INTEGER NOT NULL,
      next_seq INTEGER NOT NULL,
      dead_bytes INTEGER NOT NULL
    );
    INSERT INTO stats VALUES (1, 0, 0, 1, 0);
    PRAGMA user_version = 1;
  `);
}

/**
 * Version 2: compaction. `segments.sealed` takes the SEG_* states, `kept_bytes` counts the
 * tombstones compaction copied in, `graves` lists dead chunk records per segment, and
 * `stats.graves_from` is the first segment whose dead records are all in `graves`; segments
 * written before this version never listed them. See [Note: Compaction]. `stats.segments`
 * counts the segment rows (kept by triggers), so that start-up need not.
 */
function migrateToV2(db: Db): void {
  db.exec(`
    ALTER TABLE segments ADD COLUMN kept_bytes INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX segments_waste ON segments ((dead_bytes * 1.0) / committed_end) WHERE sealed = 1;
    CREATE INDEX segments_busy ON segments (id) WHERE sealed >= 2;
    CREATE TABLE graves (
      id BLOB NOT NULL,
      segment INTEGER NOT NULL,
      PRIMARY KEY (id, segment)
    ) WITHOUT ROWID;
    ALTER TABLE stats ADD COLUMN graves_from INTEGER NOT NULL DEFAULT 1;
    UPDATE stats SET graves_from = (SELECT coalesce(max(id), 0) + 1 FROM segments);
    ALTER TABLE stats ADD COLUMN segments INTEGER NOT NULL DEFAULT 0;
    UPDATE stats SET segments = (SELECT count(*) FROM segments);
    CREATE TRIGGER segments_added AFTER INSERT ON segments
      BEGIN UPDATE stats SET segments = segments + 1; END;
    CREATE TRIGGER segments_removed AFTER DELETE ON segments
      BEGIN UPDATE stats SET segments = segments - 1; END;
    PRAGMA user_version = 2;
  `);
}

function openDb(path: string): Db {
  const db = new Database(path);
  // One process owns the index (store.lock): exclusive locking keeps the WAL index in memory
  // and saves the file-lock system calls every read would otherwise make.
  db.pragma('locking_mode = EXCLUSIVE');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -65536'); // 64 MiB of index pages
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version === 0) {
    db.transaction(() => {
      createSchema(db);
      migrateToV2(db);
    })();
  } else if (version === 1) {
    db.transaction(() => migrateToV2(db))();
  } else if (version !== SCHEMA_VERSION) {
    db.close();
    throw new ValidationError(
      'dataDir',
      `index.sqlite has schema version ${version}; this host understands ${SCHEMA_VERSION}`,
    );
  }
  return db;
}

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

const errno = (e: unknown) => (e as NodeJS.ErrnoException | null)?.code;

/** A full disk is the host being full (507), not a server fault. */
function storageError(e: unknown): unknown {
  const code = errno(e);
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL') {
    return new QuotaError('host: the disk is full', { cause: e });
  }
  return e;
}

// ---- the data directory lock --------------------------------------------------------------

/** One process per data directory: two writers appending to the same segments would corrupt them. */
async function lockDir(dir: string): Promise<() => Promise<void>> {
  const path = join(dir, 'store.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(path, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      return async () => {
        await unlink(path).catch(() => undefined);
      };
    } catch (e) {
      if (errno(e) !== 'EEXIST') throw e;
    }
    const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
    if (Number.isSafeInteger(pid) && pid > 0 && processAlive(pid)) {
      throw new ConflictError(`dataDir: ${dir} is in use by process ${pid}`);
    }
    await unlink(path).catch(() => undefined); // stale: its process is gone
  }
  throw new ConflictError(`dataDir: cannot lock ${dir}`);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errno(e) === 'EPERM';
  }
}

// ---- the store ----------------------------------------------------------------------------

export class ChunkStore {
  readonly capacity: number;
  private readonly segmentBytes: number;
  private readonly maxWriters: number;
  private readonly log: (line: string) => void;
  private readonly segDir: string;

  private used = 0;
  private count = 0;
  private dead = 0;
  private reserved = 0;
  private seq = 0;
  private seqLimit = 0;
  private nextSegment = 1;

  private readonly writers: Segment[] = [];
  private creating = 0;
  private streaming = 0;
  private readonly waiters: {
    stream: boolean;
    resolve: (s: Segment) => void;
    reject: (e: unknown) => void;
  }[] = [];
  private readonly small: SmallRecord[] = [];
  private draining: Promise<void> | null = null;
  private readonly dbQueue: Pending[] = [];
  private dbFlush: Promise<void> | null = null;
  private readonly syncs = new Set<Promise<void>>();
  private readonly open = new Set<PutImpl>();
  private closed = false;

  private readonly compactRatio: number;
  private segmentCount = 0;
  private gravesFrom = 1;
  /** Where compaction copies records to; not one of `writers`. */
  private out: Segment | null = null;
  /** Compaction runs one at a time, chained here. */
  private compactions: Promise<unknown> = Promise.resolve();
  /** Segments whose records have all moved: a location in one of them is stale. */
  private readonly emptied = new Set<number>();
  /** Read streams per segment that have not opened their file yet. */
  private readonly readers = new Map<number, number>();
  private readonly readersDone = new Map<number, () => void>();
  /** Segments compaction gave up on in this process (logged); retried after a restart. */
  private readonly stuck = new Set<number>();

  private readonly q: {
    get: Database.Statement<[Buffer], Row>;
    insert: Database.Statement<[Buffer, number, number, number, number]>;
    exists: Database.Statement<[Buffer], number>;
    remove: Database.Statement<[Buffer]>;
    segEnd: Database.Statement<[number, number, number]>;
    newSegment: Database.Statement<[number]>;
    dropSegment: Database.Statement<[number]>;
    seal: Database.Statement<[number]>;
    stats: Database.Statement<[number, number, number]>;
    seq: Database.Statement<[number]>;
    graveAdd: Database.Statement<[Buffer, number]>;
    graveDel: Database.Statement<[Buffer, number]>;
    graveElsewhere: Database.Statement<[Buffer, number], number>;
    segRow: Database.Statement<[number], SegmentRow>;
    segAdd: Database.Statement<[number, number, number, number]>;
    setState: Database.Statement<[number, number]>;
    busy: Database.Statement<[], { id: number; sealed: number }>;
    otherBusy: Database.Statement<[number], number>;
    legacy: Database.Statement<[number, number], number>;
    candidates: Database.Statement<[number, number], number>;
    reclaimable: Database.Statement<[number], number>;
    removeSeg: Database.Statement<[number]>;
    move: Database.Statement<[number, number, Buffer, number, number]>;
    page: Database.Statement<[Buffer, number], { id: Buffer } & Row>;
  };
  private readonly apply: (items: Pending[]) => boolean[];

  private constructor(
    private readonly db: Db,
    readonly dir: string,
    o: StoreOptions,
    private readonly unlock: () => Promise<void>,
  ) {
    this.capacity = o.capacity;
    this.segmentBytes = o.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
    this.maxWriters = Math.max(2, o.maxWriters ?? 32);
    this.log = o.log ?? (() => undefined);
    this.segDir = segmentsDir(dir);
    this.compactRatio = checkRatio('compactDeadRatio', o.compactDeadRatio);
    this.q = {
      get: db.prepare<[Buffer], Row>(
        'SELECT segment, offset, length, stored_at FROM chunks WHERE id = ?',
      ),
      insert: db.prepare<[Buffer, number, number, number, number]>(
        'INSERT OR IGNORE INTO chunks (id, segment, offset, length, stored_at) VALUES (?, ?, ?, ?, ?)',
      ),
      exists: db.prepare<[Buffer], number>('SELECT 1 FROM chunks WHERE id = ?').pluck(),
      remove: db.prepare<[Buffer]>('DELETE FROM chunks WHERE id = ?'),
      segEnd: db.prepare<[number, number, number]>(
        'UPDATE segments SET committed_end = max(committed_end, ?), dead_bytes = dead_bytes + ? WHERE id = ?',
      ),
      newSegment: db.prepare<[number]>('INSERT INTO segments (id) VALUES (?)'),
      dropSegment: db.prepare<[number]>('DELETE FROM segments WHERE id = ? AND committed_end = 0'),
      seal: db.prepare<[number]>('UPDATE segments SET sealed = 1 WHERE id = ?'),
      stats: db.prepare<[number, number, number]>(
        'UPDATE stats SET used_bytes = ?, chunks = ?, dead_bytes = ? WHERE one = 1',
      ),
      seq: db.prepare<[number]>('UPDATE stats SET next_seq = ? WHERE one = 1'),
      graveAdd: db.prepare<[Buffer, number]>(
        'INSERT OR IGNORE INTO graves (id, segment) VALUES (?, ?)',
      ),
      graveDel: db.prepare<[Buffer, number]>('DELETE FROM graves WHERE id = ? AND segment = ?'),
      graveElsewhere: db
        .prepare<[Buffer, number], number>(
          'SELECT 1 FROM graves WHERE id = ? AND segment != ? LIMIT 1',
        )
        .pluck(),
      segRow: db.prepare<[number], SegmentRow>(
        'SELECT committed_end, dead_bytes, kept_bytes, sealed FROM segments WHERE id = ?',
      ),
      segAdd: db.prepare<[number, number, number, number]>(
        `UPDATE segments SET committed_end = max(committed_end, ?), dead_bytes = dead_bytes + ?,
          kept_bytes = kept_bytes + ? WHERE id = ?`,
      ),
      setState: db.prepare<[number, number]>('UPDATE segments SET sealed = ? WHERE id = ?'),
      busy: db.prepare<[], { id: number; sealed: number }>(
        'SELECT id, sealed FROM segments WHERE sealed >= 2 ORDER BY id',
      ),
      otherBusy: db
        .prepare<[number], number>('SELECT 1 FROM segments WHERE sealed >= 2 AND id != ? LIMIT 1')
        .pluck(),
      legacy: db
        .prepare<[number, number], number>(
          'SELECT 1 FROM segments WHERE id < ? AND id != ? LIMIT 1',
        )
        .pluck(),
      candidates: db
        .prepare<[number, number], number>(
          `SELECT id FROM segments WHERE sealed = 1 AND (dead_bytes * 1.0) / committed_end >= ?
            ORDER BY id LIMIT ?`,
        )
        .pluck(),
      reclaimable: db
        .prepare<[number], number>(
          `SELECT coalesce(sum(dead_bytes), 0) FROM segments
            WHERE sealed = 1 AND (dead_bytes * 1.0) / committed_end >= ?`,
        )
        .pluck(),
      removeSeg: db.prepare<[number]>('DELETE FROM segments WHERE id = ?'),
      move: db.prepare<[number, number, Buffer, number, number]>(
        'UPDATE chunks SET segment = ?, offset = ? WHERE id = ? AND segment = ? AND offset = ?',
      ),
      page: db.prepare<[Buffer, number], { id: Buffer } & Row>(
        'SELECT id, segment, offset, length, stored_at FROM chunks WHERE id > ? ORDER BY id LIMIT ?',
      ),
    };
    this.apply = db.transaction((items: Pending[]) => this.applyBatch(items));
  }

  /** Opens (or creates) the store in `o.dir`. Takes time proportional to the open segments only. */
  static async open(o: StoreOptions): Promise<ChunkStore> {
    if (!Number.isSafeInteger(o.capacity) || o.capacity < 0) {
      throw new ValidationError('capacity', 'expected a non-negative whole number of bytes');
    }
    await mkdir(segmentsDir(o.dir), { recursive: true, mode: 0o700 });
    const unlock = await lockDir(o.dir);
    let db: Db | undefined;
    try {
      db = openDb(indexPath(o.dir));
      const store = new ChunkStore(db, o.dir, o, unlock);
      await store.load();
      return store;
    } catch (e) {
      db?.close();
      await unlock();
      throw e;
    }
  }

  private async load(): Promise<void> {
    const s = this.db
      .prepare(
        'SELECT used_bytes, chunks, next_seq, dead_bytes, graves_from, segments FROM stats WHERE one = 1',
      )
      .get() as {
      used_bytes: number;
      chunks: number;
      next_seq: number;
      dead_bytes: number;
      graves_from: number;
      segments: number;
    };
    this.used = s.used_bytes;
    this.count = s.chunks;
    this.dead = s.dead_bytes;
    this.gravesFrom = s.graves_from;
    // Seqs are handed out in blocks, the block's end made durable before any seq in it is
    // written to disk, so no seq is ever reused, even by a write that was lost in a crash.
    this.seq = s.next_seq;
    this.seqLimit = s.next_seq;
    const max = this.db.prepare('SELECT max(id) AS m FROM segments').get() as { m: number | null };
    this.nextSegment = (max.m ?? 0) + 1;

    const openRows = this.db
      .prepare(`SELECT id, committed_end FROM segments WHERE sealed = ${SEG_OPEN} ORDER BY id`)
      .all() as { id: number; committed_end: number }[];
    for (const row of openRows) await this.reopen(row.id, row.committed_end);
    // A compaction that stopped after emptying a segment but before removing it.
    for (const row of this.q.busy.all()) {
      if (row.sealed === SEG_EMPTIED) await this.removeSegment(row.id);
    }
    this.segmentCount = this.db
      .prepare('SELECT segments FROM stats WHERE one = 1')
      .pluck()
      .get() as number;
  }

  /** Checks the tail of a segment that was open for appends when the host stopped. */
  private async reopen(id: number, committedEnd: number): Promise<void> {
    const path = join(this.segDir, segmentName(id));
    let fh: FileHandle;
    try {
      fh = await open(path, 'r+');
    } catch (e) {
      if (errno(e) !== 'ENOENT') throw e;
      if (committedEnd === 0) {
        this.q.dropSegment.run(id);
        return;
      }
      this.log(`STORE ERROR: segment ${segmentName(id)} is missing; its chunks are lost`);
      this.q.seal.run(id);
      return;
    }
    const size = (await fh.stat()).size;
    if (size > committedEnd) {
      this.log(
        `store: segment ${segmentName(id)}: dropping ${size - committedEnd} bytes of an unacknowledged write`,
      );
      await fh.truncate(committedEnd);
      await fh.datasync();
    } else if (size < committedEnd) {
      this.log(
        `STORE ERROR: segment ${segmentName(id)} has ${size} bytes but the index expects ${committedEnd}; chunks past the end are lost (run rebuild-index)`,
      );
      await fh.close();
      this.q.seal.run(id);
      return;
    }
    const seg = openSegment(id, path, fh, committedEnd);
    if (committedEnd >= this.segmentBytes) {
      seg.retiring = true;
      await this.seal(seg);
    } else {
      this.writers.push(seg);
    }
  }

  // ---- reading ----------------------------------------------------------------------------

  has(id: string): boolean {
    return CHUNK_ID.test(id) && this.q.exists.get(Buffer.from(id, 'hex')) !== undefined;
  }

  locate(id: string): ChunkLocation | undefined {
    if (!CHUNK_ID.test(id)) return undefined;
    const row = this.q.get.get(Buffer.from(id, 'hex'));
    if (!row) return undefined;
    return {
      id,
      segment: row.segment,
      offset: row.offset,
      length: row.length,
      storedAt: row.stored_at,
    };
  }

  /**
   * Up to `limit` chunks with ids after `after` (all when null), in id order, with when each
   * was stored: reconciliation walks the store with it, page by page.
   */
  listAfter(after: string | null, limit: number): { id: string; storedAt: number }[] {
    const rows = this.db
      .prepare('SELECT id, stored_at FROM chunks WHERE id > ? ORDER BY id LIMIT ?')
      .all(after ? Buffer.from(after, 'hex') : Buffer.alloc(0), limit) as {
      id: Buffer;
      stored_at: number;
    }[];
    return rows.map((r) => ({ id: r.id.toString('hex'), storedAt: r.stored_at }));
  }

  /** Streams bytes [start, end] (inclusive) of a located chunk straight from its segment. */
  createReadStream(loc: ChunkLocation, start = 0, end = loc.length - 1): ReadStream {
    if (!(start >= 0 && start <= end && end < loc.length)) {
      throw new ValidationError('range', `expected a range within ${loc.length} bytes`);
    }
    let { segment, offset } = loc;
    if (this.emptied.has(segment)) {
      // Located before compaction moved the chunk; its old segment is going or gone.
      const now = this.locate(loc.id);
      if (now && now.length === loc.length) ({ segment, offset } = now);
    }
    const base = offset + RECORD_HEADER;
    const stream = createReadStream(join(this.segDir, segmentName(segment)), {
      start: base + start,
      end: base + end,
      highWaterMark: 256 * 1024,
    });
    // Compaction unlinks a segment only once no stream is still about to open it; a stream
    // that has its file open keeps reading it after the unlink.
    this.readers.set(segment, (this.readers.get(segment) ?? 0) + 1);
    let opened = false;
    const release = () => {
      if (opened) return;
      opened = true;
      const n = (this.readers.get(segment) ?? 1) - 1;
      if (n > 0) {
        this.readers.set(segment, n);
        return;
      }
      this.readers.delete(segment);
      this.readersDone.get(segment)?.();
    };
    stream.once('open', release);
    stream.once('close', release);
    return stream;
  }

  /** The whole chunk in memory; for tests and small objects. */
  async read(id: string): Promise<Buffer | undefined> {
    const loc = this.locate(id);
    if (!loc) return undefined;
    const parts: Buffer[] = [];
    for await (const part of this.createReadStream(loc)) parts.push(part as Buffer);
    return Buffer.concat(parts);
  }

  stats(): StoreStats {
    return {
      capacity: this.capacity,
      usedBytes: this.used,
      chunks: this.count,
      reservedBytes: this.reserved,
      segments: this.segmentCount,
      deadBytes: this.dead,
      reclaimableBytes: this.db.open ? (this.q.reclaimable.get(this.compactRatio) ?? 0) : 0,
    };
  }

  // ---- writing ----------------------------------------------------------------------------

  /**
   * Starts storing chunk `id` of exactly `length` bytes. Throws QuotaError when it would not
   * fit in the capacity (counting uploads in progress), ValidationError on a bad id or size.
   */
  beginPut(id: string, length: number): PutHandle {
    const existed = this.admit(id, length);
    const put = new PutImpl(this, id, length, existed, existed ? 0 : length);
    this.open.add(put);
    return put;
  }

  /** Stores a chunk held in memory or arriving as an async iterable. */
  async put(
    id: string,
    data: Uint8Array | AsyncIterable<Uint8Array>,
    length?: number,
  ): Promise<PutResult> {
    if (data instanceof Uint8Array && data.length <= SMALL_RECORD) {
      // The whole chunk is here: check it before anything else, then one batched append.
      const existed = this.admit(id, data.length);
      try {
        const hash = createSha256();
        hash.update(data);
        if (Buffer.from(hash.digest()).toString('hex') !== id) {
          throw new ValidationError('chunkId', 'content does not match');
        }
        const stored = existed
          ? false
          : await this.appendSmall(Buffer.from(id, 'hex'), Buffer.from(data));
        return { id, size: data.length, stored };
      } finally {
        if (!existed) this.reserved -= data.length;
      }
    }
    const size = data instanceof Uint8Array ? data.length : length;
    if (size === undefined) throw new ValidationError('length', 'required for a stream');
    const h = this.beginPut(id, size);
    try {
      if (data instanceof Uint8Array) await h.write(data);
      else for await (const part of data) await h.write(part);
      return await h.finish();
    } catch (e) {
      await h.abort();
      throw e;
    }
  }

  /** Checks a put and reserves its bytes; returns whether the chunk is already stored. */
  private admit(id: string, length: number): boolean {
    this.checkOpen();
    if (!CHUNK_ID.test(id)) {
      throw new ValidationError('chunkId', 'expected 64 lowercase hex characters');
    }
    if (!Number.isSafeInteger(length) || length < 1 || length > MAX_CHUNK_BYTES) {
      throw new ValidationError('body', `expected 1 to ${MAX_CHUNK_BYTES} bytes`);
    }
    if (this.has(id)) return true;
    if (this.used + this.reserved + length > this.capacity) {
      throw new QuotaError(
        `host is full: ${this.capacity - this.used - this.reserved} of ${this.capacity} bytes free`,
      );
    }
    this.reserved += length;
    return false;
  }

  /** Deletes a chunk; false when it was not stored. Idempotent. */
  async delete(id: string): Promise<boolean> {
    this.checkOpen();
    if (!this.has(id)) return false;
    return new Promise<boolean>((resolve, reject) => {
      this.small.push({
        kind: 'tombstone',
        idBytes: Buffer.from(id, 'hex'),
        data: null,
        length: 0,
        resolve,
        reject,
      });
      this.drainSmall();
    });
  }

  /** Waits for writes in progress, then closes every file and the index. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.open].map((p) => p.abort()));
    // A compaction stops after its batch in progress; its output stays open for appends.
    await this.compactions;
    if (this.out) await this.out.fh.close().catch(() => undefined);
    this.out = null;
    // Let queued appends, fsyncs and index commits finish; each may start the next.
    for (;;) {
      if (this.draining) await this.draining;
      else if (this.syncs.size > 0) await Promise.allSettled([...this.syncs]);
      else if (this.dbFlush) await this.dbFlush;
      else break;
    }
    for (const w of this.waiters.splice(0)) w.reject(new ConflictError('store: closed'));
    for (const s of this.writers.splice(0)) await s.fh.close().catch(() => undefined);
    this.db.close();
    await this.unlock();
  }

  // ---- internals used by PutImpl ----------------------------------------------------------

  /** @internal */
  checkOpen(): void {
    if (this.closed) throw new ConflictError('store: closed');
  }

  /** @internal */
  forget(p: PutImpl, reservation: number): void {
    if (this.open.delete(p)) this.reserved -= reservation;
  }

  /** @internal */
  nextSeq(): number {
    if (this.seq >= this.seqLimit) {
      this.seqLimit = this.seq + SEQ_BLOCK;
      this.q.seq.run(this.seqLimit);
    }
    return this.seq++;
  }

  /** @internal Resolves to false when another upload of the same chunk got there first. */
  appendSmall(idBytes: Buffer, data: Buffer): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.small.push({ kind: 'put', idBytes, data, length: data.length, resolve, reject });
      this.drainSmall();
    });
  }

  /**
   * @internal A segment for this caller alone, until `releaseWriter`. Streaming uploads may
   * hold at most maxWriters - 1 segments, so small records and deletes always get through
   * even when every stream is stalled on a slow client.
   */
  acquireWriter(stream: boolean): Promise<Segment> {
    // Uploads may not start once closing; queued small records still get written.
    if (stream) this.checkOpen();
    const got = this.tryTake(stream);
    if (got === null) {
      return new Promise<Segment>((resolve, reject) =>
        this.waiters.push({ stream, resolve, reject }),
      );
    }
    return this.grant(got, stream);
  }

  /** @internal */
  releaseWriter(s: Segment): void {
    s.busy = false;
    if (s.stream) this.streaming--;
    s.stream = false;
    if (!s.retiring && s.end >= this.segmentBytes) s.retiring = true;
    if (s.retiring) {
      const i = this.writers.indexOf(s);
      if (i >= 0) this.writers.splice(i, 1);
      this.maybeSeal(s);
    }
    this.dispatch();
  }

  /** A free segment (now taken), 'create' (a new one may be opened), or null (wait). */
  private tryTake(stream: boolean): Segment | 'create' | null {
    if (stream && this.streaming >= this.maxWriters - 1) return null;
    const free = this.writers.find((w) => !w.busy && !w.retiring);
    if (free) {
      free.busy = true;
      return free;
    }
    if (this.writers.length + this.creating < this.maxWriters) return 'create';
    return null;
  }

  private async grant(got: Segment | 'create', stream: boolean): Promise<Segment> {
    if (stream) this.streaming++;
    try {
      const s = got === 'create' ? await this.newWriter() : got;
      s.stream = stream;
      return s;
    } catch (e) {
      if (stream) this.streaming--;
      throw e;
    }
  }

  private dispatch(): void {
    for (let i = 0; i < this.waiters.length; ) {
      const w = this.waiters[i] as (typeof this.waiters)[number];
      const got = this.tryTake(w.stream);
      if (got === null) {
        i++;
        continue;
      }
      this.waiters.splice(i, 1);
      this.grant(got, w.stream).then(w.resolve, (e) => {
        w.reject(e);
        this.dispatch();
      });
    }
  }

  /** @internal Queues a written record for fdatasync and indexing (group commit). */
  commit(
    s: Segment,
    kind: Pending['kind'],
    idBytes: Buffer,
    offset: number,
    length: number,
    at: number,
  ): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      s.pending.push({ kind, idBytes, segment: s.id, offset, length, at, resolve, reject });
      if (!s.syncing) {
        const run = this.syncLoop(s);
        this.syncs.add(run);
        void run.finally(() => this.syncs.delete(run));
      }
    });
  }

  /** @internal */
  logLine(line: string): void {
    this.log(line);
  }

  private async newWriter(): Promise<Segment> {
    this.creating++;
    try {
      const s = await this.newSegment();
      s.busy = true; // taken by whoever asked for it
      this.writers.push(s);
      return s;
    } finally {
      this.creating--;
    }
  }

  /** Creates the next segment file and its index row (open, empty). */
  private async newSegment(): Promise<Segment> {
    for (;;) {
      const id = this.nextSegment++;
      this.q.newSegment.run(id);
      const path = join(this.segDir, segmentName(id));
      let fh: FileHandle;
      try {
        fh = await open(path, 'wx+', 0o600);
      } catch (e) {
        this.q.dropSegment.run(id);
        if (errno(e) === 'EEXIST') {
          this.log(`store: ${segmentName(id)} exists but is not indexed; leaving it alone`);
          continue;
        }
        throw e;
      }
      await syncDir(this.segDir);
      this.segmentCount++;
      return openSegment(id, path, fh, 0);
    }
  }

  private drainSmall(): void {
    if (this.draining) return;
    this.draining = (async () => {
      while (this.small.length > 0) {
        let s: Segment;
        try {
          s = await this.acquireWriter(false);
        } catch (e) {
          for (const r of this.small.splice(0)) r.reject(e);
          break;
        }
        const batch: SmallRecord[] = [];
        let bytes = 0;
        while (
          this.small.length > 0 &&
          batch.length < SMALL_BATCH_RECORDS &&
          (batch.length === 0 || bytes < SMALL_BATCH_BYTES)
        ) {
          const r = this.small.shift() as SmallRecord;
          batch.push(r);
          bytes += RECORD_HEADER + r.length;
        }
        const at = Date.now();
        const buffers: Buffer[] = [];
        const offsets: number[] = [];
        let pos = s.end;
        try {
          for (const r of batch) {
            offsets.push(pos);
            const type = r.kind === 'put' ? TYPE_CHUNK : TYPE_TOMBSTONE;
            buffers.push(
              encodeHeader({ type, length: r.length, seq: this.nextSeq(), at, id: r.idBytes }),
            );
            if (r.data) buffers.push(r.data);
            pos += RECORD_HEADER + r.length;
          }
          const { bytesWritten } = await s.fh.writev(buffers, s.end);
          if (bytesWritten !== pos - s.end) throw new Error('short write to segment');
          s.end = pos;
          batch.forEach((r, i) => {
            r.resolve(this.commit(s, r.kind, r.idBytes, offsets[i] as number, r.length, at));
          });
        } catch (e) {
          await s.fh.truncate(s.end).catch(() => undefined);
          for (const r of batch) r.reject(storageError(e));
        } finally {
          this.releaseWriter(s);
        }
      }
    })().finally(() => {
      this.draining = null;
      if (this.small.length > 0) this.drainSmall();
    });
  }

  private async syncLoop(s: Segment): Promise<void> {
    s.syncing = true;
    try {
      while (s.pending.length > 0) {
        const batch = s.pending.splice(0);
        try {
          // After a failed fsync the kernel may have dropped the dirty pages and a later fsync
          // may still succeed, so the segment never vouches for anything again.
          if (s.broken) throw s.broken;
          await s.fh.datasync();
        } catch (e) {
          if (!s.broken) {
            this.log(`STORE ERROR: fdatasync of ${segmentName(s.id)} failed: ${String(e)}`);
          }
          s.broken = e;
          s.retiring = true;
          for (const p of batch) p.reject(storageError(e));
          continue;
        }
        await this.index(batch);
      }
    } finally {
      s.syncing = false;
      this.maybeSeal(s);
    }
  }

  /** Adds synced records to the next index transaction and waits for it. */
  private index(batch: Pending[]): Promise<void> {
    this.dbQueue.push(...batch);
    if (!this.dbFlush) {
      this.dbFlush = new Promise<void>((resolve) => {
        setImmediate(() => {
          const items = this.dbQueue.splice(0);
          this.dbFlush = null;
          let results: boolean[] | undefined;
          try {
            results = this.apply(items);
          } catch (e) {
            this.log(`STORE ERROR: index commit failed: ${String(e)}`);
            for (const p of items) p.reject(storageError(e));
          }
          if (results) for (const [i, p] of items.entries()) p.resolve(results[i] as boolean);
          resolve();
        });
      });
    }
    return this.dbFlush;
  }

  /** Runs inside one transaction; in-memory counters change only if it commits. */
  private applyBatch(items: Pending[]): boolean[] {
    let used = this.used;
    let count = this.count;
    let dead = this.dead;
    const perSegment = new Map<number, { end: number; dead: number }>();
    const seg = (id: number) => {
      let e = perSegment.get(id);
      if (!e) {
        e = { end: 0, dead: 0 };
        perSegment.set(id, e);
      }
      return e;
    };
    const results = items.map((p) => {
      const recordBytes = RECORD_HEADER + p.length;
      const own = seg(p.segment);
      own.end = Math.max(own.end, p.offset + recordBytes);
      if (p.kind === 'put') {
        if (this.q.insert.run(p.idBytes, p.segment, p.offset, p.length, p.at).changes === 0) {
          own.dead += recordBytes; // a concurrent upload of the same chunk got there first
          dead += recordBytes;
          this.q.graveAdd.run(p.idBytes, p.segment);
          return false;
        }
        used += p.length;
        count += 1;
        return true;
      }
      const row = this.q.get.get(p.idBytes);
      own.dead += recordBytes;
      dead += recordBytes;
      if (!row) return false;
      this.q.remove.run(p.idBytes);
      this.q.graveAdd.run(p.idBytes, row.segment);
      used -= row.length;
      count -= 1;
      seg(row.segment).dead += RECORD_HEADER + row.length;
      dead += RECORD_HEADER + row.length;
      return true;
    });
    for (const [id, e] of perSegment) this.q.segEnd.run(e.end, e.dead, id);
    this.q.stats.run(used, count, dead);
    this.used = used;
    this.count = count;
    this.dead = dead;
    return results;
  }

  private maybeSeal(s: Segment): void {
    if (!s.retiring || s.busy || s.syncing || s.pending.length > 0) return;
    void this.seal(s);
  }

  private async seal(s: Segment): Promise<void> {
    const i = this.writers.indexOf(s);
    if (i >= 0) this.writers.splice(i, 1);
    try {
      // If this fails the segment stays "open" in the index: start-up checks its tail again.
      if (this.db.open) this.q.seal.run(s.id);
    } catch (e) {
      this.log(`store: could not mark ${segmentName(s.id)} sealed: ${String(e)}`);
    }
    await s.fh.close().catch(() => undefined);
  }

  // ---- compaction ---------------------------------------------------------------------------

  // [Note: Compaction]
  // Deleted chunks, tombstones and lost duplicate uploads are dead bytes, counted per segment.
  // `compact()` rewrites sealed segments whose dead share reaches `compactDeadRatio`, one
  // segment at a time, in batches of one fdatasync and one transaction, so uploads go on:
  //  1. Walk the segment's records. A chunk record is live when the index row for its id points
  //     at exactly this segment and offset. Live records are copied byte for byte (same seq) to
  //     the compaction output: a segment of its own that no upload appends to.
  //  2. fdatasync the output, then one transaction moves each row, but only if it still points
  //     at the old place: a chunk deleted (or deleted and stored again) meanwhile stays as it
  //     is, and its copy counts dead. The same transaction advances the output's committed_end
  //     and marks the old segment DRAINING.
  //  3. Once the old segment's committed_end - dead_bytes - kept_bytes is 0 (every byte of it
  //     is accounted dead, so no index row points into it), mark it EMPTIED, wait until no read
  //     stream is still about to open it, unlink it, fsync the directory, delete its row.
  // A crash anywhere leaves each row either at the old bytes (copies past the output's
  // committed_end are truncated at start-up, as for any open segment) or at synced copies, and
  // start-up finishes removing an EMPTIED segment. A reader that located a chunk before it
  // moved either has the old file open already (Linux keeps an unlinked file readable) or is
  // sent to the new place by createReadStream.
  //
  // Tombstones. rebuildIndex lets the highest seq win, so a tombstone must outlive every older
  // record of its chunk, or the chunk comes back on a rebuild (copies keep their seq for the
  // same reason). `graves` lists, per segment, the chunks with a dead record in it: added when
  // a delete, a lost race or a failed move makes one, removed when compaction walks past it. A
  // tombstone is dropped only when no other segment is listed for its chunk, no other segment
  // is DRAINING (it still holds moved records, which graves does not list) and no segment
  // predates graves (schema 1). Otherwise it is copied and counted in the output's kept_bytes,
  // neither live nor dead, so a segment of tombstones still needed is not compacted over and
  // over.

  /**
   * Rewrites the sealed segments at least `minDeadRatio` dead, oldest first, and removes
   * the old files. Runs are queued, one at a time; uploads, reads and deletes go on meanwhile.
   * Resolves with what was done when it runs out of candidates, reaches `maxSegments`, is
   * aborted, or the store closes. See [Note: Compaction].
   */
  compact(o: CompactOptions = {}): Promise<CompactionReport> {
    this.checkOpen();
    const ratio =
      o.minDeadRatio === undefined ? this.compactRatio : checkRatio('minDeadRatio', o.minDeadRatio);
    const rate = o.maxBytesPerSecond;
    if (rate !== undefined && !(rate > 0)) {
      throw new ValidationError('maxBytesPerSecond', 'expected a positive number');
    }
    const run = this.compactions.then(() => this.runCompaction(ratio, o));
    this.compactions = run.catch(() => undefined);
    return run;
  }

  private stopping(o: CompactOptions): boolean {
    return this.closed || o.signal?.aborted === true;
  }

  private async runCompaction(ratio: number, o: CompactOptions): Promise<CompactionReport> {
    const report: CompactionReport = {
      segmentsCompacted: 0,
      bytesMoved: 0,
      bytesReclaimed: 0,
      tombstonesDropped: 0,
    };
    const pace = new Pace(o.maxBytesPerSecond, () => this.stopping(o));
    const limit = o.maxSegments ?? Number.POSITIVE_INFINITY;
    while (report.segmentsCompacted < limit && !this.stopping(o)) {
      const next = this.nextToCompact(ratio);
      if (!next) break;
      const step = async (s: CompactionStep) => {
        await o.onStep?.(s, next.id);
      };
      if (next.sealed === SEG_EMPTIED) {
        await this.removeSegment(next.id, step);
        report.segmentsCompacted++;
        continue;
      }
      const result = await this.compactSegment(next.id, report, o, pace, step);
      if (result === 'stopped') break;
    }
    return report;
  }

  /**
   * A segment a compaction left unfinished, else the oldest one past `ratio`. Oldest first:
   * deletes come after puts, so by the time a segment of tombstones comes up the records they
   * cover are mostly gone, and the tombstones with them.
   */
  private nextToCompact(ratio: number): { id: number; sealed: number } | undefined {
    const busy = this.q.busy.all().find((r) => !this.stuck.has(r.id));
    if (busy) return busy;
    const id = this.q.candidates
      .all(ratio, this.stuck.size + 1)
      .find((c) => !this.stuck.has(c) && c !== this.out?.id);
    return id === undefined ? undefined : { id, sealed: SEG_SEALED };
  }

  private async compactSegment(
    id: number,
    report: CompactionReport,
    o: CompactOptions,
    pace: Pace,
    step: (s: CompactionStep) => Promise<void>,
  ): Promise<'done' | 'stopped' | 'stuck'> {
    const row = this.q.segRow.get(id);
    if (!row) return 'done';
    let src: FileHandle;
    try {
      src = await open(join(this.segDir, segmentName(id)), 'r');
    } catch (e) {
      this.log(`STORE ERROR: cannot compact ${segmentName(id)}: ${String(e)}`);
      this.stuck.add(id);
      return 'stuck';
    }
    try {
      const size = (await src.stat()).size;
      const end = Math.min(row.committed_end, size);
      const mayDrop =
        this.q.otherBusy.get(id) === undefined &&
        (this.gravesFrom <= 1 || this.q.legacy.get(this.gravesFrom, id) === undefined);
      let moved = 0;
      let dropped = 0;
      let batch = newBatch();
      const flush = async () => {
        const n = await this.flushBatch(id, src, batch, step);
        batch = newBatch();
        moved += n;
        report.bytesMoved += n;
        await pace.after(n);
      };
      for await (const r of walkRecords(src, end)) {
        const bytes = RECORD_HEADER + r.h.length;
        if (r.h.type === TYPE_CHUNK) {
          const at = this.q.get.get(r.h.id);
          if (at?.segment === id && at.offset === r.offset && at.length === r.h.length) {
            batch.copies.push({
              kind: 'move',
              id: r.h.id,
              from: r.offset,
              bytes,
              record: r.record,
            });
            batch.bytes += bytes;
          } else {
            batch.forget.push(r.h.id);
          }
        } else if (mayDrop && this.q.graveElsewhere.get(r.h.id, id) === undefined) {
          dropped++;
        } else {
          batch.copies.push({ kind: 'keep', id: r.h.id, from: r.offset, bytes, record: r.record });
          batch.bytes += bytes;
        }
        if (isFull(batch)) {
          await flush();
          if (this.stopping(o)) return 'stopped';
        }
      }
      await flush();
      if (this.stopping(o)) return 'stopped';
      if (!this.isDrained(id)) {
        moved += await this.sweep(id, src, size, report, step);
        if (this.stopping(o)) return 'stopped';
        if (!this.isDrained(id)) {
          this.stuck.add(id);
          return 'stuck';
        }
      }
      this.q.setState.run(SEG_EMPTIED, id);
      this.emptied.add(id);
      await step('emptied');
      await this.removeSegment(id, step);
      report.segmentsCompacted++;
      report.bytesReclaimed += Math.max(0, size - moved);
      report.tombstonesDropped += dropped;
      return 'done';
    } finally {
      await src.close().catch(() => undefined);
    }
  }

  /** True when nothing in the index can point into the segment any more (or it is gone). */
  private isDrained(id: number): boolean {
    const row = this.q.segRow.get(id);
    return !row || row.committed_end - row.dead_bytes - row.kept_bytes <= 0;
  }

  /**
   * Copies a batch to the output, syncs it, then moves the index rows in one transaction.
   * Returns the bytes copied.
   */
  private async flushBatch(
    id: number,
    src: FileHandle,
    b: MoveBatch,
    step: (s: CompactionStep) => Promise<void>,
  ): Promise<number> {
    if (b.copies.length === 0 && b.forget.length === 0) return 0;
    let out: Segment | null = null;
    let end = 0;
    const placed: number[] = [];
    if (b.bytes > 0) {
      out = await this.output(b.bytes);
      const fh = out.fh;
      end = out.end;
      // Records the walk read go out in runs, one write each; the others are copied from the
      // old segment. Every task writes its own range, so a few run at once.
      const tasks: (() => Promise<void>)[] = [];
      let run: Buffer[] = [];
      let runAt = end;
      const endRun = () => {
        if (run.length === 0) return;
        const [parts, at] = [run, runAt];
        tasks.push(() => writeAll(fh, [Buffer.concat(parts)], at));
        run = [];
      };
      for (const c of b.copies) {
        placed.push(end);
        if (c.record) {
          if (run.length === 0) runAt = end;
          run.push(c.record);
        } else {
          endRun();
          const to = end;
          tasks.push(() => copyRange(src, c.from, fh, to, c.bytes));
        }
        end += c.bytes;
      }
      endRun();
      try {
        await inParallel(tasks, COPY_PARALLEL);
      } catch (e) {
        await fh.truncate(out.end).catch(() => undefined);
        throw storageError(e);
      }
      await step('copied');
      try {
        await fh.datasync();
      } catch (e) {
        // As for uploads: after a failed fsync nothing written since the last good one can be
        // trusted, so this output takes no more copies.
        this.log(`STORE ERROR: fdatasync of ${segmentName(out.id)} failed: ${String(e)}`);
        this.out = null;
        await this.seal(out);
        throw storageError(e);
      }
      await step('synced');
    }
    const target = out;
    // No fsync for this commit: until the old segment is removed, a row still pointing into
    // it is as good as a moved one, so a batch lost in a crash costs only its copies (cut off
    // at start-up). The commit that marks the segment EMPTIED syncs, and a WAL is durable in
    // order, so it makes every batch before it durable too.
    this.db.pragma('synchronous = NORMAL');
    let dead: number;
    try {
      dead = this.moveRows(id, b, placed, target, end);
    } finally {
      this.db.pragma('synchronous = FULL');
    }
    this.dead = dead;
    if (target) {
      target.end = end;
      if (end >= this.segmentBytes && this.out === target) {
        this.out = null;
        await this.seal(target);
      }
    }
    await step('committed');
    return b.bytes;
  }

  /** The index side of a batch, in one transaction; returns the new dead byte total. */
  private moveRows(
    id: number,
    b: MoveBatch,
    placed: number[],
    target: Segment | null,
    end: number,
  ): number {
    return this.db.transaction(() => {
      let oldDead = 0;
      let newDead = 0;
      let kept = 0;
      // In id order: neighbouring rows share index pages.
      const order = b.copies
        .map((_, i) => i)
        .sort((x, y) => Buffer.compare(b.copies[x]?.id as Buffer, b.copies[y]?.id as Buffer));
      for (const i of order) {
        const c = b.copies[i] as Copy;
        if (c.kind === 'keep') {
          kept += c.bytes;
        } else if (
          target &&
          this.q.move.run(target.id, placed[i] as number, c.id, id, c.from).changes === 1
        ) {
          oldDead += c.bytes;
        } else {
          // Deleted (and maybe stored again elsewhere) since the walk read its row.
          newDead += c.bytes;
          if (target) this.q.graveAdd.run(c.id, target.id);
          this.q.graveDel.run(c.id, id);
        }
      }
      // This segment is DRAINING from here on, so its own dead records need no graves.
      for (const f of b.forget) this.q.graveDel.run(f, id);
      this.q.setState.run(SEG_DRAINING, id);
      this.q.segAdd.run(0, oldDead, 0, id);
      if (target) this.q.segAdd.run(end, newDead, kept, target.id);
      const total = this.dead + oldDead + newDead;
      this.q.stats.run(this.used, this.count, total);
      return total;
    })();
  }

  /** The compaction output, with room for `bytes` more unless it is still empty. */
  private async output(bytes: number): Promise<Segment> {
    const cur = this.out;
    if (cur && cur.end > 0 && cur.end + bytes > this.segmentBytes) {
      this.out = null;
      await this.seal(cur);
    }
    if (!this.out) this.out = await this.newSegment();
    return this.out;
  }

  /**
   * The walk left bytes unaccounted: look for index rows still pointing into the segment (a
   * record the walk could not parse) and move them. Whatever is left after that are records
   * that were written but never indexed (a failed index commit): dead. Reads the whole index,
   * a page at a time, so it is for the rare segment that needs it.
   */
  private async sweep(
    id: number,
    src: FileHandle,
    size: number,
    report: CompactionReport,
    step: (s: CompactionStep) => Promise<void>,
  ): Promise<number> {
    this.log(
      `store: ${segmentName(id)}: live bytes unaccounted after the walk; searching the index`,
    );
    let moved = 0;
    let unreadable = 0;
    let batch = newBatch();
    let after: Buffer = Buffer.alloc(0);
    const header = Buffer.alloc(RECORD_HEADER);
    for (;;) {
      if (this.closed) return moved;
      const rows = this.q.page.all(after, 4096);
      const last = rows[rows.length - 1];
      if (!last) break;
      after = last.id;
      for (const r of rows) {
        if (r.segment !== id) continue;
        const bytes = RECORD_HEADER + r.length;
        const { bytesRead } = await src.read(header, 0, RECORD_HEADER, r.offset);
        const h = bytesRead === RECORD_HEADER ? decodeHeader(header) : null;
        if (!h?.id.equals(r.id) || h.length !== r.length || r.offset + bytes > size) {
          this.log(
            `STORE ERROR: chunk ${r.id.toString('hex')} is unreadable in ${segmentName(id)}; the segment is kept`,
          );
          unreadable++;
          continue;
        }
        batch.copies.push({ kind: 'move', id: r.id, from: r.offset, bytes, record: null });
        batch.bytes += bytes;
        if (isFull(batch)) {
          moved += await this.flushBatch(id, src, batch, step);
          batch = newBatch();
        }
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    moved += await this.flushBatch(id, src, batch, step);
    report.bytesMoved += moved;
    // Rows still pointing here are the unreadable ones (logged above); an interrupted sweep
    // proves nothing either.
    if (this.isDrained(id) || unreadable > 0 || this.closed) return moved;
    const dead = this.db.transaction(() => {
      const row = this.q.segRow.get(id) as SegmentRow;
      const orphan = row.committed_end - row.dead_bytes - row.kept_bytes;
      this.q.segAdd.run(0, orphan, 0, id);
      const total = this.dead + orphan;
      this.q.stats.run(this.used, this.count, total);
      this.log(`store: ${segmentName(id)}: ${orphan} bytes of records that were never indexed`);
      return total;
    })();
    this.dead = dead;
    return moved;
  }

  /** Removes an EMPTIED segment: the file, then its row. Safe to repeat after a crash. */
  private async removeSegment(
    id: number,
    step: (s: CompactionStep) => Promise<void> = async () => undefined,
  ): Promise<void> {
    this.emptied.add(id);
    if (this.readers.has(id)) {
      await new Promise<void>((resolve) => this.readersDone.set(id, resolve));
      this.readersDone.delete(id);
    }
    try {
      await unlink(join(this.segDir, segmentName(id)));
    } catch (e) {
      if (errno(e) !== 'ENOENT') throw e;
    }
    await syncDir(this.segDir);
    await step('unlinked');
    const dead = this.db.transaction(() => {
      const row = this.q.segRow.get(id);
      this.q.removeSeg.run(id);
      const total = this.dead - (row?.dead_bytes ?? 0);
      this.q.stats.run(this.used, this.count, total);
      return total;
    })();
    this.dead = dead;
    this.segmentCount--;
    await step('removed');
  }
}

// ---- one upload ---------------------------------------------------------------------------

class PutImpl implements PutHandle {
  private readonly hash = createSha256();
  private received = 0;
  private readonly small: boolean;
  private parts: Buffer[] = [];
  private seg: Segment | null = null;
  private start = 0;
  private at = 0;
  private state: 'open' | 'finishing' | 'done' | 'failed' = 'open';
  private inflight: Promise<unknown> = Promise.resolve();
  private writeError: unknown = null;
  private finishing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: ChunkStore,
    readonly id: string,
    readonly length: number,
    readonly existed: boolean,
    private readonly reservation: number,
  ) {
    this.small = length <= SMALL_RECORD;
  }

  write(bytes: Uint8Array): Promise<void> {
    if (this.state !== 'open') return Promise.reject(new ConflictError('put: already finished'));
    if (this.received + bytes.length > this.length) {
      return Promise.reject(new ValidationError('body', `more than ${this.length} bytes`));
    }
    if (this.writeError) return Promise.reject(this.writeError);
    const p = this.doWrite(bytes).catch((e) => {
      throw storageError(e);
    });
    this.inflight = p.catch((e) => {
      this.writeError = e;
    });
    return p;
  }

  private async doWrite(bytes: Uint8Array): Promise<void> {
    const before = this.received;
    this.received += bytes.length;
    this.hash.update(bytes);
    if (this.existed || bytes.length === 0) return;
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (this.small) {
      this.parts.push(Buffer.from(buf)); // the caller may reuse its buffer
      return;
    }
    if (!this.seg) {
      const seg = await this.store.acquireWriter(true);
      if (this.state === 'failed') {
        this.store.releaseWriter(seg); // aborted while waiting for a segment
        return;
      }
      this.seg = seg;
      this.start = seg.end;
      this.at = Date.now();
      const header = encodeHeader({
        type: TYPE_CHUNK,
        length: this.length,
        seq: this.store.nextSeq(),
        at: this.at,
        id: Buffer.from(this.id, 'hex'),
      });
      await writeAll(this.seg.fh, [header, buf], this.start);
      return;
    }
    await writeAll(this.seg.fh, [buf], this.start + RECORD_HEADER + before);
  }

  finish(): Promise<PutResult> {
    if (this.state !== 'open') return Promise.reject(new ConflictError('put: already finished'));
    this.state = 'finishing';
    const p = this.complete();
    this.finishing = p.catch(() => undefined);
    return p;
  }

  private async complete(): Promise<PutResult> {
    await this.inflight;
    let committing = false;
    try {
      if (this.writeError) throw this.writeError;
      if (this.received !== this.length) {
        throw new ValidationError(
          'body',
          `expected ${this.length} bytes, received ${this.received}`,
        );
      }
      const digest = Buffer.from(this.hash.digest()).toString('hex');
      if (digest !== this.id) throw new ValidationError('chunkId', 'content does not match');
      let stored: boolean;
      if (this.existed) {
        if (!this.store.has(this.id)) {
          throw new ConflictError('chunk was deleted during the upload; send it again');
        }
        stored = false;
      } else if (this.small) {
        const data =
          this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts);
        this.parts = [];
        committing = true;
        stored = await this.store.appendSmall(Buffer.from(this.id, 'hex'), data);
      } else {
        const seg = this.seg as Segment;
        this.seg = null;
        seg.end = this.start + RECORD_HEADER + this.length;
        committing = true;
        const done = this.store.commit(
          seg,
          'put',
          Buffer.from(this.id, 'hex'),
          this.start,
          this.length,
          this.at,
        );
        this.store.releaseWriter(seg);
        stored = await done;
      }
      this.state = 'done';
      return { id: this.id, size: this.length, stored };
    } catch (e) {
      this.state = 'failed';
      if (!committing) await this.rollback();
      throw e;
    } finally {
      this.store.forget(this, this.reservation);
    }
  }

  async abort(): Promise<void> {
    if (this.state === 'done' || this.state === 'failed') return;
    if (this.state === 'finishing') {
      // finish() owns the cleanup; wait for it to settle.
      await this.finishing;
      return;
    }
    this.state = 'failed';
    await this.inflight;
    await this.rollback();
    this.store.forget(this, this.reservation);
  }

  /** Cuts the segment back to where this record began and hands it back. */
  private async rollback(): Promise<void> {
    this.parts = [];
    const seg = this.seg;
    if (!seg) return;
    this.seg = null;
    try {
      await seg.fh.truncate(this.start);
    } catch (e) {
      // The next record overwrites these bytes; start-up or rebuild drop any that remain.
      this.store.logLine(`store: could not truncate ${segmentName(seg.id)}: ${String(e)}`);
    } finally {
      this.store.releaseWriter(seg);
    }
  }
}

async function writeAll(fh: FileHandle, buffers: Buffer[], position: number): Promise<void> {
  const total = buffers.reduce((n, b) => n + b.length, 0);
  const { bytesWritten } =
    buffers.length === 1
      ? await fh.write(buffers[0] as Buffer, 0, total, position)
      : await fh.writev(buffers, position);
  if (bytesWritten !== total) throw new Error('short write to segment');
}

// ---- disaster recovery --------------------------------------------------------------------

export interface RebuildReport {
  segments: number;
  records: number;
  tombstones: number;
  chunks: number;
  usedBytes: number;
  /** Bytes that were not a valid record (torn writes, corruption), skipped. */
  skippedBytes: number;
  /** Where the old index was moved, if there was one. */
  oldIndex: string | null;
}

/**
 * Recreates DATA/index.sqlite from the segment files alone, checking every chunk against its
 * id. The host must not be running. The old index (if any) is kept beside it, renamed.
 * Takes time proportional to the data: this is for disaster recovery, not start-up.
 */
export async function rebuildIndex(
  dir: string,
  o: { log?: (line: string) => void } = {},
): Promise<RebuildReport> {
  const log = o.log ?? (() => undefined);
  await mkdir(segmentsDir(dir), { recursive: true, mode: 0o700 });
  const unlock = await lockDir(dir);
  try {
    const path = indexPath(dir);
    let oldIndex: string | null = null;
    try {
      oldIndex = `${path}.old-${Date.now()}`;
      await rename(path, oldIndex);
      for (const ext of ['-wal', '-shm']) {
        await rename(`${path}${ext}`, `${oldIndex}${ext}`).catch(() => undefined);
      }
      log(`rebuild: moved the old index to ${oldIndex}`);
    } catch (e) {
      if (errno(e) !== 'ENOENT') throw e;
      oldIndex = null;
    }
    const db = openDb(path);
    try {
      return { ...(await rebuildInto(db, dir, log)), oldIndex };
    } finally {
      db.close();
    }
  } finally {
    await unlock();
  }
}

async function rebuildInto(db: Db, dir: string, log: (line: string) => void) {
  db.exec(`CREATE TEMP TABLE found (
    id BLOB PRIMARY KEY, seq INTEGER NOT NULL, type INTEGER NOT NULL,
    segment INTEGER NOT NULL, offset INTEGER NOT NULL, length INTEGER NOT NULL, at INTEGER NOT NULL
  ) WITHOUT ROWID`);
  const upsert = db.prepare(`INSERT INTO found VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, type = excluded.type,
      segment = excluded.segment, offset = excluded.offset, length = excluded.length, at = excluded.at
    WHERE excluded.seq > found.seq`);
  // Every chunk record, so that the dead ones can be listed in graves: see [Note: Compaction].
  db.exec(
    'CREATE TEMP TABLE puts (id BLOB NOT NULL, segment INTEGER NOT NULL, offset INTEGER NOT NULL)',
  );
  const addPut = db.prepare('INSERT INTO puts VALUES (?, ?, ?)');
  type Found = [Buffer, number, number, number, number, number, number];
  const flush = db.transaction((rows: Found[]) => {
    for (const r of rows) {
      upsert.run(...r);
      if (r[2] === TYPE_CHUNK) addPut.run(r[0], r[3], r[4]);
    }
  });
  const addSegment = db.prepare(
    'INSERT INTO segments (id, committed_end, dead_bytes, sealed) VALUES (?, ?, 0, 1)',
  );

  const ids = (await readdir(segmentsDir(dir)))
    .map(parseSegmentName)
    .filter((n): n is number => n !== null)
    .sort((a, b) => a - b);
  let records = 0;
  let tombstones = 0;
  let skippedBytes = 0;
  let maxSeq = 0;
  for (const id of ids) {
    let rows: Found[] = [];
    const r = await scanSegment(join(segmentsDir(dir), segmentName(id)), (h, offset) => {
      rows.push([h.id, h.seq, h.type, id, offset, h.length, h.at]);
      if (h.type === TYPE_TOMBSTONE) tombstones++;
      else records++;
      maxSeq = Math.max(maxSeq, h.seq);
      if (rows.length >= 10_000) {
        flush(rows);
        rows = [];
      }
    });
    flush(rows);
    addSegment.run(id, r.size);
    skippedBytes += r.skipped;
    if (r.skipped > 0) log(`rebuild: ${segmentName(id)}: skipped ${r.skipped} invalid bytes`);
  }
  db.transaction(() => {
    db.exec(`INSERT INTO chunks (id, segment, offset, length, stored_at)
      SELECT id, segment, offset, length, at FROM found WHERE type = ${TYPE_CHUNK}`);
    db.exec(`UPDATE segments SET dead_bytes = committed_end - coalesce(
      (SELECT sum(length + ${RECORD_HEADER}) FROM chunks WHERE chunks.segment = segments.id), 0)`);
    db.exec(`INSERT OR IGNORE INTO graves (id, segment)
      SELECT p.id, p.segment FROM puts p WHERE NOT EXISTS (SELECT 1 FROM chunks c
        WHERE c.id = p.id AND c.segment = p.segment AND c.offset = p.offset)`);
    db.exec(`UPDATE stats SET
      used_bytes = (SELECT coalesce(sum(length), 0) FROM chunks),
      chunks = (SELECT count(*) FROM chunks),
      dead_bytes = (SELECT coalesce(sum(dead_bytes), 0) FROM segments),
      next_seq = ${maxSeq + SEQ_BLOCK}`);
    db.exec('DROP TABLE found');
    db.exec('DROP TABLE puts');
  })();
  const s = db.prepare('SELECT used_bytes, chunks FROM stats').get() as {
    used_bytes: number;
    chunks: number;
  };
  log(
    `rebuild: ${ids.length} segments, ${records} chunk records, ${tombstones} tombstones -> ${s.chunks} chunks, ${s.used_bytes} bytes`,
  );
  return {
    segments: ids.length,
    records,
    tombstones,
    chunks: s.chunks,
    usedBytes: s.used_bytes,
    skippedBytes,
  };
}

/**
 * Reads every valid record of a segment in order. A record is valid when its header is
 * well-formed and, for a chunk, its data hashes to its id; anything else is skipped up to the
 * next header that is.
 */
async function scanSegment(
  path: string,
  onRecord: (h: NonNullable<ReturnType<typeof decodeHeader>>, offset: number) => void,
): Promise<{ size: number; skipped: number }> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const header = Buffer.alloc(RECORD_HEADER);
    const block = Buffer.alloc(1024 * 1024);
    let pos = 0;
    let skipped = 0;
    const skipTo = async (from: number) => {
      const next = await findMagic(fh, block, from, size);
      skipped += next - pos;
      pos = next;
    };
    while (pos + RECORD_HEADER <= size) {
      await fh.read(header, 0, RECORD_HEADER, pos);
      const h = decodeHeader(header);
      if (!h || pos + RECORD_HEADER + h.length > size) {
        await skipTo(pos + 1);
        continue;
      }
      if (h.type === TYPE_CHUNK) {
        const hash = createSha256();
        for (let done = 0; done < h.length; ) {
          const n = Math.min(block.length, h.length - done);
          const { bytesRead } = await fh.read(block, 0, n, pos + RECORD_HEADER + done);
          if (bytesRead !== n) break;
          hash.update(block.subarray(0, n));
          done += n;
        }
        if (!Buffer.from(hash.digest()).equals(h.id)) {
          await skipTo(pos + 1);
          continue;
        }
      }
      onRecord(h, pos);
      pos += RECORD_HEADER + h.length;
    }
    skipped += size - pos;
    return { size, skipped };
  } finally {
    await fh.close();
  }
}

async function findMagic(fh: FileHandle, block: Buffer, from: number, size: number) {
  for (let pos = from; pos < size; ) {
    const { bytesRead } = await fh.read(block, 0, block.length, pos);
    if (bytesRead <= 0) break;
    const i = block.subarray(0, bytesRead).indexOf(MAGIC_BYTES);
    if (i >= 0) return pos + i;
    // A magic split across two blocks is found from the next block's start.
    pos += Math.max(1, bytesRead - (MAGIC_BYTES.length - 1));
  }
  return size;
}

// ---- compaction helpers ---------------------------------------------------------------------

function checkRatio(field: string, r: number | undefined): number {
  if (r === undefined) return DEFAULT_COMPACT_DEAD_RATIO;
  if (!(r > 0 && r <= 1)) {
    throw new ValidationError(field, 'expected a share of dead bytes above 0 and at most 1');
  }
  return r;
}

interface Copy {
  /** A live chunk record, or a tombstone that is still needed. */
  kind: 'move' | 'keep';
  id: Buffer;
  /** Where the record starts in the old segment. */
  from: number;
  /** Header and data. */
  bytes: number;
  /** The record's bytes when the walk already read them; null: copy from the old segment. */
  record: Buffer | null;
}

interface MoveBatch {
  copies: Copy[];
  /** Ids of dead chunk records passed in the old segment: their graves go. */
  forget: Buffer[];
  bytes: number;
}

const newBatch = (): MoveBatch => ({ copies: [], forget: [], bytes: 0 });

const isFull = (b: MoveBatch) =>
  b.bytes >= COMPACT_BATCH_BYTES || b.copies.length + b.forget.length >= COMPACT_BATCH_RECORDS;

/**
 * Every well-formed record header in the first `end` bytes of a segment, in order, with the
 * record's bytes when they fit in the window just read. Bytes that are not a record (torn or
 * overwritten) are skipped to the next magic, as rebuildIndex does. Large records' data is
 * never read: the next window starts after it.
 */
async function* walkRecords(
  fh: FileHandle,
  end: number,
): AsyncGenerator<{ offset: number; h: RecordHeader; record: Buffer | null }> {
  let win = Buffer.alloc(0);
  let winStart = 0;
  let pos = 0;
  let size = COMPACT_WINDOW;
  while (pos + RECORD_HEADER <= end) {
    if (pos < winStart || pos + RECORD_HEADER > winStart + win.length) {
      const want = Math.min(size, end - pos);
      const buf = Buffer.allocUnsafe(want);
      const { bytesRead } = await fh.read(buf, 0, want, pos);
      if (bytesRead < RECORD_HEADER) return;
      win = buf.subarray(0, bytesRead);
      winStart = pos;
    }
    const o = pos - winStart;
    const h = decodeHeader(win.subarray(o, o + RECORD_HEADER));
    if (!h || pos + RECORD_HEADER + h.length > end) {
      const i = win.indexOf(MAGIC_BYTES, o + 1);
      pos =
        i >= 0 ? winStart + i : Math.max(pos + 1, winStart + win.length - (MAGIC_BYTES.length - 1));
      continue;
    }
    const stop = o + RECORD_HEADER + h.length;
    const fits = stop <= win.length;
    yield { offset: pos, h, record: fits ? win.subarray(o, stop) : null };
    pos += RECORD_HEADER + h.length;
    // Large records are likely followed by more: read just enough for the next header.
    size = fits || h.length < COMPACT_WINDOW ? COMPACT_WINDOW : PROBE_WINDOW;
  }
}

async function copyRange(
  src: FileHandle,
  from: number,
  dst: FileHandle,
  to: number,
  bytes: number,
): Promise<void> {
  const buf = Buffer.allocUnsafe(Math.min(COPY_PIECE, bytes));
  for (let done = 0; done < bytes; ) {
    const n = Math.min(buf.length, bytes - done);
    const { bytesRead } = await src.read(buf, 0, n, from + done);
    if (bytesRead !== n) throw new Error('short read from segment');
    await writeAll(dst, [buf.subarray(0, n)], to + done);
    done += n;
  }
}

/** Runs `tasks` with at most `n` at once; waits for all to settle, then throws the first error. */
async function inParallel(tasks: (() => Promise<void>)[], n: number): Promise<void> {
  let next = 0;
  let failed: { e: unknown } | null = null;
  const worker = async () => {
    while (next < tasks.length && !failed) {
      const task = tasks[next++] as () => Promise<void>;
      try {
        await task();
      } catch (e) {
        failed ??= { e };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, tasks.length) }, worker));
  if (failed) throw (failed as { e: unknown }).e;
}

/** Spaces out compaction batches: at least a turn of the event loop, more under a byte rate. */
class Pace {
  private readonly start = performance.now();
  private bytes = 0;

  constructor(
    private readonly bytesPerSecond: number | undefined,
    private readonly stopped: () => boolean,
  ) {}

  async after(bytes: number): Promise<void> {
    this.bytes += bytes;
    const until = this.bytesPerSecond ? this.start + (this.bytes / this.bytesPerSecond) * 1000 : 0;
    await new Promise((resolve) => setImmediate(resolve));
    // In short naps, so that close() or an abort is never kept waiting long.
    for (let left = until - performance.now(); left > 0 && !this.stopped(); ) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(left, 50)));
      left = until - performance.now();
    }
  }
}

export interface CompactorOptions extends Omit<CompactOptions, 'signal' | 'onStep'> {
  /** Time between runs. Default 5 minutes. */
  intervalMs?: number;
  /** Time before the first run, so start-up is not slowed. Default 30 s. */
  firstRunMs?: number;
}

export interface Compactor {
  /** Stops the timer and the run in progress (after its batch); resolves when it has stopped. */
  stop(): Promise<void>;
}

/**
 * Runs `store.compact()` every `intervalMs` until stopped or the store closes. Failures are
 * logged and retried at the next run. A run that reclaimed something is logged.
 */
export function startCompactor(store: ChunkStore, o: CompactorOptions = {}): Compactor {
  const { intervalMs = 5 * 60_000, firstRunMs = 30_000, ...compactOptions } = o;
  const stopped = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  const schedule = (ms: number) => {
    if (stopped.signal.aborted) return;
    timer = setTimeout(run, ms);
    timer.unref();
  };
  const run = () => {
    try {
      store.checkOpen();
    } catch {
      return; // the store closed: nothing more to do
    }
    running = store
      .compact({ ...compactOptions, signal: stopped.signal })
      .then(
        (r) => {
          if (r.segmentsCompacted > 0) {
            store.logLine(
              `store: compacted ${r.segmentsCompacted} segments: moved ${r.bytesMoved} bytes, reclaimed ${r.bytesReclaimed}`,
            );
          }
        },
        (e) => store.logLine(`store: compaction failed (retrying later): ${String(e)}`),
      )
      .finally(() => {
        running = null;
        schedule(intervalMs);
      });
  };
  schedule(firstRunMs);
  return {
    stop: async () => {
      stopped.abort();
      clearTimeout(timer);
      await running;
    },
  };
}

/**
 * Opens the store in `dir`, compacts it and closes it: for the command line, with the host
 * stopped (a running host compacts by itself with `startCompactor`).
 */
export async function compactStore(
  dir: string,
  o: CompactOptions & { log?: (line: string) => void; compactDeadRatio?: number } = {},
): Promise<
  CompactionReport & Pick<StoreStats, 'chunks' | 'segments' | 'deadBytes' | 'reclaimableBytes'>
> {
  const { log, compactDeadRatio, ...compactOptions } = o;
  const store = await ChunkStore.open({
    dir,
    capacity: Number.MAX_SAFE_INTEGER,
    ...(log ? { log } : {}),
    ...(compactDeadRatio !== undefined ? { compactDeadRatio } : {}),
  });
  try {
    const report = await store.compact(compactOptions);
    const { chunks, segments, deadBytes, reclaimableBytes } = store.stats();
    return { ...report, chunks, segments, deadBytes, reclaimableBytes };
  } finally {
    await store.close();
  }
}
