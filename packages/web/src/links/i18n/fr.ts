// Links' and file requests' own strings, in French.
import { plurals } from '../../i18n/format.ts';
import type { LinkStrings } from './en.ts';

const plural = plurals('fr');

export const fr: LinkStrings = {
  getLink: 'Obtenir un lien',
  linkDialogTitle: 'Lien vers {name}',
  linkDialogNote:
    'Toute personne qui a le lien peut l’ouvrir, sans compte. Sa clé est dans le lien lui-même, que Coffer ne voit jamais.',
  linkPasswordField: 'Mot de passe (facultatif)',
  linkExpiryField: 'Expire le (facultatif)',
  linkLimitField: 'Nombre maximal de téléchargements (facultatif)',
  createLink: 'Créer le lien',
  linkReady:
    'Votre lien est prêt. Copiez-le maintenant : une fois Coffer quitté, il ne pourra plus être affiché (Coffer ne garde pas sa clé).',
  linkUrl: 'Lien',
  copyLink: 'Copier le lien',
  copied: 'Copié',
  copyFailed: 'Copie impossible. Sélectionnez le lien et copiez-le vous-même.',
  badPassword: 'Mot de passe : au moins 6 caractères, ou laissez-le vide.',
  badExpiry: 'Expire le : choisissez aujourd’hui ou un jour ultérieur, ou laissez vide.',
  badLimit:
    'Nombre maximal de téléchargements : un nombre entier de 1 à 1 000 000, ou laissez vide.',
  linksPage: 'Liens',
  linksIntro:
    'Les liens publics que vous avez créés. La clé d’un lien est dans son adresse et n’arrive jamais au serveur : un lien ne peut être recopié que dans l’onglet qui l’a créé ; ailleurs, créez-en un nouveau.',
  noLinks:
    'Vous n’avez encore créé aucun lien. Utilisez « Obtenir un lien » sur un fichier ou un dossier.',
  linkItem: 'Élément',
  linkCreated: 'Créé le',
  linkExpiry: 'Expire le',
  linkDownloads: 'Téléchargements',
  linkHasPassword: 'Mot de passe',
  linkState: 'État',
  never: 'Jamais',
  yes: 'Oui',
  no: 'Non',
  goneItem: 'élément supprimé',
  downloadsUsed: plural({ one: '{n} utilisé', other: '{n} utilisés' }),
  downloadsLeftShort: plural({ one: '{n} restant', other: '{n} restants' }),
  noLimit: 'sans limite',
  state_active: 'actif',
  state_revoked: 'révoqué',
  state_expired: 'expiré',
  state_usedUp: 'épuisé',
  copyUnavailable: 'Créé dans un autre onglet : son adresse n’est pas conservée',
  revokeTitle: 'Révoquer ce lien ?',
  revokeText: 'Plus personne ne pourra ouvrir {what} par ce lien. Cette action est irréversible.',
  previewFree: 'L’aperçu ne compte pas comme un téléchargement.',
  previewsUsedUp:
    'Les aperçus gratuits de ce lien sont épuisés. Téléchargez le fichier pour le voir.',
  limitReached: 'Ce lien a atteint son nombre maximal de téléchargements.',
  linkRevoked: 'Le propriétaire a révoqué ce lien.',
  requestFiles: 'Demander des fichiers',
  requestDialogTitle: 'Demander des fichiers dans {name}',
  requestDialogNote:
    'Toute personne qui a le lien de la demande peut vous envoyer des fichiers dans ce dossier, sans compte. Ce qu’elle envoie est chiffré pour vous ; elle ne voit pas le contenu du dossier.',
  createRequest: 'Créer la demande',
  requestReady: 'Votre demande de fichiers est prête. Envoyez ce lien :',
  stopAccepting: 'Ne plus accepter de fichiers',
};
