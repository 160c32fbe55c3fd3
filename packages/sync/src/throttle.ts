// `--bwlimit`: a token bucket of bytes, one per direction, as rclone's --bwlimit caps uploads
// and downloads each. A transfer takes tokens for each piece before passing it on, so a
// limited transfer reads its source more slowly and nothing is buffered beyond the piece in
// hand. Bursts up to a quarter of a second of traffic.

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export class Throttle {
  private tokens: number;
  private last: number;
  private readonly burst: number;

  constructor(
    readonly bytesPerSecond: number,
    private readonly clock: Clock = realClock,
  ) {
    if (!(bytesPerSecond > 0)) throw new RangeError('bytesPerSecond must be positive');
    this.burst = Math.max(64 * 1024, bytesPerSecond / 4);
    this.tokens = this.burst;
    this.last = clock.now();
  }

  /** Resolves when `n` more bytes may pass. */
  async take(n: number): Promise<void> {
    const now = this.clock.now();
    const refill = ((now - this.last) * this.bytesPerSecond) / 1000;
    this.tokens = Math.min(this.burst, this.tokens + refill);
    this.last = now;
    this.tokens -= n;
    if (this.tokens < 0) await this.clock.sleep((-this.tokens * 1000) / this.bytesPerSecond);
  }

  async *pass(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const piece of source) {
      await this.take(piece.length);
      yield piece;
    }
  }
}

/** Both directions at one rate, or none. */
export function bandwidth(bytesPerSecond: number | undefined) {
  if (bytesPerSecond === undefined) return null;
  return { up: new Throttle(bytesPerSecond), down: new Throttle(bytesPerSecond) };
}
