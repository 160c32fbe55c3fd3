// The trash page's strings, in English: the reference the other languages follow.
import { type Counted, plurals } from '../../i18n/format.ts';

const plural = plurals('en');

export type TrashStrings = {
  /** {size}: the bytes the trash holds, versions included. */
  trashHolds: Counted;
  trashedOn: string;
  deleteForever: string;
  /** {name}: the item's name. */
  deleteForeverTitle: string;
  /** {size}: what it holds. */
  deleteForeverText: string;
  emptyTrash: string;
  emptyTrashTitle: string;
  /** {n} items, {size} freed. */
  emptyTrashText: Counted;
  trashEmptied: Counted;
  /** {name}: the item deleted. */
  deletedForever: string;
  trashSizeHint: string;
};

export const en: TrashStrings = {
  trashHolds: plural({
    one: '{n} item, holding {size}',
    other: '{n} items, holding {size}',
  }),
  trashedOn: 'Trashed',
  deleteForever: 'Delete forever',
  deleteForeverTitle: 'Delete “{name}” forever?',
  deleteForeverText:
    'It will be deleted for good with its versions and everything in it, freeing {size}. This cannot be undone.',
  emptyTrash: 'Empty trash',
  emptyTrashTitle: 'Empty the trash?',
  emptyTrashText: plural({
    one: '{n} item will be deleted for good with its versions, freeing {size}. This cannot be undone.',
    other:
      '{n} items will be deleted for good with their versions, freeing {size}. This cannot be undone.',
  }),
  trashEmptied: plural({
    one: 'The trash is empty: {n} item deleted for good.',
    other: 'The trash is empty: {n} items deleted for good.',
  }),
  deletedForever: '“{name}” was deleted for good.',
  trashSizeHint: 'Sizes include every version of each item and everything in it.',
};
