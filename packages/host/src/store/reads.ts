import type { ReadStream } from 'node:fs';

/**
 * Reads and compaction: compaction unlinks a segment only once no read stream is still about
 * to open it; a stream that has its file open keeps reading it after the unlink. See
 * [Note: Compaction].
 */
export class SegmentReads {
  /** Segments whose records have all moved: a location in one of them is stale. */
  readonly emptied = new Set<number>();
  /** Read streams per segment that have not opened their file yet. */
  private readonly readers = new Map<number, number>();
  private readonly readersDone = new Map<number, () => void>();

  /** Counts `stream` as a reader of `segment` until it has opened its file (or closed). */
  track(segment: number, stream: ReadStream): void {
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
  }

  /** Resolves once no stream is about to open `segment`. */
  async idle(segment: number): Promise<void> {
    if (this.readers.has(segment)) {
      await new Promise<void>((resolve) => this.readersDone.set(segment, resolve));
      this.readersDone.delete(segment);
    }
  }
}
