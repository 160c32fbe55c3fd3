/** One retried call: what was retried, the attempt that failed (1 = the first), and why. */
export interface RetryEvent {
  /** The hub route ("addReceipts"), or "putChunk" for a chunk sent again to another host. */
  kind: string;
  attempt: number;
  error: Error;
  /** How long the client waits before the next attempt. */
  waitMs: number;
}

/** How many calls were retried, in all and by kind (`RetryEvent.kind`). */
export interface RetryCounts {
  total: number;
  byKind: Record<string, number>;
}

/**
 * Counts the retries of a client's calls and tells `listener` of each. A retried 5xx or lost
 * connection is ridden out, not reported; the counts keep it visible, so a stalling transfer
 * shows that the hub or a host kept failing rather than hiding a server bug.
 */
export class RetryCounter {
  private readonly byKind = new Map<string, number>();
  private total = 0;

  constructor(private readonly listener?: (e: RetryEvent) => void) {}

  note(e: RetryEvent) {
    this.total++;
    this.byKind.set(e.kind, (this.byKind.get(e.kind) ?? 0) + 1);
    this.listener?.(e);
  }

  counts(): RetryCounts {
    return { total: this.total, byKind: Object.fromEntries(this.byKind) };
  }
}
