// The page's strings in its language, for any component: useT().
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

export function useT(): Strings {
  return common[useContext(LanguageContext)];
}
