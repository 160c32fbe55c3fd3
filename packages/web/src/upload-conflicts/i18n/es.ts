// The upload conflict dialog's strings, in Spanish.
import { plurals } from '../../i18n/format.ts';
import type { ConflictStrings } from './en.ts';

const plural = plurals('es');

export const es: ConflictStrings = {
  fileExists: 'Ya hay aquí un archivo llamado «{name}»',
  folderExists: 'Ya hay aquí una carpeta llamada «{name}»',
  conflictQuestion: '¿Qué hacer con el archivo que estás subiendo?',
  replaceKeepVersion: 'Reemplazar (el anterior se guarda como versión)',
  keepBoth: 'Conservar ambos',
  keepBothAs: 'El nuevo se sube como «{name}».',
  applyToAll: 'Aplicar a todos',
  moreConflicts: plural({
    one: '{n} archivo más de esta subida tiene un nombre que ya está aquí.',
    other: '{n} archivos más de esta subida tienen un nombre que ya está aquí.',
  }),
  skipFile: 'Omitir este archivo',
};
