import { SecondFactorRequiredError, ValidationError } from '@coffer/errors';
import { hiddenPrompt } from './ask.ts';

/** `--code`: what proves the account's second factor, for the commands that need it. */
export const codeFlag = {
  type: 'string',
  value: 'CODE',
  help: 'a code from your authenticator app or a recovery code, when the account has a second factor (else $COFFER_TOTP, else a prompt)',
} as const;

/** --code, then $COFFER_TOTP, then a prompt on the terminal. */
export async function secondFactorCode(flags: { code?: string | undefined }): Promise<string> {
  const given = flags.code ?? process.env.COFFER_TOTP;
  if (given) return given.trim();
  if (!process.stdin.isTTY) {
    throw new ValidationError(
      'code',
      'this account has a second factor: pass --code or set COFFER_TOTP when not on a terminal',
    );
  }
  // Hidden: a recovery code is a secret until used.
  const code = (
    await hiddenPrompt('Code from your authenticator app (or a recovery code): ')
  ).trim();
  if (!code) throw new ValidationError('code', 'expected a code');
  return code;
}

/**
 * Runs `f` with the code given by --code or $COFFER_TOTP; with none given, first without a
 * code, and once more with one asked for when the hub says the account needs it.
 */
export async function withSecondFactor<T>(
  flags: { code?: string | undefined },
  f: (code: string | undefined) => Promise<T>,
): Promise<T> {
  const given = flags.code ?? process.env.COFFER_TOTP;
  if (given) return f(given.trim());
  try {
    return await f(undefined);
  } catch (e) {
    if (!(e instanceof SecondFactorRequiredError)) throw e;
    return f(await secondFactorCode(flags));
  }
}
