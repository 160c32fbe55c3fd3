// The operator's dashboard's own strings in every language, for useT(operatorStrings). They load
// with the dashboard, not with the app.
import type { Strings } from '../i18n/en.ts';
import type { Translations } from '../i18n/use-t.ts';
import { en, type OperatorStrings } from './i18n/en.ts';
import { es } from './i18n/es.ts';
import { fr } from './i18n/fr.ts';
import { ptBR } from './i18n/pt-BR.ts';

export const operatorStrings: Translations<OperatorStrings> = { en, fr, es, 'pt-BR': ptBR };

/** What useT(operatorStrings) gives: the shared strings and the dashboard's. */
export type OperatorT = Strings & OperatorStrings;
