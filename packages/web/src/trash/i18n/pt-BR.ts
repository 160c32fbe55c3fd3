// The trash page's strings, in Brazilian Portuguese.
import { plurals } from '../../i18n/format.ts';
import type { TrashStrings } from './en.ts';

const plural = plurals('pt-BR');

export const ptBR: TrashStrings = {
  trashHolds: plural({
    one: '{n} item, ocupando {size}',
    other: '{n} itens, ocupando {size}',
  }),
  trashedOn: 'Na lixeira desde',
  deleteForever: 'Excluir para sempre',
  deleteForeverTitle: 'Excluir “{name}” para sempre?',
  deleteForeverText:
    'Ele será excluído de vez com suas versões e tudo o que contém, liberando {size}. Isso não pode ser desfeito.',
  emptyTrash: 'Esvaziar a lixeira',
  emptyTrashTitle: 'Esvaziar a lixeira?',
  emptyTrashText: plural({
    one: '{n} item será excluído de vez com suas versões, liberando {size}. Isso não pode ser desfeito.',
    other:
      '{n} itens serão excluídos de vez com suas versões, liberando {size}. Isso não pode ser desfeito.',
  }),
  trashEmptied: plural({
    one: 'A lixeira está vazia: {n} item excluído para sempre.',
    other: 'A lixeira está vazia: {n} itens excluídos para sempre.',
  }),
  deletedForever: '“{name}” foi excluído para sempre.',
  trashSizeHint: 'Os tamanhos incluem todas as versões de cada item e tudo o que ele contém.',
};
