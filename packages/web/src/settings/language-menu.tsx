// The language chosen for the page, and the menu that chooses it: in the header and on the
// Settings page, both the same state.
import { initialLanguage, LANGUAGES, type Language, saveLanguage } from '../i18n/language.ts';
import { useT } from '../i18n/use-t.ts';
import { choice } from './choice.ts';

const language = choice<Language>(initialLanguage(), saveLanguage);

/** The page's language; main.tsx provides it to every component through LanguageContext. */
export const useLanguage = language.use;

/** `labelledBy`: the id of what names it on the page; else it is named "Language". */
export function LanguageMenu({ labelledBy }: { labelledBy?: string }) {
  const t = useT();
  const value = language.use();
  return (
    <select
      aria-labelledby={labelledBy}
      aria-label={labelledBy ? undefined : t.language}
      value={value}
      onChange={(e) => language.set(e.target.value as Language)}
    >
      {Object.entries(LANGUAGES).map(([lang, name]) => (
        <option key={lang} value={lang}>
          {name}
        </option>
      ))}
    </select>
  );
}
