// The versions panel's strings, in Spanish.
import { plurals } from '../../i18n/format.ts';
import type { VersionStrings } from './en.ts';

const plural = plurals('es');

export const es: VersionStrings = {
  versionsOf: 'Versiones de {name}',
  versionN: 'Versión {n}',
  currentVersion: 'Actual',
  restoreVersion: 'Restaurar',
  restoreVersionN: 'Restaurar la versión {n}',
  downloadVersionN: 'Descargar la versión {n}',
  versionRestored: 'La versión {n} vuelve a ser la actual, como versión {m}.',
  versionCount: plural({ one: '{n} versión', other: '{n} versiones' }),
  versionsHint:
    'Restaurar una versión la convierte en la actual; la que reemplaza se guarda como versión.',
};
