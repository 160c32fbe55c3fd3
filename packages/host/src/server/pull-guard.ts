import { AuthError, ConflictError } from '@coffer/errors';
import { type CopyOrder, type CopyPull, PULL_WINDOW_MS } from '@coffer/protocol';

// The source's replay rule ([Note: Direct copies] in protocol/src/copy-orders.ts): orders the
// destination closed are refused until they expire (then their expiry refuses them), and a pull
// request is taken once: its time must be within PULL_WINDOW_MS of this host's clock and its
// nonce unseen, and a nonce is remembered for as long as its request could still pass the time
// check. Both are kept in memory: a restart forgets them, which opens an order again only to
// its own destination (requests must carry its signature) and only until the order expires.
//
// Every pull of an order presents the whole order again (up to COPY_ORDER_CHUNKS chunks, about
// 25 KB signed); checking it for each of its chunks made a copy's checks grow with the square of
// its size. An order verified once is remembered by its exact text and the hub key that
// verified it, until it expires; another text, or another key, is verified afresh.

/** Entries kept before a sweep of the expired ones is forced. */
const SWEEP_AT = 10_000;
/** Verified orders remembered at most (the oldest goes first). */
const ORDERS_KEPT = 64;

export class PullGuard {
  private readonly closed = new Map<string, number>();
  private readonly nonces = new Map<string, number>();
  private readonly verified = new Map<string, { key: object; order: CopyOrder }>();
  private nextSweep = 0;

  constructor(private readonly now: () => number = () => Date.now()) {}

  /**
   * The order signed as `text`, checked by `verify` (the hub's signature under `key`, its
   * expiry, this host as its source) the first time, and remembered until it expires.
   */
  order(text: string, key: object, verify: () => CopyOrder): CopyOrder {
    const known = this.verified.get(text);
    if (known && known.key === key && known.order.exp >= this.now()) return known.order;
    const order = verify();
    this.verified.delete(text);
    if (this.verified.size >= ORDERS_KEPT) {
      const oldest = this.verified.keys().next().value;
      if (oldest !== undefined) this.verified.delete(oldest);
    }
    this.verified.set(text, { key, order });
    return order;
  }

  /** Throws ConflictError when the destination has closed the order. */
  checkOpen(order: Pick<CopyOrder, 'id'>): void {
    if (this.closed.has(order.id)) {
      throw new ConflictError(
        'order: already completed and closed; a copy that resumes needs a new order from the hub',
      );
    }
  }

  /** Checks a pull request's time and nonce, and uses the nonce up. */
  admit(pull: Pick<CopyPull, 'at' | 'nonce'>): void {
    const now = this.now();
    this.sweep(now);
    if (Math.abs(now - pull.at) > PULL_WINDOW_MS) {
      throw new AuthError('request.at: too old or in the future; check the host clocks');
    }
    if (this.nonces.has(pull.nonce)) {
      throw new ConflictError('request: replayed (its nonce was used); sign a new request');
    }
    this.nonces.set(pull.nonce, pull.at + PULL_WINDOW_MS);
  }

  /** The destination is done with the order: refuse it from now on. */
  close(order: Pick<CopyOrder, 'id' | 'exp'>): void {
    this.sweep(this.now());
    this.closed.set(order.id, order.exp);
  }

  /** Entries held, for tests. */
  get size(): number {
    return this.closed.size + this.nonces.size;
  }

  private sweep(now: number): void {
    if (now < this.nextSweep && this.size < SWEEP_AT) return;
    this.nextSweep = now + PULL_WINDOW_MS / 4;
    for (const [k, until] of this.closed) if (until < now) this.closed.delete(k);
    for (const [k, until] of this.nonces) if (until < now) this.nonces.delete(k);
    for (const [k, v] of this.verified) if (v.order.exp < now) this.verified.delete(k);
  }
}
