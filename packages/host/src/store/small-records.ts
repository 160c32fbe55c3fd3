import { encodeHeader, RECORD_HEADER, TYPE_CHUNK, TYPE_TOMBSTONE } from '../format.ts';
import type { GroupCommit } from './commit.ts';
import { storageError } from './io.ts';
import type { StoreState } from './state.ts';
import type { Segment, SegmentWriters } from './writers.ts';

const SMALL_BATCH_BYTES = 8 * 1024 * 1024;
const SMALL_BATCH_RECORDS = 2048;

interface SmallRecord {
  kind: 'put' | 'tombstone';
  idBytes: Buffer;
  data: Buffer | null;
  length: number;
  resolve: (changed: boolean | PromiseLike<boolean>) => void;
  reject: (e: unknown) => void;
}

/**
 * Small chunks, checked and held in memory, and delete tombstones: whatever is waiting goes
 * into one segment with one writev. See [Note: Chunk store].
 */
export class SmallRecordBatcher {
  private readonly records: SmallRecord[] = [];
  private draining: Promise<void> | null = null;

  constructor(
    private readonly state: StoreState,
    private readonly writers: SegmentWriters,
    private readonly commits: GroupCommit,
  ) {}

  /** Resolves to false when another upload of the same chunk got there first. */
  append(idBytes: Buffer, data: Buffer): Promise<boolean> {
    return this.queue('put', idBytes, data);
  }

  /** Resolves to false when the chunk was no longer stored by the time it was indexed. */
  appendTombstone(idBytes: Buffer): Promise<boolean> {
    return this.queue('tombstone', idBytes, null);
  }

  /** The append in progress, if any. */
  inProgress(): Promise<void> | null {
    return this.draining;
  }

  private queue(kind: SmallRecord['kind'], idBytes: Buffer, data: Buffer | null) {
    return new Promise<boolean>((resolve, reject) => {
      this.records.push({ kind, idBytes, data, length: data?.length ?? 0, resolve, reject });
      this.drain();
    });
  }

  private drain(): void {
    if (this.draining) return;
    this.draining = (async () => {
      while (this.records.length > 0) {
        let s: Segment;
        try {
          s = await this.writers.acquire(false);
        } catch (e) {
          for (const r of this.records.splice(0)) r.reject(e);
          break;
        }
        const batch: SmallRecord[] = [];
        let bytes = 0;
        while (
          this.records.length > 0 &&
          batch.length < SMALL_BATCH_RECORDS &&
          (batch.length === 0 || bytes < SMALL_BATCH_BYTES)
        ) {
          const r = this.records.shift() as SmallRecord;
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
              encodeHeader({
                type,
                length: r.length,
                seq: this.state.nextSeq(),
                at,
                id: r.idBytes,
              }),
            );
            if (r.data) buffers.push(r.data);
            pos += RECORD_HEADER + r.length;
          }
          const { bytesWritten } = await s.fh.writev(buffers, s.end);
          if (bytesWritten !== pos - s.end) throw new Error('short write to segment');
          s.end = pos;
          batch.forEach((r, i) => {
            r.resolve(
              this.commits.commit(s, r.kind, r.idBytes, offsets[i] as number, r.length, at),
            );
          });
        } catch (e) {
          await s.fh.truncate(s.end).catch(() => undefined);
          for (const r of batch) r.reject(storageError(e));
        } finally {
          this.writers.release(s);
        }
      }
    })().finally(() => {
      this.draining = null;
      if (this.records.length > 0) this.drain();
    });
  }
}
