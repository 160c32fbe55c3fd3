import type { RetryEvent } from '@coffer/sdk';

/** COFFER_LOG=debug: log what is otherwise ridden out silently (retries), and stack traces. */
export const debugLogging = () => process.env.COFFER_LOG === 'debug' || !!process.env.COFFER_DEBUG;

/** One line on stderr per retried call: the route, why the attempt failed, and the wait. */
export function logRetry(e: RetryEvent) {
  process.stderr.write(
    `coffer: debug: retry ${e.kind}: attempt ${e.attempt} failed (${e.error.message}); next in ${e.waitMs} ms\n`,
  );
}

/** What the SDK's client is given so retries are logged when debugging. */
export const retryLogging = () => (debugLogging() ? { onRetry: logRetry } : {});
