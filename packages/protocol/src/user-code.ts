import { ValidationError } from '@coffer/errors';

// [Note: User codes]
// The code an app shows and the user types where they are logged in (RFC 8628 §6.1): eight
// characters from twenty consonants, shown as XXXX-XXXX. No vowels, so no words; no digits,
// so no 0/O or 1/I mix-ups. 20^8 ≈ 2.6·10^10 codes against the hub's limit on look-ups
// (services/apps.ts) and a request that lives ten minutes. Typing is forgiving: case, spaces
// and dashes do not matter.

export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
export const USER_CODE_LENGTH = 8;

/** A fresh code from `random` bytes (rejection sampling keeps every letter equally likely). */
export function newUserCode(random: (n: number) => Uint8Array): string {
  const n = USER_CODE_ALPHABET.length;
  const limit = 256 - (256 % n);
  let code = '';
  while (code.length < USER_CODE_LENGTH) {
    for (const b of random(16)) {
      if (b < limit && code.length < USER_CODE_LENGTH) code += USER_CODE_ALPHABET[b % n];
    }
  }
  return code;
}

/** The code as stored: upper case, without separators; ValidationError naming `field` otherwise. */
export function normalizeUserCode(typed: string, field = 'userCode'): string {
  const code = typed.toUpperCase().replace(/[\s-]/g, '');
  const alphabet = new Set(USER_CODE_ALPHABET);
  if (code.length !== USER_CODE_LENGTH || ![...code].every((c) => alphabet.has(c))) {
    throw new ValidationError(
      field,
      `expected ${USER_CODE_LENGTH} letters such as BCDF-GHJK (consonants only)`,
    );
  }
  return code;
}

/** The code as shown: XXXX-XXXX. */
export const formatUserCode = (code: string): string => `${code.slice(0, 4)}-${code.slice(4)}`;
