// The wording area's strings in every language, for useT(wordingStrings), and a session's name
// said in the page's language.
import { fill } from '../i18n/format.ts';
import type { Translations } from '../i18n/use-t.ts';
import { en, type WordingStrings } from './i18n/en.ts';
import { es } from './i18n/es.ts';
import { fr } from './i18n/fr.ts';
import { ptBR } from './i18n/pt-BR.ts';

export const wordingStrings: Translations<WordingStrings> = { en, fr, es, 'pt-BR': ptBR };

/**
 * The hub keeps a session's name as its client gave it: "web browser" for the web app, "coffer
 * cli on HOST" for the CLI's default. Those two are said in the page's language; a name the
 * user chose (coffer login --device) is theirs and shown as it is.
 */
export function deviceLabel(name: string, t: WordingStrings): string {
  if (name === 'web browser') return t.deviceWebBrowser;
  if (name === 'coffer cli') return t.deviceCli;
  const host = /^coffer cli on (.+)$/.exec(name)?.[1];
  return host ? fill(t.deviceCliOn, { host }) : name;
}
