// The trash page's strings, in French.
import { plurals } from '../../i18n/format.ts';
import type { TrashStrings } from './en.ts';

const plural = plurals('fr');

export const fr: TrashStrings = {
  trashHolds: plural({
    one: '{n} élément, qui occupe {size}',
    other: '{n} éléments, qui occupent {size}',
  }),
  trashedOn: 'Mis à la corbeille',
  deleteForever: 'Supprimer définitivement',
  deleteForeverTitle: 'Supprimer « {name} » définitivement ?',
  deleteForeverText:
    'Il sera supprimé pour de bon avec ses versions et tout ce qu’il contient, ce qui libère {size}. C’est irréversible.',
  emptyTrash: 'Vider la corbeille',
  emptyTrashTitle: 'Vider la corbeille ?',
  emptyTrashText: plural({
    one: '{n} élément sera supprimé pour de bon avec ses versions, ce qui libère {size}. C’est irréversible.',
    other:
      '{n} éléments seront supprimés pour de bon avec leurs versions, ce qui libère {size}. C’est irréversible.',
  }),
  trashEmptied: plural({
    one: 'La corbeille est vide : {n} élément supprimé définitivement.',
    other: 'La corbeille est vide : {n} éléments supprimés définitivement.',
  }),
  deletedForever: '« {name} » a été supprimé définitivement.',
  trashSizeHint:
    'Les tailles comprennent toutes les versions de chaque élément et tout ce qu’il contient.',
};
