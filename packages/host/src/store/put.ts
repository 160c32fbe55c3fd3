import { createSha256 } from '@coffer/crypto';
import { ConflictError, ValidationError } from '@coffer/errors';
import { encodeHeader, RECORD_HEADER, segmentName, TYPE_CHUNK } from '../format.ts';
import type { GroupCommit } from './commit.ts';
import { storageError, writeAll } from './io.ts';
import type { SmallRecordBatcher } from './small-records.ts';
import type { StoreState } from './state.ts';
import type { PutHandle, PutResult } from './types.ts';
import type { Segment, SegmentWriters } from './writers.ts';

/** Chunks up to this size are buffered and batched; larger ones stream into a segment alone. */
export const SMALL_RECORD = 256 * 1024;

/** What one upload needs from the store. */
export interface PutContext {
  readonly state: StoreState;
  readonly writers: SegmentWriters;
  readonly commits: GroupCommit;
  readonly small: SmallRecordBatcher;
  has(id: string): boolean;
  /** The upload is over: its reservation of `bytes` ends. */
  forget(put: PutImpl, bytes: number): void;
}

/** One upload: streamed into a segment of its own, or buffered for the batcher when small. */
export class PutImpl implements PutHandle {
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
    private readonly store: PutContext,
    readonly id: string,
    readonly length: number,
    readonly existed: boolean,
    private readonly reservation: number,
  ) {
    this.small = length <= SMALL_RECORD;
  }

  write(bytes: Uint8Array | readonly Uint8Array[]): Promise<void> {
    if (this.state !== 'open') return Promise.reject(new ConflictError('put: already finished'));
    const pieces = bytes instanceof Uint8Array ? [bytes] : bytes;
    let n = 0;
    for (const piece of pieces) n += piece.length;
    if (this.received + n > this.length) {
      return Promise.reject(new ValidationError('body', `more than ${this.length} bytes`));
    }
    if (this.writeError) return Promise.reject(this.writeError);
    const p = this.doWrite(pieces, n).catch((e) => {
      throw storageError(e);
    });
    this.inflight = p.catch((e) => {
      this.writeError = e;
    });
    return p;
  }

  /** Hashes the pieces and writes them with one system call (pwritev when there are several). */
  private async doWrite(pieces: readonly Uint8Array[], n: number): Promise<void> {
    const before = this.received;
    this.received += n;
    for (const piece of pieces) this.hash.update(piece);
    if (this.existed || n === 0) return;
    const bufs = pieces
      .filter((piece) => piece.length > 0)
      .map((piece) => Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength));
    if (this.small) {
      for (const buf of bufs) this.parts.push(Buffer.from(buf)); // the caller may reuse its buffer
      return;
    }
    if (!this.seg) {
      const seg = await this.store.writers.acquire(true);
      if (this.state === 'failed') {
        this.store.writers.release(seg); // aborted while waiting for a segment
        return;
      }
      this.seg = seg;
      this.start = seg.end;
      this.at = Date.now();
      const header = encodeHeader({
        type: TYPE_CHUNK,
        length: this.length,
        seq: this.store.state.nextSeq(),
        at: this.at,
        id: Buffer.from(this.id, 'hex'),
      });
      await writeAll(this.seg.fh, [header, ...bufs], this.start);
      return;
    }
    await writeAll(this.seg.fh, bufs, this.start + RECORD_HEADER + before);
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
        stored = await this.store.small.append(Buffer.from(this.id, 'hex'), data);
      } else {
        const seg = this.seg as Segment;
        this.seg = null;
        seg.end = this.start + RECORD_HEADER + this.length;
        committing = true;
        const done = this.store.commits.commit(
          seg,
          'put',
          Buffer.from(this.id, 'hex'),
          this.start,
          this.length,
          this.at,
        );
        this.store.writers.release(seg);
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
      this.store.state.log(`store: could not truncate ${segmentName(seg.id)}: ${String(e)}`);
    } finally {
      this.store.writers.release(seg);
    }
  }
}
