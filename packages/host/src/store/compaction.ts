import { type FileHandle, open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ValidationError } from '@coffer/errors';
import { decodeHeader, RECORD_HEADER, segmentName, TYPE_CHUNK } from '../format.ts';
import {
  type Copy,
  copyRange,
  inParallel,
  isFull,
  type MoveBatch,
  newBatch,
  Pace,
  walkRecords,
} from './compaction-io.ts';
import { SEG_DRAINING, SEG_EMPTIED, SEG_SEALED, type SegmentRow } from './index-db.ts';
import { errno, storageError, syncDir, writeAll } from './io.ts';
import type { SegmentReads } from './reads.ts';
import type { StoreState } from './state.ts';
import {
  type CompactionReport,
  type CompactionStep,
  type CompactOptions,
  DEFAULT_COMPACT_DEAD_RATIO,
} from './types.ts';
import type { Segment, SegmentWriters } from './writers.ts';

/** Copies in flight at once within a batch. */
const COPY_PARALLEL = 4;

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

/** Rewrites mostly dead segments; one per store. */
export class Compaction {
  /** Where compaction copies records to; not one of the writers' segments. */
  private out: Segment | null = null;
  /** Compaction runs one at a time, chained here. */
  private compactions: Promise<unknown> = Promise.resolve();
  /** Segments compaction gave up on in this process (logged); retried after a restart. */
  private readonly stuck = new Set<number>();

  constructor(
    private readonly state: StoreState,
    private readonly writers: SegmentWriters,
    private readonly reads: SegmentReads,
    /** The store's `compactDeadRatio`. */
    private readonly ratio: number,
  ) {}

  /** Checks the options and queues a run behind the one in progress; see ChunkStore.compact. */
  compact(o: CompactOptions = {}): Promise<CompactionReport> {
    this.state.checkOpen();
    const ratio =
      o.minDeadRatio === undefined ? this.ratio : checkRatio('minDeadRatio', o.minDeadRatio);
    const rate = o.maxBytesPerSecond;
    if (rate !== undefined && !(rate > 0)) {
      throw new ValidationError('maxBytesPerSecond', 'expected a positive number');
    }
    const run = this.compactions.then(() => this.runCompaction(ratio, o));
    this.compactions = run.catch(() => undefined);
    return run;
  }

