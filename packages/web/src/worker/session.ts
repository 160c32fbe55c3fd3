// The account this worker is logged in to, and how its answers cross to the page.
import type { CofferClient, QuotaFigures } from '@coffer/sdk';
import { personMessage } from '../errors/strings.ts';
import { pageLanguage } from './language.ts';

let client: CofferClient | null = null;

/** The logged-in client; throws when nobody is logged in. */
export function need(): CofferClient {
  if (!client) throw new Error('not logged in');
  return client;
}

export const current = (): CofferClient | null => client;

export function setClient(c: CofferClient | null) {
  client = c;
}

/**
 * Errors cross to the page as plain objects: a code for the UI, the message for a person in the
 * page's language, the SDK's own words as `detail` (for code that tells one failure of a code
 * from another) and a quota refusal's figures, for a message in the page's language.
 */
export async function call<T>(f: () => Promise<T>): Promise<
  | { ok: true; value: T }
  | {
      ok: false;
      code: string;
      message: string;
      detail: string;
      figures?: QuotaFigures;
      secondFactorRequired?: true;
    }
> {
  try {
    return { ok: true, value: await f() };
  } catch (e) {
    const err = e as {
      code?: string;
      message?: string;
      figures?: QuotaFigures;
      reason?: string;
    };
    const code = err.code ?? 'internal';
    const detail = err.message ?? String(e);
    return {
      ok: false,
      code,
      message: personMessage(code, detail, pageLanguage()),
      detail,
      ...(err.figures ? { figures: { used: err.figures.used, quota: err.figures.quota } } : {}),
      // A code from the authenticator app is due: the page asks for one and tries again.
      ...(err.reason === 'second_factor_required' ? { secondFactorRequired: true as const } : {}),
    };
  }
}
