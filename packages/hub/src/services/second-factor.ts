import {
  newTotpRecoveryCode,
  newTotpSecret,
  openTotpSecret,
  sealTotpSecret,
  totpMatch,
  totpRecoveryCodeHash,
  totpStep,
  totpUri,
} from '@coffer/crypto/server';
import {
  AuthError,
  ConflictError,
  RateLimitedError,
  SecondFactorRequiredError,
  ValidationError,
} from '@coffer/errors';
import type { AccountInfo, RouteName, RouteResponse, SessionGrant } from '@coffer/protocol';
import { sql } from 'kysely';
import type { Caller, Hub } from '../context.ts';
import type { DbOrTx } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { addressBucket } from './app-limits.ts';
import { hashText, newSecretToken } from './ids.ts';
import { rateLimit } from './rate-limit.ts';

// [Note: Second factor on the hub]
// An account may add TOTP (crypto's [Note: Second factor]) to its password. All of its state
// lives in the database, never in a hub process's memory, so every process on one PostgreSQL
// agrees:
// - `account_totp`: the secret sealed under the hub's TOTP key, `enabled_at` (null while an
//   enrolment waits for its first code), and the wrong codes in a row with the lockout.
// - `totp_used_steps`: the replay cache. A code passes only if inserting its (account, step)
//   row does; the primary key makes the second use of a step fail in whichever process it
//   comes, at once and without a lock. Rows older than the window are pruned on success.
// - `totp_recovery_codes`: SHA-256 of each unused recovery code; using one deletes its row,
//   and only the delete that removed it counts.
// - `sessions.second_factor_pending`: loginFinish opens such a session for an account with
//   2FA, with a five-minute life and without the account's wrapped keys. http.ts refuses it
//   every route but the code's and logout with a SecondFactorRequiredError (401, `reason`
//   second_factor_required), so it can fetch neither the wrapped master key nor anything else.
// Wrong codes count per account, across sessions (an attacker with the password cannot reset
// them by logging in again): from the fifth in a row each attempt waits, doubling; the tenth
// locks the codes for a while, and the answer says until when. Recovery codes (80 bits) are
// limited apart and still work during a lockout ([Note: Recovery codes are limited apart]), so
// a locked-out user has a way in that guessing cannot use. A replayed code is refused but not counted: it is the user's own,
// not a guess. Every attempt is counted before its code is checked ([Note: Counting a code
// before checking it]), so parallel requests get no more tries than serial ones.
// Sensitive actions (turning 2FA off, a new password, using the recovery key, approving an app)
// take a fresh code through `requireSecondFactor`, which consumes it like a login does.

const PENDING_SESSION_MS = 5 * 60_000;
/**
 * Used steps kept beyond the current one. A code passes for one step either side, so two would
 * do; four leave room for clocks of hub processes that differ by a step.
 */
const USED_STEPS_KEPT = 4;
/** Routes a session waiting for its second factor may call. */
const OPEN_WHILE_PENDING = new Set<RouteName>(['secondFactorLogin', 'logout']);

/** http.ts's gate: a session still owing its second factor can only send it. */
export function refusePendingSession(name: RouteName, caller: Caller | undefined) {
  if (caller?.secondFactorPending && !OPEN_WHILE_PENDING.has(name)) {
    throw new SecondFactorRequiredError(
      'this session still needs its second factor: send a code from your authenticator app or a recovery code first',
    );
  }
}

export const pendingSessionMs = PENDING_SESSION_MS;

async function enabledRow(db: DbOrTx, accountId: string) {
  return db
    .selectFrom('account_totp')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('enabled_at', 'is not', null)
    .executeTakeFirst();
}

/** Whether the account has its second factor on (loginFinish asks). */
export async function hasSecondFactor(hub: Hub, accountId: string): Promise<boolean> {
  return (await enabledRow(hub.db, accountId)) !== undefined;
}

/** Codes are often typed with spaces for reading ease ("123 456"); they are not part of it. */
const withoutSpaces = (code: string) => code.replace(/\s+/g, '');

const isRecoveryCode = (code: string) => !/^\d{6}$/.test(withoutSpaces(code));

const lockedMessage = (until: number) =>
  `second factor locked after too many wrong codes, until ${new Date(until).toISOString()}; a recovery code still works`;

type AttemptState = {
  failures: number;
  last_failure_at: number | null;
  locked_until: number | null;
};

