// Links' and file requests' own strings in every language, for useT(linkStrings).
import type { Translations } from '../i18n/use-t.ts';
import { en, type LinkStrings } from './i18n/en.ts';
import { es } from './i18n/es.ts';
import { fr } from './i18n/fr.ts';
import { ptBR } from './i18n/pt-BR.ts';

export const linkStrings: Translations<LinkStrings> = { en, fr, es, 'pt-BR': ptBR };
