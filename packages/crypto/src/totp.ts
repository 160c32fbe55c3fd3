import { AuthError, ValidationError } from '@coffer/errors';
import { base32, base32crockford } from '@scure/base';
import { Secret, TOTP } from 'otpauth';
import { platform } from '#platform';
import { fromBase64Url, toBase64Url, utf8 } from './bytes.ts';
import { openEnvelope, sealEnvelope } from './envelope.ts';
import { sha256Hex } from './hashing.ts';

// [Note: Second factor]
// TOTP after RFC 6238 with the parameters every authenticator app reads from an otpauth://
// URI: HMAC-SHA-1, 6 digits, 30-second steps. The secret is 20 random bytes (160 bits, RFC
// 4226's recommended length) in base32. The hub keeps it sealed under a hub key in an envelope
// bound to the account (format 'O', purpose "totp-secret"), so a copy of the accounts' rows
// without that key does not give the secrets away. Codes are checked one step early or late
// (clock drift); the matched step is returned so the hub can refuse a code used once already.
// Recovery codes are 80 random bits in Crockford base32; the hub keeps only a SHA-256 of
// each, bound to the account: 80 bits keep that hash out of reach of an offline guess.

const PERIOD = 30;
const DIGITS = 6;
const ALGORITHM = 'SHA1';
/** 160 bits: RFC 4226's recommended secret length, and what authenticator apps expect. */
export const TOTP_SECRET_BYTES = 20;
const RECOVERY_CODE_BYTES = 10;

const totpOf = (secret: string, issuer = 'Coffer', label = 'account') => {
  let parsed: Secret;
  try {
    parsed = Secret.fromBase32(secret);
  } catch {
    throw new ValidationError('secret', 'not a base32 TOTP secret');
  }
  return new TOTP({
    issuer,
    label,
    algorithm: ALGORITHM,
    digits: DIGITS,
    period: PERIOD,
    secret: parsed,
  });
};

/** A fresh TOTP secret: 160 random bits, base32 without padding (what otpauth:// URIs carry). */
export function newTotpSecret(): string {
  return base32.encode(platform.randomBytes(TOTP_SECRET_BYTES)).replace(/=+$/, '');
}

/** The otpauth:// URI an authenticator app scans: SHA-1, 6 digits, 30 s. */
export function totpUri(secret: string, issuer: string, label: string): string {
  return totpOf(secret, issuer, label).toString();
}

/** The 30-second step a moment falls in. */
export const totpStep = (timeMs: number): number => Math.floor(timeMs / 1000 / PERIOD);

/** The code of the step `timeMs` falls in (for tests and tools; authenticator apps make their own). */
export function totpCode(secret: string, timeMs: number): string {
  return totpOf(secret).generate({ timestamp: timeMs });
}

/**
 * The step a code belongs to, when it is the code of the current step or of the one before
 * or after; null otherwise. The comparison is constant-time (otpauth's own).
 */
export function totpMatch(secret: string, code: string, timeMs: number): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totpOf(secret).validate({ token: code, timestamp: timeMs, window: 1 });
  return delta === null ? null : totpStep(timeMs) + delta;
}

/** A single-use recovery code: 80 random bits in Crockford base32, as `xxxx-xxxx-xxxx-xxxx`. */
export function newTotpRecoveryCode(): string {
  const text = base32crockford.encode(platform.randomBytes(RECOVERY_CODE_BYTES)).toLowerCase();
  return text.match(/.{4}/g)?.join('-') ?? text;
}

/** A recovery code as typed, normalised: lower case, without spaces or dashes. */
export const normalTotpRecoveryCode = (code: string): string =>
  code.toLowerCase().replace(/[\s-]/g, '');

/** What the hub stores of a recovery code: SHA-256 of it (normalised) bound to the account. */
export const totpRecoveryCodeHash = (accountId: string, code: string): Promise<string> =>
  sha256Hex(utf8.encode(`coffer/v1/totp-recovery\0${accountId}\0${normalTotpRecoveryCode(code)}`));

const secretSpec = (accountId: string) => ({
  format: 'totpSecret' as const,
  purpose: 'totp-secret',
  context: [accountId],
});

/** A TOTP secret sealed under the hub's key for one account, base64url. */
export async function sealTotpSecret(
  hubKey: Uint8Array,
  accountId: string,
  secret: string,
): Promise<string> {
  return toBase64Url(await sealEnvelope(secretSpec(accountId), hubKey, utf8.encode(secret)));
}

/** The TOTP secret back; AuthError when it was not sealed for this account under this key. */
export async function openTotpSecret(
  hubKey: Uint8Array,
  accountId: string,
  sealed: string,
): Promise<string> {
  try {
    const bytes = await openEnvelope(
      secretSpec(accountId),
      hubKey,
      fromBase64Url(sealed, 'sealed'),
    );
    return utf8.decode(bytes);
  } catch {
    throw new AuthError('second factor: the stored secret does not open under this hub key');
  }
}
