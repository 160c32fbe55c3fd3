// The file view's own strings (menus, folder addresses, search), in English: the reference the
// other languages are typed against.
import { plurals } from '../../i18n/format.ts';

const plural = plurals('en');

export const en = {
  itemActions: 'Actions for {name}',
  selectionActions: 'Actions for the selection',
  open: 'Open',
  newMenu: 'New',
  newMenuText: '+ New',
  dropToUpload: 'Drop files here to upload them to {folder}',
  folderMissing: 'The folder {path} does not exist any more. Showing the nearest folder above it.',
  searchAll: 'Search all files',
  searchWhere: 'in {folder}',
  searchNone: 'Nothing matches “{query}”.',
  searching: 'Searching…',
  previousFile: 'Previous file',
  nextFile: 'Next file',
  positionOf: '{n} of {of}',
  zoomIn: 'Zoom in',
  zoomOut: 'Zoom out',
  resultCount: plural({ one: '{n} result', other: '{n} results' }),
};
export type FileStrings = typeof en;
