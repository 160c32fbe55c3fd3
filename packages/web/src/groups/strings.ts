// The Groups and Catalog pages' own strings in every language, for useT(groupStrings).
import type { Strings } from '../i18n/en.ts';
import type { Translations } from '../i18n/use-t.ts';
import { en, type GroupStrings } from './i18n/en.ts';
import { es } from './i18n/es.ts';
import { fr } from './i18n/fr.ts';
import { ptBR } from './i18n/pt-BR.ts';

export const groupStrings: Translations<GroupStrings> = { en, fr, es, 'pt-BR': ptBR };

/** What useT(groupStrings) gives: the shared strings and the pages'. */
export type GroupT = Strings & GroupStrings;
