import type { FileHandle } from 'node:fs/promises';
import { decodeHeader, MAGIC_BYTES, RECORD_HEADER, type RecordHeader } from '../format.ts';
import { writeAll } from './io.ts';

// The byte-level parts of compaction: its batches, the walk through a segment's records,
// range copies, and the pace between batches. See [Note: Compaction] in compaction.ts.

/** Compaction reads a segment this much at a time, looking up each record it finds... */
const COMPACT_WINDOW = 512 * 1024;
/** ...or only this much after a record larger than that, whose data it does not read. */
const PROBE_WINDOW = 64 * 1024;
/** One compaction batch (one fdatasync, one transaction): at most this many bytes or records. */
const COMPACT_BATCH_BYTES = 8 * 1024 * 1024;
const COMPACT_BATCH_RECORDS = 1024;
/** Records too large for the window are copied in pieces of this size. */
const COPY_PIECE = 4 * 1024 * 1024;

export interface Copy {
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

export interface MoveBatch {
  copies: Copy[];
  /** Ids of dead chunk records passed in the old segment: their graves go. */
  forget: Buffer[];
  bytes: number;
}

export const newBatch = (): MoveBatch => ({ copies: [], forget: [], bytes: 0 });

export const isFull = (b: MoveBatch) =>
  b.bytes >= COMPACT_BATCH_BYTES || b.copies.length + b.forget.length >= COMPACT_BATCH_RECORDS;

/**
 * Every well-formed record header in the first `end` bytes of a segment, in order, with the
 * record's bytes when they fit in the window just read. Bytes that are not a record (torn or
 * overwritten) are skipped to the next magic, as rebuildIndex does. Large records' data is
 * never read: the next window starts after it.
 */
export async function* walkRecords(
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

export async function copyRange(
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
export async function inParallel(tasks: (() => Promise<void>)[], n: number): Promise<void> {
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
export class Pace {
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
