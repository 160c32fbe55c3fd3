// [Note: Client-error log]
// Malformed requests (broken framing, a body cut short) are the client's fault: they get a 4xx
// and one short line in the log, never a stack trace. Anyone can send them without an
// account, so the lines are rate-limited: each source address has a small token bucket, and
// all addresses together a larger one (an attacker with many addresses fills no more). What a
// bucket drops is counted and summed up in one line when that source is next let through.
// The hub and hosts share this.

export interface ClientErrorLogOptions {
  /** Lines one address may log at once. Default 5. */
  burst?: number;
  /** One more line per address this often. Default 60 s. */
  refillMs?: number;
  /** Lines all addresses together may log at once, refilled 10 times as fast. Default 50. */
  totalBurst?: number;
  /** Addresses remembered; the least recently seen is forgotten first. Default 10,000. */
  maxAddresses?: number;
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
  suppressed: number;
}

export type ClientErrorLog = (address: string, line: string) => void;

/** Printable, short and on one line: what a client sent must not forge log lines. */
export const forLog = (text: string, max = 120) => {
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
};

export function clientErrorLog(
  log: (line: string) => void,
  o: ClientErrorLogOptions = {},
): ClientErrorLog {
  const burst = o.burst ?? 5;
  const refillMs = o.refillMs ?? 60_000;
  const totalBurst = o.totalBurst ?? 50;
  const maxAddresses = o.maxAddresses ?? 10_000;
  const now = o.now ?? Date.now;
  const buckets = new Map<string, Bucket>();
  const total: Bucket = { tokens: totalBurst, at: now(), suppressed: 0 };

  const refill = (b: Bucket, size: number, every: number, t: number) => {
    const earned = Math.floor((t - b.at) / every);
    if (earned > 0) {
      b.tokens = Math.min(size, b.tokens + earned);
      b.at = b.tokens === size ? t : b.at + earned * every;
    }
  };

  return (address, line) => {
    const t = now();
    const key = forLog(address, 64);
    let b = buckets.get(key);
    if (b) buckets.delete(key);
    else b = { tokens: burst, at: t, suppressed: 0 };
    // Re-inserted last: the Map's order is least recently seen first.
    buckets.set(key, b);
    if (buckets.size > maxAddresses) buckets.delete(buckets.keys().next().value as string);
    refill(b, burst, refillMs, t);
    refill(total, totalBurst, refillMs / 10, t);
    if (b.tokens < 1 || total.tokens < 1) {
      b.suppressed++;
      return;
    }
    b.tokens--;
    total.tokens--;
    if (b.suppressed > 0) {
      log(`client error from ${key}: ${b.suppressed} more lines suppressed`);
      b.suppressed = 0;
    }
    log(`client error from ${key}: ${line}`);
  };
}

/**
 * The error a server gets while reading a body the client broke off or framed wrongly (the
 * connection closed mid-body, a bad chunk size): the client's mistake, not the server's.
 */
export function isBrokenBody(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE') return true;
  if (typeof code === 'string' && code.startsWith('HPE_')) return true;
  return e instanceof Error && (e.message === 'aborted' || e.name === 'AbortError');
}
