import { plurals } from '../../i18n/format.ts';
import type { FileStrings } from './en.ts';

const plural = plurals('fr');

export const fr: FileStrings = {
  itemActions: 'Actions pour {name}',
  selectionActions: 'Actions pour la sélection',
  open: 'Ouvrir',
  newMenu: 'Nouveau',
  newMenuText: '+ Nouveau',
  dropToUpload: 'Déposez des fichiers ici pour les envoyer dans {folder}',
  folderMissing: 'Le dossier {path} n’existe plus. Voici le dossier le plus proche au-dessus.',
  searchAll: 'Rechercher dans tous les fichiers',
  searchWhere: 'dans {folder}',
  searchNone: 'Rien ne correspond à « {query} ».',
  searching: 'Recherche…',
  previousFile: 'Fichier précédent',
  nextFile: 'Fichier suivant',
  positionOf: '{n} sur {of}',
  zoomIn: 'Agrandir',
  zoomOut: 'Réduire',
  resultCount: plural({ one: '{n} résultat', other: '{n} résultats' }),
};
