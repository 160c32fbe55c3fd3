import { fill } from '../i18n/format.ts';
import type { AccountT } from './strings.ts';

/** A worker's failure on an account screen, said for a person in the page's language. */
export function accountError(
  t: AccountT,
  r: { code: string; message: string; detail: string },
): string {
  if (r.code === 'rate_limited') return t.tooManyAttempts;
  if (r.detail.startsWith('currentPassword')) return t.wrongCurrentPassword;
  if (r.detail.startsWith('recoveryKey')) return t.badRecoveryKey;
  if (r.code === 'auth' && /recovery/.test(r.detail)) return t.wrongRecoveryKey;
  if (r.code === 'auth') return t.loginFailed;
  return fill(t.somethingWrong, { detail: r.message });
}

/**
 * A failure about the second factor, said for a person: a code is due, wrong or used, the
 * backoff, or the lockout with its end (in the page's language through `time`).
 */
export function codeError(
  t: AccountT,
  r: { code: string; message: string; detail: string; secondFactorRequired?: true },
  time: (at: number) => string,
): string {
  if (r.secondFactorRequired) return t.codeNeeded;
  if (r.code === 'rate_limited') {
    const until = /locked .* until (\S+?);/.exec(r.detail)?.[1];
    if (until) return fill(t.codeLocked, { time: time(Date.parse(until)) });
    if (/^code:/.test(r.detail)) return t.codeWait;
  }
  if (r.code === 'auth' && /^code:/.test(r.detail)) return t.wrongCode;
  if (r.code === 'validation' && /^code/.test(r.detail)) return t.wrongCode;
  return accountError(t, r);
}