/** Refuses a code from the app during the lockout or before the backoff has passed. */
function refuseEarly(hub: Hub, row: AttemptState) {
  const now = hub.now();
  const { backoffAfter, backoffMs, lockoutAfter } = hub.config.secondFactor;
  if (row.locked_until !== null && row.locked_until > now) {
    throw new RateLimitedError(lockedMessage(row.locked_until), row.locked_until - now);
  }
  // Only between the attempt that reached the lockout and its lock being written.
  if (row.failures >= lockoutAfter) {
    throw new RateLimitedError('code: the second factor is locking; try again in a moment', 1000);
  }
  if (row.failures >= backoffAfter && row.last_failure_at !== null) {
    const wait = backoffMs * 2 ** (row.failures - backoffAfter);
    const at = row.last_failure_at + wait;
    if (at > now) {
      throw new RateLimitedError(
        `code: ${row.failures} wrong codes in a row; wait ${Math.ceil((at - now) / 1000)} s before the next try`,
        at - now,
      );
    }
  }
}

const RESERVE_TRIES = 20;

// [Note: Counting a code before checking it]
// Backoff and lockout bound guessing only if no attempt escapes the count. Judging a row read
// earlier and counting a failure afterwards let parallel requests all pass the same judgement:
// a burst of a thousand codes sent at once was checked in full. So each attempt is counted as a
// failure *before* its code is looked at, by a compare-and-set on the state it was judged on:
// of the attempts that read the same state, one moves it on and the others read again and are
// judged on the new one (and, past `backoffAfter`, wait). A code that passes resets the count;
// a replayed code gives its count back (only a holder of a valid code can replay one).
async function reserveAttempt(hub: Hub, accountId: string) {
  for (let i = 0; i < RESERVE_TRIES; i++) {
    const row = await hub.db
      .selectFrom('account_totp')
      .select(['failures', 'last_failure_at', 'locked_until'])
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    if (!row) throw new AuthError('the account has no second factor any more');
    refuseEarly(hub, row);
    const taken = await hub.db
      .updateTable('account_totp')
      .set((eb) => ({ failures: eb('failures', '+', 1), last_failure_at: hub.now() }))
      .where('account_id', '=', accountId)
      .where('failures', '=', row.failures)
      .where('last_failure_at', row.last_failure_at === null ? 'is' : '=', row.last_failure_at)
      .where('locked_until', row.locked_until === null ? 'is' : '=', row.locked_until)
      .returning('failures')
      .executeTakeFirst();
    if (taken) return taken.failures;
  }
  throw new RateLimitedError('code: too many attempts at once; try again in a moment', 1000);
}

/** A reserved attempt whose code was wrong: the one that reaches `lockoutAfter` locks. */
async function failAttempt(hub: Hub, accountId: string, failures: number): Promise<never> {
  const { lockoutAfter, lockoutMinutes } = hub.config.secondFactor;
  if (failures >= lockoutAfter) {
    const now = hub.now();
    const until = now + lockoutMinutes * 60_000;
    await hub.db
      .updateTable('account_totp')
      .set({ failures: 0, locked_until: until })
      .where('account_id', '=', accountId)
      .execute();
    throw new RateLimitedError(lockedMessage(until), until - now);
  }
  throw new AuthError(
    `code: wrong code (${failures} of ${lockoutAfter} before the second factor locks)`,
  );
}

/** A replayed code is the user's own, not a guess: its reserved attempt is given back. */
async function giveBackAttempt(hub: Hub, accountId: string) {
  await hub.db
    .updateTable('account_totp')
    .set((eb) => ({ failures: eb('failures', '-', 1) }))
    .where('account_id', '=', accountId)
    .where('failures', '>', 0)
    .execute();
}

/**
 * Checks a code or recovery code against the account's enabled second factor and uses it up:
 * a TOTP step or a recovery code passes once. Throws when it does not pass.
 */
async function useCode(hub: Hub, accountId: string, code: string, sealed: string, address: string) {
  if (isRecoveryCode(code)) {
    await useRecoveryCode(hub, accountId, code, address);
  } else {
    // Opened before the attempt is counted: a secret this process cannot open is its fault,
    // not a wrong code.
    const secret = await openTotpSecret(hub.totpKey, accountId, sealed);
    const failures = await reserveAttempt(hub, accountId);
    const now = hub.now();
    const step = totpMatch(secret, withoutSpaces(code), now);
    if (step === null) await failAttempt(hub, accountId, failures);
    const used = await hub.db
      .insertInto('totp_used_steps')
      .values({ account_id: accountId, step: step as number, used_at: now })
      .onConflict((oc) => oc.columns(['account_id', 'step']).doNothing())
      .returning('step')
      .executeTakeFirst();
    if (!used) {
      await giveBackAttempt(hub, accountId);
      throw new AuthError('code: this code was used already; wait for the next one');
    }
    await hub.db
      .deleteFrom('totp_used_steps')
      .where('account_id', '=', accountId)
      .where('step', '<', totpStep(now) - USED_STEPS_KEPT)
      .execute();
  }
  await hub.db
    .updateTable('account_totp')
    .set({ failures: 0, last_failure_at: null, locked_until: null })
    .where('account_id', '=', accountId)
    .execute();
}

