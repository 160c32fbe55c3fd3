// The file view's own strings in every language, for useT(fileStrings).
import type { Translations } from '../i18n/use-t.ts';
import { en, type FileStrings } from './i18n/en.ts';
import { es } from './i18n/es.ts';
import { fr } from './i18n/fr.ts';
import { ptBR } from './i18n/pt-BR.ts';

export const fileStrings: Translations<FileStrings> = { en, fr, es, 'pt-BR': ptBR };
