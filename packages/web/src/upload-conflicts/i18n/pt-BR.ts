// The upload conflict dialog's strings, in Brazilian Portuguese.
import { plurals } from '../../i18n/format.ts';
import type { ConflictStrings } from './en.ts';

const plural = plurals('pt-BR');

export const ptBR: ConflictStrings = {
  fileExists: 'Já existe aqui um arquivo chamado “{name}”',
  folderExists: 'Já existe aqui uma pasta chamada “{name}”',
  conflictQuestion: 'O que fazer com o arquivo que você está enviando?',
  replaceKeepVersion: 'Substituir (o antigo fica como versão)',
  keepBoth: 'Manter os dois',
  keepBothAs: 'O novo é enviado como “{name}”.',
  applyToAll: 'Aplicar a todos',
  moreConflicts: plural({
    one: 'Mais {n} arquivo deste envio tem um nome que já existe aqui.',
    other: 'Mais {n} arquivos deste envio têm um nome que já existe aqui.',
  }),
  skipFile: 'Pular este arquivo',
};
