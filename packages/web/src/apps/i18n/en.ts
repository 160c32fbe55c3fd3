// Connected apps' own strings (the page that approves an app's request, and the Apps list under
// Sessions), in English: the reference the other languages are checked against.

export const en = {
  connectApp: 'Connect an app',
  connectIntro:
    'An app asks for one of your folders. Enter the code it shows you. It gets that folder’s key alone: never your password, your other folders or your account.',
  appCodeField: 'Code shown by the app',
  lookUpCode: 'Continue',
  badCode:
    'Code: enter the 8 letters the app shows, such as BCDF-GHJK (there are no vowels or digits in it).',
  appAsks: '“{name}” asks to use one of your folders.',
  appRights: 'Rights',
  appFingerprint: 'Key fingerprint',
  appFingerprintNote:
    'The app shows a fingerprint next to its code. Allow only if it is exactly this one.',
  rights_read: 'See and download the files in the folder',
  rights_readwrite: 'See, download, add, change and delete the files in the folder',
  appFolderField: 'Folder it may use',
  appFolderNote:
    'The app sees this folder and what is in it, nothing above or beside it. A folder that does not exist yet is created.',
  appFolderRoot: 'Folder: pick a folder, not the whole of your storage.',
  appSuggested: 'The app suggests {folder}.',
  allowApp: 'Allow',
  denyApp: 'Deny',
  appAllowed:
    '“{name}” may now use {folder}. You can revoke it at any time under Sessions, in Apps.',
  appDenied: 'You refused the request of “{name}”.',
  appsHeading: 'Apps',
  appsIntro: 'Apps you allowed to use one folder each.',
  noApps: 'No app is connected. An app that asks shows a code to enter under “Connect an app”.',
  appColumn: 'App',
  appFolder: 'Folder',
  appAccess: 'Rights',
  access_read: 'Read only',
  access_readwrite: 'Read and write',
  appExpires: 'Expires',
  appLastUsed: 'Last used',
  neverUsed: 'Never',
  goneFolder: 'deleted folder',
  revokeAppTitle: 'Revoke this app?',
  revokeAppText: '“{name}” stops working at once and can no longer open {folder}.',
  revokeAppWriterText:
    '“{name}” stops working at once. As it could write, the folder’s keys change too, so that nothing added afterwards opens for it.',
  appRevoked: '“{name}” is revoked: it can no longer reach your files.',
  appRevokedRotated:
    '“{name}” is revoked, and {folder} has new keys: nothing added there from now on opens for it.',
};

export type AppStrings = typeof en;
