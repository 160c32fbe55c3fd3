// The worker's errors said for a person, in English: the reference the other languages follow.
// The SDK's own messages are technical ("link: revoked by its owner"); these replace them by code.
export const en = {
  auth: 'Your session has ended. Log in again.',
  loginFailed: 'Log in failed: wrong password or unknown account.',
  wrongRecoveryKey: 'That recovery key does not belong to this account.',
  wrongCurrentPassword: 'Your current password is wrong.',
  forbidden: 'You are not allowed to do that.',
  notFound: 'It is not there any more: it may have been moved, deleted or withdrawn.',
  pathMissing: '{path} does not exist.',
  notContact: '{email} is not one of your contacts.',
  noAccount: 'No account uses {email}.',
  linkRevoked: 'The owner revoked this link.',
  linkLimitReached: 'Its download limit is reached.',
  linkPreviewsUsedUp: 'Its free previews are used up; download the file to see it.',
  linkGone: 'What it points to was deleted by its owner.',
  requestClosed: 'closed by its owner.',
  requestFull: 'it has received all it takes.',
  requestFolderGone: 'its folder was deleted by its owner.',
  rateLimited: 'Too many attempts. Wait a minute and try again.',
  integrity:
    'Coffer refused data that does not check out: it may have been tampered with or damaged. Try again later.',
  decryption: 'This could not be decrypted: the key is wrong or the data was changed.',
  connection: 'The server cannot be reached. Check your connection and try again.',
  expired: 'This has expired. Reload the page and try again.',
  internal: 'Something went wrong. Reload the page and try again.',
};
export type ErrorStrings = typeof en;
