export interface Progress {
  /** Plaintext bytes encrypted and stored (upload) or decrypted (download) so far. */
  bytesDone: number;
  bytesTotal: number | null;
  /** Bytes this client sent over the network (upload) or received (download). */
  bytesOnWire: number;
  filesDone: number;
  filesTotal: number;
}

export interface TransferOptions {
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
  /** Chunks in flight at once. */
  concurrency?: number;
}

/** Counts a transfer's progress and reports it at most every 100 ms (and at the end). */
export class Meter {
  p: Progress;
  private last = 0;
  constructor(
    total: number | null,
    files: number,
    private readonly cb?: (p: Progress) => void,
  ) {
    this.p = { bytesDone: 0, bytesTotal: total, bytesOnWire: 0, filesDone: 0, filesTotal: files };
  }
  add(done: number, wire: number, files = 0) {
    this.p.bytesDone += done;
    this.p.bytesOnWire += wire;
    this.p.filesDone += files;
    const now = Date.now();
    if (this.cb && (now - this.last > 100 || this.p.filesDone === this.p.filesTotal)) {
      this.last = now;
      this.cb({ ...this.p });
    }
  }
  flush() {
    this.cb?.({ ...this.p });
  }
}

/** Runs tasks with at most `limit` in flight; the first failure stops new ones and is thrown. */
export class Limiter {
  private running = new Set<Promise<void>>();
  private failure: unknown = null;
  constructor(private readonly limit: number) {}
  async run(task: () => Promise<void>) {
    while (this.running.size >= this.limit) await Promise.race(this.running);
    if (this.failure) throw this.failure;
    const p: Promise<void> = task()
      .catch((e) => {
        this.failure ??= e;
      })
      .finally(() => this.running.delete(p));
    this.running.add(p);
  }
  async drain() {
    await Promise.all(this.running);
    if (this.failure) throw this.failure;
  }
}
