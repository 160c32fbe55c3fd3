import type { Strings } from '../i18n/en.ts';
import { fill } from '../i18n/format.ts';
import type { Language } from '../i18n/language.ts';

/**
 * “A”, “B” and “C” keep working: said after a rotation of a folder's keys (a writing app
 * revoked, a share member removed) of the apps there that the account's client gave the new
 * keys ([Note: Resealing after a rotation] in the SDK); empty when there were none.
 */
export function appsKeptWorking(
  t: Pick<Strings, 'quotedAppName' | 'appsKeptWorking'>,
  language: Language,
  names: readonly string[],
): string {
  if (names.length === 0) return '';
  const quoted = [...names]
    .sort(new Intl.Collator(language).compare)
    .map((name) => fill(t.quotedAppName, { name }));
  const list = new Intl.ListFormat(language, { type: 'conjunction' }).format(quoted);
  return t.appsKeptWorking(names.length, { names: list });
}
