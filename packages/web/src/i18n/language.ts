// The languages the app speaks, and which one a visit starts in.

/** Each language with its name in itself, in the order the language menu lists them. */
export const LANGUAGES = {
  en: 'English',
  fr: 'Français',
  es: 'Español',
  'pt-BR': 'Português (Brasil)',
} as const;
export type Language = keyof typeof LANGUAGES;

const SAVED = 'coffer.lang';

/** The language chosen last in this browser, else the browser's own, else English. */
export function initialLanguage(): Language {
  const saved = localStorage.getItem(SAVED);
  if (saved && saved in LANGUAGES) return saved as Language;
  const nav = navigator.language.toLowerCase();
  if (nav.startsWith('fr')) return 'fr';
  if (nav.startsWith('es')) return 'es';
  if (nav.startsWith('pt')) return 'pt-BR';
  return 'en';
}

export function saveLanguage(lang: Language) {
  localStorage.setItem(SAVED, lang);
}
