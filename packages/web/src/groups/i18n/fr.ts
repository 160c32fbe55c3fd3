// The Groups and Catalog pages' own strings, in French.
import { plurals } from '../../i18n/format.ts';
import type { GroupStrings } from './en.ts';

const plural = plurals('fr');

export const fr: GroupStrings = {
  groupsIntro:
    'Des groupes privés de personnes que vous connaissez. Chaque membre voit, dans le Catalogue, ce que les autres y publient ; rien ne va plus loin à moins qu’un membre ne le publie ailleurs.',
  newGroup: 'Nouveau groupe',
  groupName: 'Nom du groupe',
  inviteEmails: 'E-mails à inviter (facultatif)',
  createGroup: 'Créer le groupe',
  invitations: 'Invitations',
  invitationFrom: '{owner} vous invite dans {name}',
  accept: 'Accepter',
  decline: 'Refuser',
  yourGroups: 'Vos groupes',
  noGroups:
    'Vous n’êtes dans aucun groupe pour l’instant. Créez-en un ci-dessus et invitez des personnes par l’e-mail de leur compte, ou attendez qu’on vous invite.',
  ownerIs: 'Propriétaire : {owner}',
  roleIs: 'Votre rôle : {role}',
  role_owner: 'propriétaire',
  role_member: 'membre',
  role_invited: 'invité',
  memberCount: plural({ one: '{n} membre', other: '{n} membres' }),
  allGroups: 'Tous les groupes',
  members: 'Membres',
  you: 'vous',
  state_invited: 'invité',
  state_member: 'membre',
  state_declined: 'a refusé',
  state_left: 'parti',
  keysNotVerified: 'clés non vérifiées',
  keysUnverifiedNote:
    'Clés non vérifiées : comparez vos numéros de sécurité dans Contacts, pour savoir que ces clés sont bien les siennes.',
  memberKeyChanged:
    'Les clés de {email} ont changé depuis que vous l’avez ajouté. Comparez le nouveau numéro de sécurité dans Contacts avant de vous fier à ce qu’il publie.',
  servers: 'Serveurs',
  noServer: 'aucun serveur personnel',
  serversNote:
    'Les membres ne voient de chaque serveur personnel que son pays et s’il est en ligne : jamais son adresse ni ses clés.',
  invite: 'Inviter',
  inviteEmail: 'Son e-mail',
  invitedDone: '{email} est invité.',
  removeMember: 'Retirer {email}',
  removeTitle: 'Retirer {email} de {name} ?',
  removeText:
    'Cette personne perd l’accès tout de suite : le groupe reçoit une nouvelle clé, et rien de ce qui sera publié ne s’ouvrira pour elle. Ses propres fichiers restent à elle.',
  leaveGroup: 'Quitter le groupe',
  leaveTitle: 'Quitter {name} ?',
  leaveText:
    'Votre étagère sort du catalogue ; vos fichiers restent où ils sont. Pour revenir, il vous faudra une nouvelle invitation.',
  leave: 'Quitter',
  deleteGroup: 'Supprimer le groupe',
  deleteTitle: 'Supprimer {name} pour tout le monde ?',
  deleteText:
    'Le groupe, ses membres et toutes ses étagères disparaissent pour tous, tout de suite. Les fichiers restent chez ceux qui les ont publiés.',
  delete: 'Supprimer',
  searchCatalog: 'Chercher par nom ou étiquette',
  filterGroup: 'Groupe',
  filterMember: 'Membre',
  filterKind: 'Type',
  everyone: 'Tout le monde',
  allKinds: 'Tous les types',
  kind_video: 'Vidéo',
  kind_audio: 'Audio',
  kind_image: 'Image',
  kind_document: 'Document',
  kind_other: 'Autre',
  sort_date: 'Plus récents d’abord',
  sort_name: 'Nom',
  sort_size: 'Plus gros d’abord',
  sort_rating: 'Mieux notés d’abord',
  entryCount: plural({ one: '{n} élément', other: '{n} éléments' }),
  entryCountOf: plural({ one: '{n} élément sur {total}', other: '{n} éléments sur {total}' }),
  showMore: 'Afficher plus',
  clearFilters: 'Effacer les filtres',
  catalogNoGroups:
    'Le catalogue montre ce que publient les personnes de vos groupes. Vous n’êtes dans aucun groupe pour l’instant : créez-en un, ou acceptez une invitation, dans Groupes.',
  catalogEmpty:
    'Rien n’est encore publié dans vos groupes. Pour publier un de vos fichiers, sélectionnez-le dans Fichiers et choisissez « Publier dans un groupe… ».',
  catalogNoMatch: 'Aucun résultat. Essayez d’autres mots, ou effacez les filtres.',
  catalogBroken: plural({
    one: '{n} élément est signé par son auteur mais ne s’ouvre pas ; il est laissé de côté.',
    other:
      '{n} éléments sont signés par leurs auteurs mais ne s’ouvrent pas ; ils sont laissés de côté.',
  }),
  byIn: 'par {author}, dans {group}',
  tags: 'Étiquettes',
  withdraw: 'Retirer',
  withdrawEntry: 'Retirer {name}',
  withdrawn: '{name} est retiré de {group}.',
  publishTitle: plural({
    one: 'Publier {n} fichier dans un groupe',
    other: 'Publier {n} fichiers dans un groupe',
  }),
  publishHint:
    'Les fichiers restent où ils sont. Les membres du groupe voient dans leur catalogue le nom, la taille, le type, les étiquettes et la note de chacun.',
  publishTags: 'Étiquettes (séparées par des virgules)',
  publishNote: 'Note (facultative)',
  publish: 'Publier',
  publishNoGroups:
    'Vous n’êtes dans aucun groupe pour l’instant. Créez-en un d’abord dans Groupes.',
  published: plural({
    one: '{n} fichier publié dans {group}.',
    other: '{n} fichiers publiés dans {group}.',
  }),
  done: 'Terminé',
  // La page Fil, les copies et les notes.
  feedHint:
    'Ce que publient les membres de vos groupes, du plus récent au plus ancien. Gardez sur votre serveur ce qui vous plaît, écartez le reste, et notez-le pour les autres.',
  feedNoGroups:
    'Votre fil montre ce que publient les membres de vos groupes. Vous n’êtes encore dans aucun groupe : créez-en un, ou acceptez une invitation, dans Groupes.',
  feedEmpty:
    'Rien dans votre fil pour l’instant. Quand un membre de vos groupes publie un fichier, il apparaît ici, marqué nouveau, jusqu’à ce que vous le marquiez comme vu.',
  unreadCount: plural({ one: '{n} nouveau', other: '{n} nouveaux' }),
  allSeen: 'Rien de nouveau depuis votre dernière visite.',
  markAllSeen: 'Tout marquer comme vu',
  isNew: 'Nouveau',
  keep: 'Garder',
  keepEntry: 'Garder {name} (le copier sur mon serveur)',
  onYourServer: 'Sur votre serveur (miroir)',
  kept: 'Gardé',
  keptAt: 'Gardé, copié dans {path}.',
  discard: 'Écarter',
  discardEntry: 'Écarter {name}',
  discarded: '{name} est écarté : il n’apparaît plus dans votre fil.',
  copyToServer: 'Copier sur mon serveur',
  copyEntry: 'Copier {name} sur mon serveur',
  copyingEntry: 'Copie de {name}',
  copyOf: '{done} sur {total}',
  copiedTo: 'Copié dans {path}.',
  yourRating: 'Votre note pour {name}',
  stars: plural({ one: '{n} étoile', other: '{n} étoiles' }),
  ratingSummary: plural({ one: '{average} sur {n} note', other: '{average} sur {n} notes' }),
  notRated: 'Pas encore noté',
  youRated: plural({ one: 'vous avez donné {n} étoile', other: 'vous avez donné {n} étoiles' }),
  // Miroir automatique, sur la page d’un groupe.
  mirrorTitle: 'Copier les nouveaux fichiers sur mon serveur',
  mirrorIntro:
    'Les fichiers publiés dans ce groupe à partir de maintenant sont copiés sur votre serveur personnel dès leur parution. Quand le budget est plein, les plus anciennes copies que vous n’avez pas gardées laissent la place aux nouvelles.',
  mirrorBudget: 'Budget',
  mirrorBudgetBad: 'Indiquez une taille comme 200 GiB, 500 MB ou 2 TB.',
  mirrorNeedsServer:
    'La copie automatique copie les fichiers sur un de vos serveurs personnels, et vous n’en avez pas encore. Lancez-en un avec « coffer host --personal », puis réclamez-le avec « coffer host claim ».',
  mirrorMember: 'Fichiers de',
  mirrorSave: 'Enregistrer',
  mirrorUsed: '{used} utilisés sur {budget}',
  mirrorCount: plural({ one: '{n} élément copié', other: '{n} éléments copiés' }),
  mirrorOnDone: 'Les nouveaux fichiers de {name} sont copiés sur votre serveur.',
  mirrorSaved: 'La copie de {name} est mise à jour.',
  mirrorOffTitle: 'Arrêter de copier {name} ?',
  mirrorOffText:
    'Les éléments copiés que vous n’avez pas gardés sont supprimés de votre serveur. Les fichiers copiés dans vos propres dossiers restent.',
  mirrorOff: 'Arrêter la copie',
  mirrorOffDone: 'Les nouveaux fichiers de {name} ne sont plus copiés.',
};
