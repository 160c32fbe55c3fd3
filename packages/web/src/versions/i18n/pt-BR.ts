// The versions panel's strings, in Brazilian Portuguese.
import { plurals } from '../../i18n/format.ts';
import type { VersionStrings } from './en.ts';

const plural = plurals('pt-BR');

export const ptBR: VersionStrings = {
  versionsOf: 'Versões de {name}',
  versionN: 'Versão {n}',
  currentVersion: 'Atual',
  restoreVersion: 'Restaurar',
  restoreVersionN: 'Restaurar a versão {n}',
  downloadVersionN: 'Baixar a versão {n}',
  versionRestored: 'A versão {n} voltou a ser a atual, como versão {m}.',
  versionCount: plural({ one: '{n} versão', other: '{n} versões' }),
  versionsHint:
    'Restaurar uma versão a torna a atual; a que ela substitui fica guardada como versão.',
};