// [Note: Recovery codes are limited apart]
// A recovery code is 80 random bits: guessing one is out of reach at any pace a hub answers, so
// it does not need the account-wide backoff and lockout that keep 6-digit codes safe. Counting
// it there did harm: whoever had the password could send wrong recovery codes to re-arm the
// lockout for ever and put the owner's own recovery code behind the backoff. So recovery codes
// count apart, per account and client address (an IPv6 /64), RECOVERY_TRIES a quarter of an
// hour: an attacker elsewhere cannot use up the owner's tries, and the owner, locked out of
// the app's codes by someone else's guesses, always has a way in.
const RECOVERY_TRIES = 10;
const RECOVERY_WINDOW_MS = 15 * 60_000;

async function useRecoveryCode(hub: Hub, accountId: string, code: string, address: string) {
  await rateLimit(
    hub,
    `second-factor:recovery:${accountId}:${addressBucket(address)}`,
    RECOVERY_TRIES,
    RECOVERY_WINDOW_MS,
  );
  const gone = await hub.db
    .deleteFrom('totp_recovery_codes')
    .where('account_id', '=', accountId)
    .where('code_hash', '=', await totpRecoveryCodeHash(accountId, code))
    .returning('code_hash')
    .executeTakeFirst();
  if (!gone) {
    throw new AuthError(
      'code: not one of your unused recovery codes (they look like xxxx-xxxx-xxxx-xxxx)',
    );
  }
}

/**
 * For a sensitive action: when the account has its second factor on, `code` must be a fresh
 * code or a recovery code (used up here); without 2FA nothing is asked.
 */
export async function requireSecondFactor(
  hub: Hub,
  accountId: string,
  code: string | undefined,
  address: string,
) {
  const row = await enabledRow(hub.db, accountId);
  if (!row) return;
  if (code === undefined) {
    throw new SecondFactorRequiredError(
      'secondFactor: this needs a code from your authenticator app or a recovery code',
    );
  }
  await useCode(hub, accountId, code, row.sealed_secret, address);
}

export async function status(hub: Hub, c: Caller): Promise<RouteResponse<'secondFactorStatus'>> {
  const row = await hub.db
    .selectFrom('account_totp')
    .selectAll()
    .where('account_id', '=', c.accountId)
    .executeTakeFirst();
  const left = await hub.db
    .selectFrom('totp_recovery_codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', c.accountId)
    .executeTakeFirstOrThrow();
  const enabled = row?.enabled_at != null;
  return {
    enabled,
    pending: row !== undefined && !enabled,
    recoveryCodesLeft: enabled ? Number(left.n) : 0,
    lockedUntil: row?.locked_until && row.locked_until > hub.now() ? row.locked_until : null,
  };
}

export async function start(hub: Hub, c: Caller): Promise<RouteResponse<'secondFactorStart'>> {
  if (await enabledRow(hub.db, c.accountId)) {
    throw new ConflictError('the second factor is on already; turn it off first');
  }
  const account = await hub.db
    .selectFrom('accounts')
    .select('email')
    .where('id', '=', c.accountId)
    .executeTakeFirstOrThrow();
  const secret = newTotpSecret();
  const sealed = await sealTotpSecret(hub.totpKey, c.accountId, secret);
  const now = hub.now();
  await hub.db
    .insertInto('account_totp')
    .values({ account_id: c.accountId, sealed_secret: sealed, created_at: now, enabled_at: null })
    .onConflict((oc) =>
      oc
        .column('account_id')
        .doUpdateSet({ sealed_secret: sealed, created_at: now })
        .where('account_totp.enabled_at', 'is', null),
    )
    .execute();
  return { secret, uri: totpUri(secret, hub.config.secondFactor.issuer, account.email) };
}

