import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.ts';

// [Note: Transaction retries]
// PostgreSQL may abort a transaction with a deadlock (40P01) or a serialization failure
// (40001) that nothing in the request did wrong: the hub takes row locks in one order
// ([Note: Stored bytes]) so deadlocks should not happen, but a retry is still the hub's job,
// not the client's. The whole transaction runs again, a bounded number of times with a short
// random pause, and only then does the error reach the caller (as a 500, which /metrics counts).
// SQLite runs one transaction at a time on its one connection; its busy timeout covers other
// processes. A callback must do nothing outside the database that it cannot do twice.

const RETRYABLE = new Set(['40P01', '40001']);
const ATTEMPTS = 5;

export function isRetryable(e: unknown): boolean {
  return RETRYABLE.has((e as { code?: string })?.code ?? '');
}

const committed = new WeakMap<object, (() => void)[]>();

/**
 * Runs `fn` once `db`'s transaction (one of inTransaction's) has committed, or at once outside
 * one: telling other requests about a write before it is visible would only make them look early.
 */
export function afterCommit(db: object, fn: () => void): void {
  const pending = committed.get(db);
  if (pending) pending.push(fn);
  else fn();
}

/** Runs `run` in a transaction, again if the database aborted it for a deadlock or conflict. */
export async function inTransaction<T>(
  db: Kysely<Database>,
  run: (tx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const pending: (() => void)[] = [];
    let result: T;
    try {
      result = await db.transaction().execute((tx) => {
        committed.set(tx, pending);
        return run(tx);
      });
    } catch (e) {
      if (!isRetryable(e) || attempt >= ATTEMPTS) throw e;
      await new Promise((r) => setTimeout(r, Math.random() * 20 * 2 ** attempt));
      continue;
    }
    for (const fn of pending) fn();
    return result;
  }
}
