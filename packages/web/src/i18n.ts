// Every string the app shows, per language. English is the fallback.
const en = {
  appName: 'Coffer',
  tagline: 'End-to-end encrypted storage. Your files are encrypted in this browser.',
  email: 'Email',
  password: 'Password',
  signUp: 'Create account',
  logIn: 'Log in',
  logOut: 'Log out',
  haveAccount: 'I already have an account',
  needAccount: 'Create a new account',
  recoveryTitle: 'Your recovery key',
  recoveryText:
    'This key is the only way back into your account if you forget your password. It is shown once. Store it somewhere safe, offline.',
  downloadKey: 'Download recovery key',
  continue: 'I have stored it — continue',
  files: 'Files',
  upload: 'Upload files',
  newFolder: 'New folder',
  folderName: 'Folder name',
  create: 'Create',
  name: 'Name',
  size: 'Size',
  modified: 'Modified',
  empty: 'This folder is empty. Upload files or create a folder.',
  download: 'Download',
  moveToTrash: 'Move to trash',
  uploading: 'Uploading',
  working: 'Working…',
  language: 'Language',
};
export type Strings = typeof en;

const fr: Strings = {
  appName: 'Coffer',
  tagline: 'Stockage chiffré de bout en bout. Vos fichiers sont chiffrés dans ce navigateur.',
  email: 'E-mail',
  password: 'Mot de passe',
  signUp: 'Créer un compte',
  logIn: 'Se connecter',
  logOut: 'Se déconnecter',
  haveAccount: "J'ai déjà un compte",
  needAccount: 'Créer un nouveau compte',
  recoveryTitle: 'Votre clé de récupération',
  recoveryText:
    "Cette clé est le seul moyen de retrouver votre compte si vous oubliez votre mot de passe. Elle n'est affichée qu'une fois. Conservez-la en lieu sûr, hors ligne.",
  downloadKey: 'Télécharger la clé de récupération',
  continue: "Je l'ai conservée — continuer",
  files: 'Fichiers',
  upload: 'Envoyer des fichiers',
  newFolder: 'Nouveau dossier',
  folderName: 'Nom du dossier',
  create: 'Créer',
  name: 'Nom',
  size: 'Taille',
  modified: 'Modifié',
  empty: 'Ce dossier est vide. Envoyez des fichiers ou créez un dossier.',
  download: 'Télécharger',
  moveToTrash: 'Mettre à la corbeille',
  uploading: 'Envoi',
  working: 'En cours…',
  language: 'Langue',
};

export const LANGUAGES = { en, fr } as const;
export type Language = keyof typeof LANGUAGES;

export function initialLanguage(): Language {
  const saved = localStorage.getItem('coffer.lang');
  if (saved === 'en' || saved === 'fr') return saved;
  return navigator.language.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}
