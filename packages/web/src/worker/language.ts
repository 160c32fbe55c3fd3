// The page's language as the worker knows it, for the errors it says (errors/strings.ts).
import type { Language } from '../i18n/language.ts';

let language: Language = 'en';

export const pageLanguage = (): Language => language;

export const languageApi = {
  async setLanguage(lang: Language) {
    language = lang;
  },
};
