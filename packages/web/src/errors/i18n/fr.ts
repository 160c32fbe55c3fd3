import type { ErrorStrings } from './en.ts';

export const fr: ErrorStrings = {
  auth: 'Votre session a pris fin. Reconnectez-vous.',
  loginFailed: 'Échec de la connexion : mot de passe erroné ou compte inconnu.',
  wrongRecoveryKey: 'Cette clé de récupération n’appartient pas à ce compte.',
  wrongCurrentPassword: 'Votre mot de passe actuel est erroné.',
  forbidden: 'Vous n’avez pas le droit de faire cela.',
  notFound: 'Ce n’est plus là : cela a peut-être été déplacé, supprimé ou retiré.',
  pathMissing: '{path} n’existe pas.',
  notContact: '{email} ne fait pas partie de vos contacts.',
  noAccount: 'Aucun compte n’utilise {email}.',
  linkRevoked: 'Le propriétaire a révoqué ce lien.',
  linkLimitReached: 'Sa limite de téléchargements est atteinte.',
  linkPreviewsUsedUp: 'Ses aperçus gratuits sont épuisés ; téléchargez le fichier pour le voir.',
  linkGone: 'Ce vers quoi il pointe a été supprimé par son propriétaire.',
  requestClosed: 'fermée par son propriétaire.',
  requestFull: 'elle a reçu tout ce qu’elle accepte.',
  requestFolderGone: 'son dossier a été supprimé par son propriétaire.',
  rateLimited: 'Trop de tentatives. Attendez une minute et réessayez.',
  integrity:
    'Coffer a refusé des données qui ne sont pas valides : elles ont peut-être été altérées ou endommagées. Réessayez plus tard.',
  decryption: 'Impossible de déchiffrer : la clé est erronée ou les données ont été modifiées.',
  connection: 'Le serveur est injoignable. Vérifiez votre connexion et réessayez.',
  expired: 'Ceci a expiré. Rechargez la page et réessayez.',
  internal: 'Un problème est survenu. Rechargez la page et réessayez.',
};
