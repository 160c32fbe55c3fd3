// The account screens' own strings in every language, for useT(accountStrings).
import type { Strings } from '../i18n/en.ts';
import type { Translations } from '../i18n/use-t.ts';
import { type AccountStrings, en } from './i18n/en.ts';
import { es } from './i18n/es.ts';
import { fr } from './i18n/fr.ts';
import { ptBR } from './i18n/pt-BR.ts';

export const accountStrings: Translations<AccountStrings> = { en, fr, es, 'pt-BR': ptBR };

/** What useT(accountStrings) gives: the shared strings and the account screens'. */
export type AccountT = Strings & AccountStrings;
