// The trash page's strings, in Spanish.
import { plurals } from '../../i18n/format.ts';
import type { TrashStrings } from './en.ts';

const plural = plurals('es');

export const es: TrashStrings = {
  trashHolds: plural({
    one: '{n} elemento, que ocupa {size}',
    other: '{n} elementos, que ocupan {size}',
  }),
  trashedOn: 'En la papelera desde',
  deleteForever: 'Eliminar para siempre',
  deleteForeverTitle: '¿Eliminar «{name}» para siempre?',
  deleteForeverText:
    'Se eliminará definitivamente con sus versiones y todo lo que contiene, liberando {size}. No se puede deshacer.',
  emptyTrash: 'Vaciar la papelera',
  emptyTrashTitle: '¿Vaciar la papelera?',
  emptyTrashText: plural({
    one: '{n} elemento se eliminará definitivamente con sus versiones, liberando {size}. No se puede deshacer.',
    other:
      '{n} elementos se eliminarán definitivamente con sus versiones, liberando {size}. No se puede deshacer.',
  }),
  trashEmptied: plural({
    one: 'La papelera está vacía: {n} elemento eliminado para siempre.',
    other: 'La papelera está vacía: {n} elementos eliminados para siempre.',
  }),
  deletedForever: '«{name}» se eliminó para siempre.',
  trashSizeHint:
    'Los tamaños incluyen todas las versiones de cada elemento y todo lo que contiene.',
};
