// Connected apps' own strings in every language, for useT(appStrings).
import type { Translations } from '../i18n/use-t.ts';
import { type AppStrings, en } from './i18n/en.ts';
import { es } from './i18n/es.ts';
import { fr } from './i18n/fr.ts';
import { ptBR } from './i18n/pt-BR.ts';

export const appStrings: Translations<AppStrings> = { en, fr, es, 'pt-BR': ptBR };
