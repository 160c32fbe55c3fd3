// The page's strings in its language, for any component: useT() for the strings the app shares,
// useT(areaStrings) for those and an area's own (see i18n/en.ts).
import { createContext, useContext } from 'react';
import { en, type Strings } from './en.ts';
import { es } from './es.ts';
import { fr } from './fr.ts';
import type { Language } from './language.ts';
import { ptBR } from './pt-BR.ts';

/** A set of strings in every language: a language left out is a type error. */
export type Translations<S> = { readonly [L in Language]: S };

const common: Translations<Strings> = { en, fr, es, 'pt-BR': ptBR };

/** The page's language; main.tsx provides it. */
export const LanguageContext = createContext<Language>('en');

/** An area's keys must not repeat a shared one: which of the two it meant would be unclear. */
type OwnKeysOnly<A> = [Extract<keyof A, keyof Strings>] extends [never] ? A : never;

const merged = new WeakMap<object, object>();

export function useT(): Strings;
export function useT<A extends object>(
  area: Translations<A> & Translations<OwnKeysOnly<A>>,
): Strings & A;
export function useT<A extends object>(area?: Translations<A>): Strings | (Strings & A) {
  const language = useContext(LanguageContext);
  const shared = common[language];
  if (!area) return shared;
  // One merged object per area and language, so `t` stays the same object from render to render.
  const own = area[language];
  let both = merged.get(own) as (Strings & A) | undefined;
  if (!both) {
    both = { ...shared, ...own };
    merged.set(own, both);
  }
  return both;
}
