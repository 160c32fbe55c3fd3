import { plurals } from '../../i18n/format.ts';
import type { FileStrings } from './en.ts';

const plural = plurals('es');

export const es: FileStrings = {
  itemActions: 'Acciones para {name}',
  selectionActions: 'Acciones para la selección',
  open: 'Abrir',
  newMenu: 'Nuevo',
  newMenuText: '+ Nuevo',
  dropToUpload: 'Suelte archivos aquí para subirlos a {folder}',
  folderMissing: 'La carpeta {path} ya no existe. Se muestra la carpeta más cercana por encima.',
  searchAll: 'Buscar en todos los archivos',
  searchWhere: 'en {folder}',
  searchNone: 'Nada coincide con «{query}».',
  searching: 'Buscando…',
  previousFile: 'Archivo anterior',
  nextFile: 'Archivo siguiente',
  positionOf: '{n} de {of}',
  zoomIn: 'Ampliar',
  zoomOut: 'Reducir',
  resultCount: plural({ one: '{n} resultado', other: '{n} resultados' }),
};
