import { createReadStream, type ReadStream } from 'node:fs';
import { type FileHandle, mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { createSha256 } from '@coffer/crypto';
import { QuotaError, ValidationError } from '@coffer/errors';
import { RECORD_HEADER, segmentName } from '../format.ts';
import { GroupCommit } from './commit.ts';
import { Compaction, checkRatio } from './compaction.ts';
import { type Db, indexPath, openDb, SEG_EMPTIED, SEG_OPEN, segmentsDir } from './index-db.ts';
import { errno } from './io.ts';
import { lockDir } from './lock.ts';
import { type PutContext, PutImpl, SMALL_RECORD } from './put.ts';
import { SegmentReads } from './reads.ts';
import { SmallRecordBatcher } from './small-records.ts';
import { StoreState } from './state.ts';
import {
  type ChunkLocation,
  type CompactionReport,
  type CompactOptions,
  DEFAULT_SEGMENT_BYTES,
  MAX_CHUNK_BYTES,
  type PutHandle,
  type PutResult,
  type StoreOptions,
  type StoreStats,
} from './types.ts';
import { openSegment, SegmentWriters } from './writers.ts';

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

const CHUNK_ID = /^[0-9a-f]{64}$/;

export class ChunkStore {
  readonly capacity: number;
  private readonly state: StoreState;
  private readonly writers: SegmentWriters;
  private readonly commits: GroupCommit;
  private readonly small: SmallRecordBatcher;
  private readonly reads = new SegmentReads();
  private readonly compaction: Compaction;
  private readonly compactRatio: number;
  /** Uploads in progress. */
  private readonly uploads = new Set<PutImpl>();
  private readonly putContext: PutContext;

  private constructor(
    private readonly db: Db,
    readonly dir: string,
    o: StoreOptions,
    private readonly unlock: () => Promise<void>,
  ) {
    this.capacity = o.capacity;
    this.compactRatio = checkRatio('compactDeadRatio', o.compactDeadRatio);
    const state = new StoreState(
      db,
      segmentsDir(dir),
      o.segmentBytes ?? DEFAULT_SEGMENT_BYTES,
      o.log ?? (() => undefined),
    );
    const writers = new SegmentWriters(state, Math.max(2, o.maxWriters ?? 32));
    const commits = new GroupCommit(state, (s) => writers.maybeSeal(s));
    const small = new SmallRecordBatcher(state, writers, commits);
    this.state = state;
    this.writers = writers;
    this.commits = commits;
    this.small = small;
    this.compaction = new Compaction(state, writers, this.reads, this.compactRatio);
    this.putContext = {
      state,
      writers,
      commits,
      small,
      has: (id) => this.has(id),
      forget: (put, bytes) => {
        if (this.uploads.delete(put)) state.reserved -= bytes;
      },
    };
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
    this.state.used = s.used_bytes;
    this.state.count = s.chunks;
    this.state.dead = s.dead_bytes;
    this.state.gravesFrom = s.graves_from;
    // Seqs are handed out in blocks, the block's end made durable before any seq in it is
    // written to disk, so no seq is ever reused, even by a write that was lost in a crash.
    this.state.seq = s.next_seq;
    this.state.seqLimit = s.next_seq;
    const max = this.db.prepare('SELECT max(id) AS m FROM segments').get() as { m: number | null };
    this.writers.nextSegment = (max.m ?? 0) + 1;

    const openRows = this.db
      .prepare(`SELECT id, committed_end FROM segments WHERE sealed = ${SEG_OPEN} ORDER BY id`)
      .all() as { id: number; committed_end: number }[];
    for (const row of openRows) await this.reopen(row.id, row.committed_end);
    // A compaction that stopped after emptying a segment but before removing it.
    for (const row of this.state.q.busy.all()) {
      if (row.sealed === SEG_EMPTIED) await this.compaction.removeSegment(row.id);
    }
    this.state.segmentCount = this.db
      .prepare('SELECT segments FROM stats WHERE one = 1')
      .pluck()
      .get() as number;
  }

  /** Checks the tail of a segment that was open for appends when the host stopped. */
  private async reopen(id: number, committedEnd: number): Promise<void> {
    const path = join(this.state.segDir, segmentName(id));
    let fh: FileHandle;
    try {
      fh = await open(path, 'r+');
    } catch (e) {
      if (errno(e) !== 'ENOENT') throw e;
      if (committedEnd === 0) {
        this.state.q.dropSegment.run(id);
        return;
      }
      this.state.log(`STORE ERROR: segment ${segmentName(id)} is missing; its chunks are lost`);
      this.state.q.seal.run(id);
      return;
    }
    const size = (await fh.stat()).size;
    if (size > committedEnd) {
      this.state.log(
        `store: segment ${segmentName(id)}: dropping ${size - committedEnd} bytes of an unacknowledged write`,
      );
      await fh.truncate(committedEnd);
      await fh.datasync();
    } else if (size < committedEnd) {
      this.state.log(
        `STORE ERROR: segment ${segmentName(id)} has ${size} bytes but the index expects ${committedEnd}; chunks past the end are lost (run rebuild-index)`,
      );
      await fh.close();
      this.state.q.seal.run(id);
      return;
    }
    const seg = openSegment(id, path, fh, committedEnd);
    if (committedEnd >= this.state.segmentBytes) {
      seg.retiring = true;
      await this.writers.seal(seg);
    } else {
      this.writers.adopt(seg);
    }
  }

  // ---- reading ----------------------------------------------------------------------------

  has(id: string): boolean {
    return CHUNK_ID.test(id) && this.state.q.exists.get(Buffer.from(id, 'hex')) !== undefined;
  }

  locate(id: string): ChunkLocation | undefined {
    if (!CHUNK_ID.test(id)) return undefined;
    const row = this.state.q.get.get(Buffer.from(id, 'hex'));
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

  /**
   * Up to `limit` chunks stored after `after` (by time stored, then id) and before `before`, in
   * that order: the journal the orphan sweep reads.
   */
  listStored(
    after: { at: number; id: string } | null,
    before: number,
    limit: number,
  ): { id: string; storedAt: number }[] {
    const rows = this.db
      .prepare(
        `SELECT id, stored_at FROM chunks WHERE (stored_at, id) > (?, ?) AND stored_at < ?
          ORDER BY stored_at, id LIMIT ?`,
      )
      .all(
        after?.at ?? -1,
        after ? Buffer.from(after.id, 'hex') : Buffer.alloc(0),
        before,
        limit,
      ) as { id: Buffer; stored_at: number }[];
    return rows.map((r) => ({ id: r.id.toString('hex'), storedAt: r.stored_at }));
  }

  /** Streams bytes [start, end] (inclusive) of a located chunk straight from its segment. */
  createReadStream(loc: ChunkLocation, start = 0, end = loc.length - 1): ReadStream {
    if (!(start >= 0 && start <= end && end < loc.length)) {
      throw new ValidationError('range', `expected a range within ${loc.length} bytes`);
    }
    let { segment, offset } = loc;
    if (this.reads.emptied.has(segment)) {
      // Located before compaction moved the chunk; its old segment is going or gone.
      const now = this.locate(loc.id);
      if (now && now.length === loc.length) ({ segment, offset } = now);
    }
    const base = offset + RECORD_HEADER;
    const stream = createReadStream(join(this.state.segDir, segmentName(segment)), {
      start: base + start,
      end: base + end,
      highWaterMark: 256 * 1024,
    });
    // Compaction unlinks a segment only once no stream is still about to open it; a stream
    // that has its file open keeps reading it after the unlink.
    this.reads.track(segment, stream);
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
      usedBytes: this.state.used,
      chunks: this.state.count,
      reservedBytes: this.state.reserved,
      segments: this.state.segmentCount,
      deadBytes: this.state.dead,
      reclaimableBytes: this.db.open ? (this.state.q.reclaimable.get(this.compactRatio) ?? 0) : 0,
    };
  }

  // ---- writing ----------------------------------------------------------------------------

  /**
   * Starts storing chunk `id` of exactly `length` bytes. Throws QuotaError when it would not
   * fit in the capacity (counting uploads in progress), ValidationError on a bad id or size.
   */
  beginPut(id: string, length: number): PutHandle {
    const existed = this.admit(id, length);
    const put = new PutImpl(this.putContext, id, length, existed, existed ? 0 : length);
    this.uploads.add(put);
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
          : await this.small.append(Buffer.from(id, 'hex'), Buffer.from(data));
        return { id, size: data.length, stored };
      } finally {
        if (!existed) this.state.reserved -= data.length;
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
    this.state.checkOpen();
    if (!CHUNK_ID.test(id)) {
      throw new ValidationError('chunkId', 'expected 64 lowercase hex characters');
    }
    if (!Number.isSafeInteger(length) || length < 1 || length > MAX_CHUNK_BYTES) {
      throw new ValidationError('body', `expected 1 to ${MAX_CHUNK_BYTES} bytes`);
    }
    if (this.has(id)) {
      // Stored again (a retried or resumed upload, a repair copy): it moves to the end of the
      // journal the orphan sweep reads, so a verdict on the earlier copy, which the hub judged
      // before this put's receipt could reach it, no longer deletes it ([Note: Orphan sweep]),
      // and it is reported again if this receipt never reaches the hub either.
      this.state.q.touch.run(Date.now(), Buffer.from(id, 'hex'));
      return true;
    }
    const { used, reserved } = this.state;
    if (used + reserved + length > this.capacity) {
      throw new QuotaError(
        `host is full: ${this.capacity - used - reserved} of ${this.capacity} bytes free`,
      );
    }
    this.state.reserved += length;
    return false;
  }

  /** Deletes a chunk; false when it was not stored. Idempotent. */
  async delete(id: string): Promise<boolean> {
    this.state.checkOpen();
    if (!this.has(id)) return false;
    return this.small.appendTombstone(Buffer.from(id, 'hex'));
  }

  /** Waits for writes in progress, then closes every file and the index. */
  async close(): Promise<void> {
    if (this.state.closed) return;
    this.state.closed = true;
    await Promise.allSettled([...this.uploads].map((p) => p.abort()));
    // A compaction stops after its batch in progress; its output stays open for appends.
    await this.compaction.close();
    // Let queued appends, fsyncs and index commits finish; each may start the next.
    for (;;) {
      const work = this.small.inProgress() ?? this.commits.inProgress();
      if (!work) break;
      await work;
    }
    await this.writers.close();
    this.db.close();
    await this.unlock();
  }

  /**
   * Rewrites the sealed segments at least `minDeadRatio` dead, oldest first, and removes
   * the old files. Runs are queued, one at a time; uploads, reads and deletes go on meanwhile.
   * Resolves with what was done when it runs out of candidates, reaches `maxSegments`, is
   * aborted, or the store closes. See [Note: Compaction].
   */
  compact(o: CompactOptions = {}): Promise<CompactionReport> {
    return this.compaction.compact(o);
  }

  /** @internal For the compactor: throws once the store is closed. */
  checkOpen(): void {
    this.state.checkOpen();
  }

  /** @internal */
  logLine(line: string): void {
    this.state.log(line);
  }
}
