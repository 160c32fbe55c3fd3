// The versions panel's strings, in French.
import { plurals } from '../../i18n/format.ts';
import type { VersionStrings } from './en.ts';

const plural = plurals('fr');

export const fr: VersionStrings = {
  versionsOf: 'Versions de {name}',
  versionN: 'Version {n}',
  currentVersion: 'Actuelle',
  restoreVersion: 'Restaurer',
  restoreVersionN: 'Restaurer la version {n}',
  downloadVersionN: 'Télécharger la version {n}',
  versionRestored: 'La version {n} est de nouveau l’actuelle, en tant que version {m}.',
  versionCount: plural({ one: '{n} version', other: '{n} versions' }),
  versionsHint:
    'Restaurer une version en fait la version actuelle ; celle qu’elle remplace est gardée comme version.',
};