  private stopping(o: CompactOptions): boolean {
    return this.state.closed || o.signal?.aborted === true;
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
    const busy = this.state.q.busy.all().find((r) => !this.stuck.has(r.id));
    if (busy) return busy;
    const id = this.state.q.candidates
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
    const row = this.state.q.segRow.get(id);
    if (!row) return 'done';
    let src: FileHandle;
    try {
      src = await open(join(this.state.segDir, segmentName(id)), 'r');
    } catch (e) {
      this.state.log(`STORE ERROR: cannot compact ${segmentName(id)}: ${String(e)}`);
      this.stuck.add(id);
      return 'stuck';
    }
    try {
      const size = (await src.stat()).size;
      const end = Math.min(row.committed_end, size);
      const mayDrop =
        this.state.q.otherBusy.get(id) === undefined &&
        (this.state.gravesFrom <= 1 ||
          this.state.q.legacy.get(this.state.gravesFrom, id) === undefined);
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
          const at = this.state.q.get.get(r.h.id);
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
        } else if (mayDrop && this.state.q.graveElsewhere.get(r.h.id, id) === undefined) {
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
      this.state.q.setState.run(SEG_EMPTIED, id);
      this.reads.emptied.add(id);
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
    const row = this.state.q.segRow.get(id);
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
        this.state.log(`STORE ERROR: fdatasync of ${segmentName(out.id)} failed: ${String(e)}`);
        this.out = null;
        await this.writers.seal(out);
        throw storageError(e);
      }
      await step('synced');
    }
    const target = out;
    // No fsync for this commit: until the old segment is removed, a row still pointing into
    // it is as good as a moved one, so a batch lost in a crash costs only its copies (cut off
    // at start-up). The commit that marks the segment EMPTIED syncs, and a WAL is durable in
    // order, so it makes every batch before it durable too.
    this.state.db.pragma('synchronous = NORMAL');
    let dead: number;
    try {
      dead = this.moveRows(id, b, placed, target, end);
    } finally {
      this.state.db.pragma('synchronous = FULL');
    }
    this.state.dead = dead;
    if (target) {
      target.end = end;
      if (end >= this.state.segmentBytes && this.out === target) {
        this.out = null;
        await this.writers.seal(target);
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
    return this.state.db.transaction(() => {
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
          this.state.q.move.run(target.id, placed[i] as number, c.id, id, c.from).changes === 1
        ) {
          oldDead += c.bytes;
        } else {
          // Deleted (and maybe stored again elsewhere) since the walk read its row.
          newDead += c.bytes;
          if (target) this.state.q.graveAdd.run(c.id, target.id);
          this.state.q.graveDel.run(c.id, id);
        }
      }
      // This segment is DRAINING from here on, so its own dead records need no graves.
      for (const f of b.forget) this.state.q.graveDel.run(f, id);
      this.state.q.setState.run(SEG_DRAINING, id);
      this.state.q.segAdd.run(0, oldDead, 0, id);
      if (target) this.state.q.segAdd.run(end, newDead, kept, target.id);
      const total = this.state.dead + oldDead + newDead;
      this.state.q.stats.run(this.state.used, this.state.count, total);
      return total;
    })();
  }

  /** The compaction output, with room for `bytes` more unless it is still empty. */
  private async output(bytes: number): Promise<Segment> {
    const cur = this.out;
    if (cur && cur.end > 0 && cur.end + bytes > this.state.segmentBytes) {
      this.out = null;
      await this.writers.seal(cur);
    }
    if (!this.out) this.out = await this.writers.newSegment();
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
    this.state.log(
      `store: ${segmentName(id)}: live bytes unaccounted after the walk; searching the index`,
    );
    let moved = 0;
    let unreadable = 0;
    let batch = newBatch();
    let after: Buffer = Buffer.alloc(0);
    const header = Buffer.alloc(RECORD_HEADER);
    for (;;) {
      if (this.state.closed) return moved;
      const rows = this.state.q.page.all(after, 4096);
      const last = rows[rows.length - 1];
      if (!last) break;
      after = last.id;
      for (const r of rows) {
        if (r.segment !== id) continue;
        const bytes = RECORD_HEADER + r.length;
        const { bytesRead } = await src.read(header, 0, RECORD_HEADER, r.offset);
        const h = bytesRead === RECORD_HEADER ? decodeHeader(header) : null;
        if (!h?.id.equals(r.id) || h.length !== r.length || r.offset + bytes > size) {
          this.state.log(
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
    if (this.isDrained(id) || unreadable > 0 || this.state.closed) return moved;
    const dead = this.state.db.transaction(() => {
      const row = this.state.q.segRow.get(id) as SegmentRow;
      const orphan = row.committed_end - row.dead_bytes - row.kept_bytes;
      this.state.q.segAdd.run(0, orphan, 0, id);
      const total = this.state.dead + orphan;
      this.state.q.stats.run(this.state.used, this.state.count, total);
      this.state.log(
        `store: ${segmentName(id)}: ${orphan} bytes of records that were never indexed`,
      );
      return total;
    })();
    this.state.dead = dead;
    return moved;
  }

  /** Removes an EMPTIED segment: the file, then its row. Safe to repeat after a crash. */
  async removeSegment(
    id: number,
    step: (s: CompactionStep) => Promise<void> = async () => undefined,
  ): Promise<void> {
    this.reads.emptied.add(id);
    await this.reads.idle(id);
    try {
      await unlink(join(this.state.segDir, segmentName(id)));
    } catch (e) {
      if (errno(e) !== 'ENOENT') throw e;
    }
    await syncDir(this.state.segDir);
    await step('unlinked');
    const dead = this.state.db.transaction(() => {
      const row = this.state.q.segRow.get(id);
      this.state.q.removeSeg.run(id);
      const total = this.state.dead - (row?.dead_bytes ?? 0);
      this.state.q.stats.run(this.state.used, this.state.count, total);
      return total;
    })();
    this.state.dead = dead;
    this.state.segmentCount--;
    await step('removed');
  }

  /** Waits for the run in progress (it stops after its batch) and closes the output. */
  async close(): Promise<void> {
    await this.compactions;
    if (this.out) await this.out.fh.close().catch(() => undefined);
    this.out = null;
  }
}

export function checkRatio(field: string, r: number | undefined): number {
  if (r === undefined) return DEFAULT_COMPACT_DEAD_RATIO;
  if (!(r > 0 && r <= 1)) {
    throw new ValidationError(field, 'expected a share of dead bytes above 0 and at most 1');
  }
  return r;
}
