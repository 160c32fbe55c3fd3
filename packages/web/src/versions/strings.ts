// The versions panel's own strings in every language, for useT(versionStrings).
import type { Translations } from '../i18n/use-t.ts';
import { en, type VersionStrings } from './i18n/en.ts';
import { es } from './i18n/es.ts';
import { fr } from './i18n/fr.ts';
import { ptBR } from './i18n/pt-BR.ts';

export const versionStrings: Translations<VersionStrings> = { en, fr, es, 'pt-BR': ptBR };
