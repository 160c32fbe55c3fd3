// The account screens' own strings, in French.
import type { AccountStrings } from './en.ts';

export const fr: AccountStrings = {
  confirmPassword: 'Confirmer le mot de passe',
  newPassword: 'Nouveau mot de passe',
  confirmNewPassword: 'Confirmer le nouveau mot de passe',
  currentPassword: 'Mot de passe actuel',
  passwordsDiffer:
    'Confirmer le mot de passe : les deux mots de passe diffèrent. Saisissez deux fois le même.',
  weakPassword: 'Mot de passe : trop faible. {why}',
  weakDefault: 'Ajoutez des mots ou des caractères difficiles à deviner.',
  strengthLabel: 'Robustesse',
  strength_0: 'très faible',
  strength_1: 'faible',
  strength_2: 'moyenne',
  strength_3: 'bonne',
  strength_4: 'très bonne',
  strengthHint:
    'Il faut une robustesse au moins bonne : quelques mots sans rapport entre eux conviennent bien.',
  forgotPassword: 'Mot de passe oublié ?',
  recoverTitle: 'Récupérer votre compte',
  recoverIntro:
    'Saisissez votre e-mail et la clé de récupération conservée à l’inscription, puis choisissez un nouveau mot de passe. Vos fichiers restent tels quels ; toutes les autres sessions sont fermées.',
  recoveryKey: 'Clé de récupération',
  recoveryKeyHint: 'Avec ou sans tirets ni espaces ; en majuscules ou en minuscules.',
  setNewPassword: 'Définir le nouveau mot de passe',
  backToLogin: 'Retour à la connexion',
  wrongRecoveryKey:
    'Clé de récupération : cette clé n’ouvre pas le compte de cet e-mail. Vérifiez les deux et réessayez ; rien n’a été modifié.',
  badRecoveryKey:
    'Clé de récupération : un caractère manque ou est mal saisi. Elle compte 56 lettres et chiffres, tels qu’imprimés à l’inscription.',
  loginFailed: 'Échec de la connexion : e-mail ou mot de passe incorrect.',
  tooManyAttempts: 'Trop de tentatives. Attendez une minute, puis réessayez.',
  somethingWrong: 'Un problème est survenu : {detail}',
  copyKey: 'Copier',
  copied: 'Copiée',
  copyFailed: 'La copie n’est pas permise ici. Sélectionnez la clé et copiez-la à la main.',
  recoveryKeyGroups: 'La clé, par groupes de quatre',
  keyFileTitle: 'Clé de récupération Coffer',
  keyFileAccount: 'Compte : {email}',
  keyFileHub: 'Réseau (hub) : {hub}',
  keyFileDate: 'Créée le : {date}',
  keyFileWhat:
    'Cette clé est le seul moyen de retrouver votre compte si vous oubliez votre mot de passe. Gardez ce fichier hors ligne (imprimé, ou sur une clé USB), jamais à côté de votre mot de passe. Quiconque a cette clé et votre e-mail peut lire vos fichiers.',
  keyFileBrowser:
    'Pour récupérer le compte dans un navigateur : ouvrez {hub}, choisissez « J’ai déjà un compte », puis « Mot de passe oublié ? », et saisissez votre e-mail, cette clé et un nouveau mot de passe.',
  keyFileCli: 'Pour récupérer le compte en ligne de commande : coffer recover {email} --hub {hub}',
  changePassword: 'Changer le mot de passe',
  changePasswordIntro:
    'Vos fichiers restent tels quels. Toutes les autres sessions (autres navigateurs, ligne de commande, synchronisation) sont fermées ; celle-ci reste ouverte.',
  wrongCurrentPassword:
    'Mot de passe actuel : ce n’est pas votre mot de passe actuel. Rien n’a été modifié.',
  samePassword: 'Nouveau mot de passe : c’est le même que l’actuel.',
  passwordChanged: 'Mot de passe changé. Vos autres sessions ont été fermées.',
  deleteAccount: 'Supprimer le compte',
  deleteAccountIntro:
    'Supprime votre compte et tout ce qu’il contient, définitivement : fichiers, versions, partages, liens, demandes de fichiers, applications et sessions. Personne ne pourra le rétablir.',
  deleteAccountOpen: 'Supprimer le compte…',
  deleteAccountWarning:
    'Tout ce que contient {email} disparaît définitivement. Les personnes avec qui vous partagez perdent l’accès ; les copies qu’elles ont faites de vos fichiers restent à elles.',
  deleteAccountTypeEmail: 'Tapez votre adresse, {email}, pour confirmer',
  deleteAccountEmailMismatch: 'Adresse : tapez exactement l’adresse de ce compte.',
  deleteAccountPassword: 'Votre mot de passe',
  deleteAccountButton: 'Supprimer définitivement',
  deleteAccountOwnsGroups:
    'Vous possédez des groupes qui ont encore des membres ou des invités. Retirez-les ou mettez fin à ces groupes d’abord.',
  codeTitle: 'Validation en deux étapes',
  codeIntro:
    'Votre mot de passe est bon. Saisissez le code que votre application d’authentification affiche pour ce compte.',
  codeLabel: 'Code de votre application d’authentification',
  codeHint:
    'Les 6 chiffres affichés maintenant par l’application, ou l’un de vos codes de secours.',
  verifyCode: 'Valider',
  codeNeeded:
    'Cette action demande un code de votre application d’authentification (ou un code de secours) : saisissez-le dans le champ du code, puis réessayez.',
  wrongCode: 'Code : ce code est faux ou a déjà servi. Attendez le suivant et réessayez.',
  codeLocked:
    'Trop de codes faux : les codes sont refusés jusqu’à {time}. Un code de secours fonctionne toujours.',
  codeWait: 'Trop de codes faux : attendez quelques secondes avant le prochain essai.',
  twoFactor: 'Validation en deux étapes',
  twoFactorOff:
    'Désactivée. Ajoutez à votre mot de passe un code d’une application d’authentification : un mot de passe volé ne suffira plus à ouvrir votre compte.',
  twoFactorOn: 'Activée. Codes de secours restants : {count}.',
  twoFactorTurnOn: 'Activer',
  twoFactorTurnOff: 'Désactiver',
  twoFactorScan:
    'Scannez ce QR code avec votre application d’authentification, ou saisissez-y le secret.',
  twoFactorQr: 'QR code pour votre application d’authentification',
  twoFactorSecret: 'Secret',
  twoFactorFirstCode:
    'Saisissez ensuite le code affiché par l’application, pour vérifier qu’elle fonctionne. D’ici là, rien ne change.',
  recoveryCodesTitle: 'Vos codes de secours',
  recoveryCodesIntro:
    'Chacun sert une fois, à la place d’un code, si vous perdez votre téléphone. Ils ne sont affichés que maintenant : gardez-les hors ligne, loin de votre mot de passe.',
  recoveryCodesStored: 'Je les ai mis de côté',
  twoFactorOffDone: 'La validation en deux étapes est désactivée.',
  twoFactorOffIntro:
    'Pour la désactiver, saisissez un code de l’application ou un code de secours.',
  recoveryCodesNewIntro:
    'Saisissez un code de l’application ou un code de secours, et votre mot de passe. Les codes de secours que vous avez maintenant ne fonctionneront plus.',
  recoveryCodesMake: 'Créer de nouveaux codes',
  recoveryCodesNew: 'Nouveaux codes de secours',
  recoveryCodesFew:
    'Il reste peu de codes de secours : créez-en de nouveaux avant qu’ils ne soient épuisés.',
  recoveryCodesReplaced: 'Les codes de secours que vous aviez ne fonctionnent plus.',
  // zxcvbn's feedback, by its keys: zxw_ a warning, zxs_ a suggestion.
  zxw_straightRow: 'Les rangées de touches du clavier sont faciles à deviner.',
  zxw_keyPattern: 'Les motifs courts du clavier sont faciles à deviner.',
  zxw_simpleRepeat: 'Les caractères répétés comme « aaa » sont faciles à deviner.',
  zxw_extendedRepeat: 'Les motifs répétés comme « abcabcabc » sont faciles à deviner.',
  zxw_sequences: 'Les suites courantes comme « abc » ou « 123 » sont faciles à deviner.',
  zxw_recentYears: 'Les années récentes sont faciles à deviner.',
  zxw_dates: 'Les dates sont faciles à deviner.',
  zxw_topTen: 'C’est l’un des mots de passe les plus utilisés.',
  zxw_topHundred: 'C’est un mot de passe très souvent utilisé.',
  zxw_common: 'C’est un mot de passe courant.',
  zxw_similarToCommon: 'Il ressemble à un mot de passe courant.',
  zxw_wordByItself: 'Un mot seul est facile à deviner.',
  zxw_namesByThemselves: 'Les prénoms et noms de famille seuls sont faciles à deviner.',
  zxw_commonNames: 'Les prénoms et noms de famille courants sont faciles à deviner.',
  zxw_userInputs: 'Il contient votre e-mail ou quelque chose d’approchant.',
  zxw_pwned: 'Ce mot de passe a fuité lors d’une violation de données.',
  zxs_anotherWord: 'Ajoutez des mots moins courants.',
  zxs_useWords: 'Utilisez plusieurs mots, mais évitez les expressions courantes.',
  zxs_repeated: 'Évitez les mots et caractères répétés.',
  zxs_sequences: 'Évitez les suites de caractères courantes.',
};
