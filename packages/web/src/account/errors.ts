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
