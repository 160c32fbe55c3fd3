// The worker's errors in every language, and which one a failure gets: the worker says them in
// the page's language (worker/session.ts), keeping the code the page branches on.
import { fill } from '../i18n/format.ts';
import type { Language } from '../i18n/language.ts';
import type { Translations } from '../i18n/use-t.ts';
import { type ErrorStrings, en } from './i18n/en.ts';
import { es } from './i18n/es.ts';
import { fr } from './i18n/fr.ts';
import { ptBR } from './i18n/pt-BR.ts';

export const errorStrings: Translations<ErrorStrings> = { en, fr, es, 'pt-BR': ptBR };

/** The SDK's messages worth more than their code's word, by the code they come with. */
const SPECIFIC: { code: string; match: RegExp; key: keyof ErrorStrings }[] = [
  { code: 'auth', match: /^currentPassword:/, key: 'wrongCurrentPassword' },
  { code: 'auth', match: /recovery key/, key: 'wrongRecoveryKey' },
  { code: 'auth', match: /^login failed/, key: 'loginFailed' },
  { code: 'not_found', match: /no account uses (\S+)/, key: 'noAccount' },
  {
    code: 'not_found',
    match: /^path: (\/.*) (?:does not exist|is not in this link)$/,
    key: 'pathMissing',
  },
  { code: 'not_found', match: /^to: no folder (.+)$/, key: 'pathMissing' },
  { code: 'not_found', match: /^email: (\S+) is not one of your contacts/, key: 'notContact' },
  { code: 'not_found', match: /^link: what it points to/, key: 'linkGone' },
  { code: 'forbidden', match: /^link: revoked/, key: 'linkRevoked' },
  { code: 'forbidden', match: /^link: its download limit/, key: 'linkLimitReached' },
  { code: 'forbidden', match: /^link: its free previews/, key: 'linkPreviewsUsedUp' },
  { code: 'forbidden', match: /^request: closed/, key: 'requestClosed' },
  { code: 'forbidden', match: /^request: it has received all/, key: 'requestFull' },
  { code: 'forbidden', match: /^request: its folder was deleted/, key: 'requestFolderGone' },
];

const GENERIC: Record<string, keyof ErrorStrings> = {
  auth: 'auth',
  forbidden: 'forbidden',
  not_found: 'notFound',
  rate_limited: 'rateLimited',
  integrity: 'integrity',
  decryption: 'decryption',
  connection: 'connection',
  expired: 'expired',
  internal: 'internal',
};

/**
 * A failure's message for a person in `language`. Validation, conflict and quota messages name
 * the field or the figures and stay as the SDK says them; the others are said by code.
 */
export function personMessage(code: string, message: string, language: Language): string {
  const t = errorStrings[language];
  for (const s of SPECIFIC) {
    const m = s.code === code ? s.match.exec(message) : null;
    if (m) return fill(t[s.key], { email: m[1] ?? '', path: m[1] ?? '' });
  }
  const key = GENERIC[code];
  return key ? t[key] : message;
}
