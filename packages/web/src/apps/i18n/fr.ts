// Connected apps' own strings, in French.
import type { AppStrings } from './en.ts';

export const fr: AppStrings = {
  connectApp: 'Connecter une application',
  connectIntro:
    'Une application demande l’un de vos dossiers. Saisissez le code qu’elle affiche. Elle reçoit la clé de ce dossier seulement : jamais votre mot de passe, vos autres dossiers ni votre compte.',
  appCodeField: 'Code affiché par l’application',
  lookUpCode: 'Continuer',
  badCode:
    'Code : saisissez les 8 lettres que montre l’application, par exemple BCDF-GHJK (il n’a ni voyelle ni chiffre).',
  appAsks: '« {name} » demande à utiliser l’un de vos dossiers.',
  appRights: 'Droits',
  appFingerprint: 'Empreinte des clés',
  appFingerprintNote:
    'L’application affiche une empreinte à côté de son code. N’autorisez que si c’est exactement celle-ci.',
  rights_read: 'Voir et télécharger les fichiers du dossier',
  rights_readwrite: 'Voir, télécharger, ajouter, modifier et supprimer les fichiers du dossier',
  appFolderField: 'Dossier qu’elle peut utiliser',
  appFolderNote:
    'L’application voit ce dossier et son contenu, rien au-dessus ni à côté. Un dossier qui n’existe pas encore est créé.',
  appFolderRoot: 'Dossier : choisissez un dossier, pas tout votre espace.',
  appSuggested: 'L’application propose {folder}.',
  allowApp: 'Autoriser',
  denyApp: 'Refuser',
  appAllowed:
    '« {name} » peut maintenant utiliser {folder}. Vous pouvez la révoquer à tout moment sous Sessions, dans Applications.',
  appDenied: 'Vous avez refusé la demande de « {name} ».',
  appsHeading: 'Applications',
  appsIntro: 'Les applications que vous avez autorisées, chacune sur un dossier.',
  noApps:
    'Aucune application connectée. Une application qui demande l’accès affiche un code à saisir sous « Connecter une application ».',
  appColumn: 'Application',
  appFolder: 'Dossier',
  appAccess: 'Droits',
  access_read: 'Lecture seule',
  access_readwrite: 'Lecture et écriture',
  appExpires: 'Expire',
  appLastUsed: 'Dernière utilisation',
  neverUsed: 'Jamais',
  goneFolder: 'dossier supprimé',
  revokeAppTitle: 'Révoquer cette application ?',
  revokeAppText: '« {name} » cesse de fonctionner tout de suite et ne peut plus ouvrir {folder}.',
  revokeAppWriterText:
    '« {name} » cesse de fonctionner tout de suite. Comme elle pouvait écrire, les clés du dossier changent aussi : rien de ce qui y sera ajouté ne s’ouvrira pour elle.',
  appRevoked: '« {name} » est révoquée : elle ne peut plus atteindre vos fichiers.',
  appRevokedRotated:
    '« {name} » est révoquée et {folder} a de nouvelles clés : rien de ce qui y sera ajouté ne s’ouvrira pour elle.',
};
