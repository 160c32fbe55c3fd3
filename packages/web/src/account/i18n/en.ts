// The account screens' own strings (sign-up, log-in, recovery, change password), in English:
// the reference the other languages are checked against.

export const en = {
  confirmPassword: 'Confirm password',
  newPassword: 'New password',
  confirmNewPassword: 'Confirm new password',
  currentPassword: 'Current password',
  passwordsDiffer: 'Confirm password: the two passwords differ. Type the same password twice.',
  weakPassword: 'Password: too weak. {why}',
  weakDefault: 'Add more words or characters that are hard to guess.',
  strengthLabel: 'Strength',
  strength_0: 'very weak',
  strength_1: 'weak',
  strength_2: 'fair',
  strength_3: 'strong',
  strength_4: 'very strong',
  strengthHint: 'Choose a strong password: a few unrelated words work well.',
  forgotPassword: 'Forgot password?',
  recoverTitle: 'Recover your account',
  recoverIntro:
    'Enter your email and the recovery key you stored at sign-up, then choose a new password. Your files stay as they are; every other session is ended.',
  recoveryKey: 'Recovery key',
  recoveryKeyHint: 'With or without dashes and spaces; upper or lower case.',
  setNewPassword: 'Set new password',
  backToLogin: 'Back to log in',
  wrongRecoveryKey:
    'Recovery key: this key does not open the account for this email. Check both and try again; nothing was changed.',
  badRecoveryKey:
    'Recovery key: a character is missing or mistyped. It has 56 letters and digits, as printed at sign-up.',
  loginFailed: 'Log in failed: wrong email or password.',
  tooManyAttempts: 'Too many attempts. Wait a minute, then try again.',
  somethingWrong: 'Something went wrong: {detail}',
  copyKey: 'Copy',
  copied: 'Copied',
  copyFailed: 'Copying is not allowed here. Select the key and copy it by hand.',
  recoveryKeyGroups: 'The key, in groups of four',
  keyFileTitle: 'Coffer recovery key',
  keyFileAccount: 'Account: {email}',
  keyFileHub: 'Network (hub): {hub}',
  keyFileDate: 'Created: {date}',
  keyFileWhat:
    'This key is the only way back into your account if you forget your password. Keep this file offline (printed, or on a USB stick), never next to your password. Anyone with this key and your email can read your files.',
  keyFileBrowser:
    'To recover in a browser: open {hub}, choose "I already have an account", then "Forgot password?", and enter your email, this key and a new password.',
  keyFileCli: 'To recover with the command line: coffer recover {email} --hub {hub}',
  changePassword: 'Change password',
  changePasswordIntro:
    'Your files stay as they are. Every other session (other browsers, the command line, sync) is ended; this one stays.',
  wrongCurrentPassword: 'Current password: this is not your current password. Nothing was changed.',
  samePassword: 'New password: it is the same as the current one.',
  passwordChanged: 'Password changed. Your other sessions were ended.',
  deleteAccount: 'Delete account',
  deleteAccountIntro:
    'Deletes your account and everything it holds, for good: files, versions, shares, links, file requests, apps and sessions. Nobody can bring it back.',
  deleteAccountOpen: 'Delete account…',
  /** {email}: the account's email. */
  deleteAccountWarning:
    'Everything in {email} goes for good. People you shared with lose access; copies they made of your files stay theirs.',
  /** {email}: the account's email. */
  deleteAccountTypeEmail: 'Type your email, {email}, to confirm',
  deleteAccountEmailMismatch: 'Email: type the email of this account exactly.',
  deleteAccountPassword: 'Your password',
  deleteAccountButton: 'Delete for good',
  deleteAccountOwnsGroups:
    'You own groups that still have members or invitees. Remove them or end those groups first.',
  codeTitle: 'Two-step verification',
  codeIntro:
    'Your password is right. Enter the code your authenticator app shows for this account.',
  codeLabel: 'Code from your authenticator app',
  codeHint: 'The 6 digits the app shows now, or one of your recovery codes.',
  verifyCode: 'Verify',
  codeNeeded:
    'This needs a code from your authenticator app (or a recovery code): enter it in the code field, then try again.',
  wrongCode: 'Code: this code is wrong or was used already. Wait for the next one and try again.',
  codeLocked: 'Too many wrong codes: codes are refused until {time}. A recovery code still works.',
  codeWait: 'Too many wrong codes: wait a few seconds before the next try.',
  twoFactor: 'Two-step verification',
  twoFactorOff:
    'Off. Add a code from an authenticator app to your password, so that a stolen password alone does not open your account.',
  twoFactorOn: 'On. Recovery codes left: {count}.',
  twoFactorTurnOn: 'Turn on',
  twoFactorTurnOff: 'Turn off',
  twoFactorScan: 'Scan this QR code with your authenticator app, or type the secret into it.',
  twoFactorQr: 'QR code for your authenticator app',
  twoFactorSecret: 'Secret',
  twoFactorFirstCode:
    'Then enter the code the app shows, to check that it works. Until then nothing changes.',
  recoveryCodesTitle: 'Your recovery codes',
  recoveryCodesIntro:
    'Each one works once, in place of a code, if you lose your phone. They are shown only now: store them offline, apart from your password.',
  recoveryCodesStored: 'I have stored them',
  twoFactorOffDone: 'Two-step verification is off.',
  twoFactorOffIntro: 'To turn it off, enter a code from the app or a recovery code.',
  recoveryCodesNewIntro:
    'Enter a code from the app or a recovery code, and your password. The recovery codes you have now stop working.',
  recoveryCodesMake: 'Make new codes',
  recoveryCodesNew: 'New recovery codes',
  recoveryCodesFew: 'Few recovery codes are left: make new ones before they run out.',
  recoveryCodesReplaced: 'The recovery codes you had before no longer work.',
  // zxcvbn's feedback, by its keys: zxw_ a warning, zxs_ a suggestion.
  zxw_straightRow: 'Straight rows of keys on the keyboard are easy to guess.',
  zxw_keyPattern: 'Short keyboard patterns are easy to guess.',
  zxw_simpleRepeat: 'Repeated characters like "aaa" are easy to guess.',
  zxw_extendedRepeat: 'Repeated patterns like "abcabcabc" are easy to guess.',
  zxw_sequences: 'Common sequences like "abc" or "123" are easy to guess.',
  zxw_recentYears: 'Recent years are easy to guess.',
  zxw_dates: 'Dates are easy to guess.',
  zxw_topTen: 'This is one of the most used passwords.',
  zxw_topHundred: 'This is a very often used password.',
  zxw_common: 'This is a commonly used password.',
  zxw_similarToCommon: 'This is close to a commonly used password.',
  zxw_wordByItself: 'A single word is easy to guess.',
  zxw_namesByThemselves: 'Names and surnames on their own are easy to guess.',
  zxw_commonNames: 'Common names and surnames are easy to guess.',
  zxw_userInputs: 'It contains your email or something close to it.',
  zxw_pwned: 'This password has leaked in a data breach.',
  zxs_anotherWord: 'Add more words that are less common.',
  zxs_useWords: 'Use several words, but avoid common phrases.',
  zxs_repeated: 'Avoid repeated words and characters.',
  zxs_sequences: 'Avoid common character sequences.',
};

export type AccountStrings = typeof en;
