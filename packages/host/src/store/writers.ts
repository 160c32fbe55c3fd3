import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import { ConflictError } from '@coffer/errors';
import { segmentName } from '../format.ts';
import { errno, syncDir } from './io.ts';
import type { StoreState } from './state.ts';

// The segments open for appends, each with at most one writer at a time; see
// [Note: Chunk store].

export interface Segment {
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

/** A record written to a segment, waiting for the segment's fdatasync and its index row. */
export interface Pending {
  kind: 'put' | 'tombstone';
  idBytes: Buffer;
  segment: number;
  offset: number;
  length: number;
  at: number;
  resolve: (changed: boolean) => void;
  reject: (e: unknown) => void;
}

/** An open segment file, idle, with its next record going at `end`. */
export const openSegment = (id: number, path: string, fh: FileHandle, end: number): Segment => ({
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

export class SegmentWriters {
  /** Where the next new segment's id comes from; set when the store opens. */
  nextSegment = 1;
  private readonly writers: Segment[] = [];
  private creating = 0;
  private streaming = 0;
  private readonly waiters: {
    stream: boolean;
    resolve: (s: Segment) => void;
    reject: (e: unknown) => void;
  }[] = [];

  constructor(
    private readonly state: StoreState,
    /** Segments open for appending at once (the upload concurrency), at least 2. */
    private readonly maxWriters: number,
  ) {}

  /** Takes an open segment found at start-up back into use. */
  adopt(seg: Segment): void {
    this.writers.push(seg);
  }

  /**
   * A segment for this caller alone, until `release`. Streaming uploads may hold at most
   * maxWriters - 1 segments, so small records and deletes always get through even when every
   * stream is stalled on a slow client.
   */
  acquire(stream: boolean): Promise<Segment> {
    // Uploads may not start once closing; queued small records still get written.
    if (stream) this.state.checkOpen();
    const got = this.tryTake(stream);
    if (got === null) {
      return new Promise<Segment>((resolve, reject) =>
        this.waiters.push({ stream, resolve, reject }),
      );
    }
    return this.grant(got, stream);
  }

  release(s: Segment): void {
    s.busy = false;
    if (s.stream) this.streaming--;
    s.stream = false;
    if (!s.retiring && s.end >= this.state.segmentBytes) s.retiring = true;
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
  async newSegment(): Promise<Segment> {
    for (;;) {
      const id = this.nextSegment++;
      this.state.q.newSegment.run(id);
      const path = join(this.state.segDir, segmentName(id));
      let fh: FileHandle;
      try {
        fh = await open(path, 'wx+', 0o600);
      } catch (e) {
        this.state.q.dropSegment.run(id);
        if (errno(e) === 'EEXIST') {
          this.state.log(`store: ${segmentName(id)} exists but is not indexed; leaving it alone`);
          continue;
        }
        throw e;
      }
      await syncDir(this.state.segDir);
      this.state.segmentCount++;
      return openSegment(id, path, fh, 0);
    }
  }

  /** Seals a retiring segment once nobody writes to it and its commits are done. */
  maybeSeal(s: Segment): void {
    if (!s.retiring || s.busy || s.syncing || s.pending.length > 0) return;
    void this.seal(s);
  }

  async seal(s: Segment): Promise<void> {
    const i = this.writers.indexOf(s);
    if (i >= 0) this.writers.splice(i, 1);
    try {
      // If this fails the segment stays "open" in the index: start-up checks its tail again.
      if (this.state.db.open) this.state.q.seal.run(s.id);
    } catch (e) {
      this.state.log(`store: could not mark ${segmentName(s.id)} sealed: ${String(e)}`);
    }
    await s.fh.close().catch(() => undefined);
  }

  /** Turns away whoever still waits for a segment, and closes every segment file. */
  async close(): Promise<void> {
    for (const w of this.waiters.splice(0)) w.reject(new ConflictError('store: closed'));
    for (const s of this.writers.splice(0)) await s.fh.close().catch(() => undefined);
  }
}
