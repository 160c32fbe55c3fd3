// The upload conflict dialog's strings, in French.
import { plurals } from '../../i18n/format.ts';
import type { ConflictStrings } from './en.ts';

const plural = plurals('fr');

export const fr: ConflictStrings = {
  fileExists: 'Un fichier nommé « {name} » est déjà ici',
  folderExists: 'Un dossier nommé « {name} » est déjà ici',
  conflictQuestion: 'Que faire du fichier que vous envoyez ?',
  replaceKeepVersion: 'Remplacer (l’ancien est gardé comme version)',
  keepBoth: 'Garder les deux',
  keepBothAs: 'Le nouveau est envoyé sous le nom « {name} ».',
  applyToAll: 'Appliquer à tous',
  moreConflicts: plural({
    one: 'Encore {n} fichier de cet envoi porte un nom déjà présent ici.',
    other: 'Encore {n} fichiers de cet envoi portent un nom déjà présent ici.',
  }),
  skipFile: 'Ignorer ce fichier',
};
