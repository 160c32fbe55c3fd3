// The trash page's own strings in every language, for useT(trashStrings).
import type { Translations } from '../i18n/use-t.ts';
import { en, type TrashStrings } from './i18n/en.ts';
import { es } from './i18n/es.ts';
import { fr } from './i18n/fr.ts';
import { ptBR } from './i18n/pt-BR.ts';

export const trashStrings: Translations<TrashStrings> = { en, fr, es, 'pt-BR': ptBR };
