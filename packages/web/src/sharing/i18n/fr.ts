// The share dialog's and the shared folder view's own strings, in French.
import type { SharingStrings } from './en.ts';

export const fr: SharingStrings = {
  shareTitle: 'Partager « {name} »',
  shareScope:
    'Chaque personne ajoutée voit tout le contenu de ce dossier, y compris ce qui y sera ajouté plus tard.',
  peopleWithAccess: 'Personnes ayant accès',
  onlyYou: 'Vous seul voyez ce dossier.',
  accessFor: 'Accès de {email}',
  addPeople: 'Ajouter des personnes',
  newAccess: 'Accès des personnes ajoutées',
  yourContacts: 'Vos contacts',
  noOtherContacts:
    'Aucun autre contact : ajoutez quelqu’un avec l’adresse e-mail de son inscription.',
  addButton: 'Ajouter',
  addNamed: 'Ajouter {email}',
  compareWith: 'Comparer les numéros de sécurité avec {email}',
  keysBroken: 'Clés non valides',
  unverifiedNote:
    'Non vérifié : comparez les numéros de sécurité avec cette personne, pour savoir que ces clés sont bien les siennes et que personne ne s’interpose.',
  memberKeysChanged:
    'Les clés de {email} ont changé depuis que vous l’avez ajouté. Comparez avec cette personne le nouveau numéro de sécurité et vérifiez-le à nouveau avant de modifier son accès.',
  keyChangedRefused:
    'Les clés de {email} ont changé depuis que vous l’avez ajouté : rien n’a été partagé. Comparez avec cette personne le nouveau numéro de sécurité, vérifiez-le, puis réessayez.',
  noAccount: 'Aucun compte n’utilise {email} sur ce réseau.',
  badEmail: 'Saisissez une adresse e-mail, par exemple nom@example.com.',
  notYourself: 'C’est votre propre compte : ce dossier est déjà à vous.',
  adding: 'Partage avec {email}…',
  removing: 'Retrait de {email} et changement des clés du dossier…',
  added: '{email} a désormais accès ({role}).',
  roleChanged: 'Accès de {email} : {role}.',
  removed: '{email} n’a plus accès. Les nouveaux fichiers du dossier utilisent de nouvelles clés.',
  done: 'Terminé',
  manageSharing: 'Gérer le partage',
  manageNamed: 'Gérer le partage de {path}',
  howToShare: 'Pour partager un dossier, choisissez « Partager » sur ce dossier dans Fichiers.',
  backToShared: 'Retour à Partagés avec moi',
  sharedBy: 'Partagé par {owner}',
  viewOnly:
    'Vous pouvez consulter et télécharger ; seuls le propriétaire et les éditeurs peuvent modifier ce dossier.',
  downloadZip: 'Télécharger en zip',
};
