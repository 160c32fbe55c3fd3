// The upload conflict dialog's own strings in every language, for useT(conflictStrings).
import type { Translations } from '../i18n/use-t.ts';
import { type ConflictStrings, en } from './i18n/en.ts';
import { es } from './i18n/es.ts';
import { fr } from './i18n/fr.ts';
import { ptBR } from './i18n/pt-BR.ts';

export const conflictStrings: Translations<ConflictStrings> = { en, fr, es, 'pt-BR': ptBR };