export async function enable(
  hub: Hub,
  c: Caller,
  code: string,
  address: string,
): Promise<RouteResponse<'secondFactorEnable'>> {
  const row = await hub.db
    .selectFrom('account_totp')
    .selectAll()
    .where('account_id', '=', c.accountId)
    .executeTakeFirst();
  if (!row) throw new ConflictError('no enrolment started: start one first');
  if (row.enabled_at !== null) throw new ConflictError('the second factor is on already');
  if (isRecoveryCode(code)) throw new ValidationError('code', 'expected the 6-digit code');
  await useCode(hub, c.accountId, code, row.sealed_secret, address);
  return inTransaction(hub.db, async (tx) => {
    const on = await tx
      .updateTable('account_totp')
      .set({ enabled_at: hub.now() })
      .where('account_id', '=', c.accountId)
      .where('enabled_at', 'is', null)
      .where('sealed_secret', '=', row.sealed_secret)
      .executeTakeFirst();
    if (Number(on.numUpdatedRows) !== 1) {
      throw new ConflictError('the enrolment changed meanwhile; start again');
    }
    return { recoveryCodes: await replaceRecoveryCodes(hub, tx, c.accountId) };
  });
}

/**
 * Ten new recovery codes in place of those left, for an owner who used some up or fears they
 * were seen: a fresh code (or one of the old recovery codes) is needed, and the route proves the
 * password first, as to turn it on.
 */
export async function newRecoveryCodes(
  hub: Hub,
  c: Caller,
  code: string,
  address: string,
): Promise<RouteResponse<'secondFactorRecoveryCodes'>> {
  if (!(await enabledRow(hub.db, c.accountId))) {
    throw new ConflictError('the second factor is off; recovery codes come with turning it on');
  }
  await requireSecondFactor(hub, c.accountId, code, address);
  return inTransaction(hub.db, async (tx) => {
    // Locks the account's row (PostgreSQL): two replacements at once take turns, so one set
    // alone stays valid, never both; and none once it was turned off meanwhile.
    const on = await tx
      .updateTable('account_totp')
      .set({ enabled_at: sql`enabled_at` })
      .where('account_id', '=', c.accountId)
      .where('enabled_at', 'is not', null)
      .executeTakeFirst();
    if (Number(on.numUpdatedRows) !== 1) {
      throw new ConflictError('the second factor was turned off meanwhile; nothing was changed');
    }
    return { recoveryCodes: await replaceRecoveryCodes(hub, tx, c.accountId) };
  });
}

/** The account's recovery codes, all replaced by 10 new ones; only their hashes are kept. */
async function replaceRecoveryCodes(hub: Hub, tx: DbOrTx, accountId: string) {
  const recoveryCodes = Array.from({ length: 10 }, newTotpRecoveryCode);
  await tx.deleteFrom('totp_recovery_codes').where('account_id', '=', accountId).execute();
  for (const code of recoveryCodes) {
    await tx
      .insertInto('totp_recovery_codes')
      .values({
        account_id: accountId,
        code_hash: await totpRecoveryCodeHash(accountId, code),
        created_at: hub.now(),
      })
      .execute();
  }
  return recoveryCodes;
}

export async function disable(hub: Hub, c: Caller, code: string, address: string) {
  await requireSecondFactor(hub, c.accountId, code, address);
  await forgetSecondFactor(hub.db, c.accountId);
}

async function forgetSecondFactor(db: DbOrTx, accountId: string) {
  await db.deleteFrom('account_totp').where('account_id', '=', accountId).execute();
  await db.deleteFrom('totp_recovery_codes').where('account_id', '=', accountId).execute();
  await db.deleteFrom('totp_used_steps').where('account_id', '=', accountId).execute();
}

/**
 * The login's last step: a pending session sends its code and becomes a full one, under a new
 * token (the one that waited for the code is retired) and with its life from now on.
 */
export async function login(
  hub: Hub,
  c: Caller,
  code: string,
  address: string,
  account: (accountId: string) => Promise<AccountInfo>,
): Promise<SessionGrant> {
  if (!c.secondFactorPending) {
    throw new ConflictError('this session has passed its second factor already');
  }
  const row = await enabledRow(hub.db, c.accountId);
  if (!row) throw new AuthError('the account has no second factor any more; log in again');
  await useCode(hub, c.accountId, code, row.sealed_secret, address);
  const token = newSecretToken();
  const expiresAt = hub.now() + hub.config.sessionTtlHours * 3_600_000;
  const done = await hub.db
    .updateTable('sessions')
    .set({ second_factor_pending: 0, expires_at: expiresAt, token_hash: await hashText(token) })
    .where('id', '=', c.sessionId)
    .where('second_factor_pending', '=', 1)
    .executeTakeFirst();
  if (Number(done.numUpdatedRows) !== 1) {
    throw new AuthError('session expired or revoked; log in again');
  }
  return { token, sessionId: c.sessionId, expiresAt, account: await account(c.accountId) };
}
