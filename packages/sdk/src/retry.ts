import { CofferError, ConnectionError, RateLimitedError } from '@coffer/errors';
import { send } from '#transport';
import type { HttpRequest } from './transport/types.ts';

export interface RetryPolicy {
  /** Give up once this much time has passed since the first attempt. */
  maxElapsedMs: number;
  firstDelayMs: number;
  maxDelayMs: number;
}

/**
 * Retry policy of every network call: connection failures and short 429s are retried with
 * exponential backoff (with jitter) until `maxElapsedMs`; every other error is final.
 * A hub that restarts mid-upload is therefore ridden out, not reported.
 */
export const DEFAULT_RETRY: RetryPolicy = {
  maxElapsedMs: 120_000,
  firstDelayMs: 200,
  maxDelayMs: 5000,
};

const MAX_RATE_LIMIT_WAIT_MS = 10_000;

export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export async function withRetry<T>(
  attempt: () => Promise<T>,
  policy: RetryPolicy,
  signal?: AbortSignal,
  onRetry?: (attempt: number, error: Error, waitMs: number) => void,
): Promise<T> {
  const start = Date.now();
  let delay = policy.firstDelayMs;
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (e) {
      // A short 429 wait is ridden out; a long one (a login lock-out) is the caller's to show.
      const retryable =
        e instanceof ConnectionError ||
        (e instanceof RateLimitedError && e.retryAfterMs <= MAX_RATE_LIMIT_WAIT_MS);
      if (!retryable || signal?.aborted || Date.now() - start > policy.maxElapsedMs) throw e;
      const base = e instanceof RateLimitedError ? Math.max(delay, e.retryAfterMs) : delay;
      const wait = Math.round(base * (0.75 + Math.random() * 0.5));
      onRetry?.(n, e, wait);
      await sleep(wait, signal);
      delay = Math.min(policy.maxDelayMs, delay * 2);
    }
  }
}

/** One HTTP exchange, with network failures (connecting or mid-body) as ConnectionError. */
export async function sendOrThrow(
  url: string,
  req: HttpRequest,
  where: string,
): Promise<{ status: number; header(name: string): string | null; body: Uint8Array }> {
  const failed = (e: unknown) => {
    if (req.signal?.aborted) return req.signal.reason;
    if (e instanceof CofferError) return e;
    const cause = (e as { cause?: { code?: string }; code?: string }).code ?? (e as Error).message;
    return new ConnectionError(`${where}: cannot reach ${new URL(url).origin} (${cause})`, {
      cause: e,
    });
  };
  try {
    const res = await send(url, req);
    return { status: res.status, header: res.header, body: await res.bytes() };
  } catch (e) {
    throw failed(e);
  }
}
