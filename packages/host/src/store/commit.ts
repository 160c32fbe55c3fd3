import { RECORD_HEADER, segmentName } from '../format.ts';
import { storageError } from './io.ts';
import type { StoreState } from './state.ts';
import type { Pending, Segment } from './writers.ts';

/**
 * Group commit: one fdatasync per segment covers every record written to it before, and one
 * index transaction covers every record synced at that moment. See [Note: Chunk store].
 */
export class GroupCommit {
  private readonly dbQueue: Pending[] = [];
  private dbFlush: Promise<void> | null = null;
  private readonly syncs = new Set<Promise<void>>();
  private readonly apply: (items: Pending[]) => boolean[];

  constructor(
    private readonly state: StoreState,
    /** Called when a segment has nothing left to sync: a retiring one may be sealed now. */
    private readonly maybeSeal: (s: Segment) => void,
  ) {
    this.apply = state.db.transaction((items: Pending[]) => this.applyBatch(items));
  }

  /** Queues a written record for fdatasync and indexing; resolves once it is both. */
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

  /** What to wait for before closing: fsyncs in progress, else the next index commit. */
  inProgress(): Promise<unknown> | null {
    if (this.syncs.size > 0) return Promise.allSettled([...this.syncs]);
    return this.dbFlush;
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
            this.state.log(`STORE ERROR: fdatasync of ${segmentName(s.id)} failed: ${String(e)}`);
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
            this.state.log(`STORE ERROR: index commit failed: ${String(e)}`);
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
    // The journal the orphan sweep reads is ordered by the time a chunk became visible here,
    // not by when its first bytes arrived: a large chunk received slowly would otherwise be
    // stamped before smaller ones committed meanwhile, fall behind the sweep's cursor, and
    // never be reported if the hub never learns of it.
    const visibleAt = Date.now();
    let used = this.state.used;
    let count = this.state.count;
    let dead = this.state.dead;
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
        if (
          this.state.q.insert.run(p.idBytes, p.segment, p.offset, p.length, visibleAt).changes === 0
        ) {
          own.dead += recordBytes; // a concurrent upload of the same chunk got there first
          dead += recordBytes;
          this.state.q.graveAdd.run(p.idBytes, p.segment);
          return false;
        }
        used += p.length;
        count += 1;
        return true;
      }
      const row = this.state.q.get.get(p.idBytes);
      own.dead += recordBytes;
      dead += recordBytes;
      if (!row) return false;
      this.state.q.remove.run(p.idBytes);
      this.state.q.graveAdd.run(p.idBytes, row.segment);
      used -= row.length;
      count -= 1;
      seg(row.segment).dead += RECORD_HEADER + row.length;
      dead += RECORD_HEADER + row.length;
      return true;
    });
    for (const [id, e] of perSegment) this.state.q.segEnd.run(e.end, e.dead, id);
    this.state.q.stats.run(used, count, dead);
    this.state.used = used;
    this.state.count = count;
    this.state.dead = dead;
    return results;
  }
}
