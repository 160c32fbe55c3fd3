// [Note: Bandwidth limit]
// `--bandwidth LIMIT` caps the chunk bytes a host receives (PUT bodies: uploads, forwards
// along the put chain, repair copies arriving; chunks it pulls for a copy order) and,
// separately, the chunk bytes it sends (GET answers: downloads and audits; forwards down the
// chain; repair copies it sends; chunks a copy's destination pulls from it), each
// at LIMIT, as rclone's --bwlimit does. All transfers in one direction share one token
// bucket. A transfer takes tokens for each piece (a received PUT body: each batch, see
// [Note: Receiving a chunk in batches]) before passing it on, so a throttled transfer simply
// reads its source more slowly: the socket (or the segment file) is paused while it waits, and
// nothing is buffered beyond the piece or batch in hand (at most 1 MiB). Health, metrics,
// hello and error answers are not chunk data and are never throttled.

/** A token bucket of bytes. Refills at `rate` bytes a second up to `burst` bytes. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly rate: number,
    readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(rate > 0) || !(burst > 0)) throw new RangeError('rate and burst must be positive');
    this.tokens = burst;
    this.last = now();
  }

  /**
   * Reserves `n` bytes and returns how many milliseconds the caller must wait before sending
   * them (0: at once). The bucket may go into debt; later callers then wait for that debt to
   * be paid off too, so concurrent transfers are served in the order they asked and their sum
   * stays at the rate.
   */
  reserve(n: number): number {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) * this.rate) / 1000);
    this.last = t;
    this.tokens -= n;
    return this.tokens >= 0 ? 0 : (-this.tokens * 1000) / this.rate;
  }
}

/** The bucket for a rate: a quarter of a second of traffic, and at least 64 KiB (one read). */
export const bucketFor = (rate: number) => new TokenBucket(rate, Math.max(64 * 1024, rate / 4));

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One direction of chunk traffic: its counter and, when limited, its bucket. */
export class Direction {
  /** Chunk bytes passed since the host started. */
  bytes = 0;
  /** Milliseconds transfers spent waiting for the limit, summed over transfers. */
  waitedMs = 0;

  constructor(private readonly bucket: TokenBucket | null) {}

  /**
   * Call before passing on `n` bytes of chunk data; resolves when they may go. Returns
   * undefined (no promise, no tick lost) when they may go at once.
   */
  take(n: number): Promise<void> | undefined {
    const wait = this.bucket?.reserve(n) ?? 0;
    if (wait <= 0) {
      this.bytes += n;
      return undefined;
    }
    this.waitedMs += wait;
    return sleep(wait).then(() => {
      this.bytes += n;
    });
  }

  /** Wraps a stream of chunk data: each piece is let through once the limit allows it. */
  async *pass(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const piece of source) {
      await this.take(piece.length);
      yield piece;
    }
  }
}

/** A host's chunk traffic in both directions, limited to `limit` bytes a second each. */
export class Traffic {
  readonly in: Direction;
  readonly out: Direction;

  /** `limit`: bytes per second in each direction; null for no limit. */
  constructor(readonly limit: number | null) {
    this.in = new Direction(limit === null ? null : bucketFor(limit));
    this.out = new Direction(limit === null ? null : bucketFor(limit));
  }
}
