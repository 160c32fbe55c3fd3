import { isIPv4, isIPv6 } from 'node:net';
import { ConnectionError, RateLimitedError } from '@coffer/errors';
import type { Hub } from '../context.ts';
import { rateLimit } from './rate-limit.ts';

// [Note: Guessing user codes]
// RFC 8628 §5.1: a user code is short, so look-ups must be limited, or someone logged in could
// try codes until one matches an app someone else started and approve it into their own
// account (the app would then upload there). The hub limits it in layers
// ([Note: App tokens] in apps.ts):
// - look-ups and approvals per account (30 a minute) and per client address (60 a minute);
// - a budget of failed ones (a code no app waits with) for the whole network, `apps.failedCodes`
//   per `apps.failedCodesWindowSeconds` (500 an hour), shared by every account, address and hub
//   process (a row of rate_limits), so many accounts or addresses do not multiply the guesses:
//   with N requests waiting, a guesser's chance in a window is at most 500·N / 20^8 (N = 100:
//   2·10^-6 an hour). Each look-up is counted before it is made and given back when it finds a
//   request, so look-ups at the same moment cannot overshoot. Once the budget is spent, every
//   look-up is 429 until the window ends: a guesser can keep users from approving apps for a
//   while, never approve someone else's;
// - client addresses are counted by their /64 for IPv6: a subscriber gets a /64 at least, and
//   another address in it costs nothing;
// - requests alive at once per client address (`apps.pendingPerAddress`, 10), so that nobody
//   fills the table (or the code space) with requests;
// - a fresh user code is drawn until one is free, and after ten taken ones (about one chance
//   in 10^44 with a million requests waiting) the answer is a retryable 503, never a 500.

/** The rate_limits key of the network's budget of failed user-code look-ups. */
const FAILED_CODES_KEY = 'apps:failed-codes';
/** Draws of a user code before giving up ([Note: Guessing user codes]). */
export const USER_CODE_DRAWS = 10;

/**
 * What limits count a client address as: an IPv6 address by its /64 (`2001:db8:0:1::/64`), an
 * IPv4 address (mapped into IPv6 or not) as itself; anything else as it is.
 */
export function addressBucket(address: string): string {
  const a = address.trim().toLowerCase().replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped?.[1] && isIPv4(mapped[1])) return mapped[1];
  if (!isIPv6(a)) return address;
  // A dotted IPv4 tail (`64:ff9b::1.2.3.4`) is the last two groups.
  const hex = a.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_, w, x, y, z) =>
    [(Number(w) << 8) | Number(x), (Number(y) << 8) | Number(z)]
      .map((n) => n.toString(16))
      .join(':'),
  );
  const [head = '', tail] = hex.split('::');
  const groups = (s: string | undefined) => (s ? s.split(':') : []);
  const left = groups(head);
  const right = groups(tail);
  const full =
    tail === undefined
      ? left
      : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return `${full
    .slice(0, 4)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}

/**
 * Draws user codes with `draw` until `insert` takes one (it answers undefined when the code is
 * taken), at most `draws` times; then a ConnectionError (503, retryable).
 */
export async function withFreshUserCode<T>(
  draw: () => string,
  insert: (code: string) => Promise<T | undefined>,
  draws = USER_CODE_DRAWS,
): Promise<T> {
  for (let i = 0; i < draws; i++) {
    const done = await insert(draw());
    if (done !== undefined) return done;
  }
  throw new ConnectionError('userCode: no free user code was found; retry shortly');
}

/**
 * Counts a user-code look-up against the network's budget of failures
 * ([Note: Guessing user codes]); RateLimitedError once it is spent. Call the answer when the
 * look-up found its request: that gives the count back.
 */
export async function spendCodeAttempt(hub: Hub): Promise<() => Promise<void>> {
  const { failedCodes, failedCodesWindowSeconds } = hub.config.apps;
  let windowStart: number;
  try {
    ({ windowStart } = await rateLimit(
      hub,
      FAILED_CODES_KEY,
      failedCodes,
      failedCodesWindowSeconds * 1000,
    ));
  } catch (e) {
    if (!(e instanceof RateLimitedError)) throw e;
    throw new RateLimitedError(
      'userCode: too many unknown codes were tried on this hub lately; wait before trying again',
      e.retryAfterMs,
    );
  }
  return async () => {
    await hub.db
      .updateTable('rate_limits')
      .set((eb) => ({ count: eb('count', '-', 1) }))
      .where('key', '=', FAILED_CODES_KEY)
      .where('window_start', '=', windowStart)
      .where('count', '>', 0)
      .execute();
  };
}

/**
 * RateLimitedError when the client at `bucket` has more than `apps.pendingPerAddress`
 * requests alive, counting the one just made (`id`, which is deleted then): counting after the
 * insert, two requests at the same moment cannot both slip under the cap.
 */
export async function capPendingRequests(hub: Hub, bucket: string, id: string): Promise<void> {
  const now = hub.now();
  const alive = await hub.db
    .selectFrom('app_requests')
    .select(['id', 'expires_at'])
    .where('client_address', '=', bucket)
    .where('expires_at', '>=', now)
    .orderBy('expires_at')
    .execute();
  if (alive.length <= hub.config.apps.pendingPerAddress) return;
  await hub.db.deleteFrom('app_requests').where('id', '=', id).execute();
  const first = alive.find((r) => r.id !== id);
  throw new RateLimitedError(
    `too many app requests waiting from your address (${hub.config.apps.pendingPerAddress} at most); answer or let them expire first`,
    Math.max((first?.expires_at ?? now) - now, 1000),
  );
}
