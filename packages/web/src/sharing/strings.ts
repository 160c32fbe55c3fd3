// The share dialog's and the shared folder view's own strings in every language, for
// useT(sharingStrings).
import type { Translations } from '../i18n/use-t.ts';
import { en, type SharingStrings } from './i18n/en.ts';
import { es } from './i18n/es.ts';
import { fr } from './i18n/fr.ts';
import { ptBR } from './i18n/pt-BR.ts';

export const sharingStrings: Translations<SharingStrings> = { en, fr, es, 'pt-BR': ptBR };
