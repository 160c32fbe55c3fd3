// The share dialog's and the shared folder view's own strings, in English: the reference the
// other languages are checked against.

export const en = {
  shareTitle: 'Share “{name}”',
  shareScope: 'Everyone you add sees everything in this folder, and what is added to it later.',
  peopleWithAccess: 'People with access',
  onlyYou: 'Only you can see this folder.',
  accessFor: 'Access for {email}',
  addPeople: 'Add people',
  newAccess: 'Access for people you add',
  yourContacts: 'Your contacts',
  noOtherContacts: 'No other contacts: add someone by the email they signed up with.',
  addButton: 'Add',
  addNamed: 'Add {email}',
  compareWith: 'Compare safety numbers with {email}',
  keysBroken: 'Keys do not check out',
  unverifiedNote:
    'Not verified: compare safety numbers with them, so you know these keys are theirs and nobody is in between.',
  memberKeysChanged:
    '{email}’s keys changed since you added them. Compare the new safety number with them and verify again before you change their access.',
  keyChangedRefused:
    '{email}’s keys changed since you added them, so nothing was shared. Compare the new safety number with them, verify, then try again.',
  noAccount: 'No account uses {email} on this network.',
  badEmail: 'Enter an email address, such as name@example.com.',
  notYourself: 'That is your own account: you already have this folder.',
  adding: 'Sharing with {email}…',
  removing: 'Taking {email} off and changing the folder’s keys…',
  added: '{email} now has access ({role}).',
  roleChanged: 'Access for {email}: {role}.',
  removed: '{email} no longer has access. New files in the folder use new keys.',
  done: 'Done',
  manageSharing: 'Manage sharing',
  manageNamed: 'Manage sharing of {path}',
  howToShare: 'To share a folder, choose “Share” on it in Files.',
  backToShared: 'Back to Shared with me',
  sharedBy: 'Shared by {owner}',
  viewOnly: 'You can view and download; only the owner and editors can change this folder.',
  downloadZip: 'Download as zip',
};

export type SharingStrings = typeof en;
