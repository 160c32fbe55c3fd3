// Links' and file requests' own strings (the Get link and Request files dialogs, the Links page,
// the link page's previews), in English: the reference the other languages are checked against.
import { plurals } from '../../i18n/format.ts';

const plural = plurals('en');

export const en = {
  getLink: 'Get link',
  linkDialogTitle: 'Link to {name}',
  linkDialogNote:
    'Anyone with the link can open it, without an account. Its key is in the link itself, which Coffer never sees.',
  linkPasswordField: 'Password (optional)',
  linkExpiryField: 'Expires on (optional)',
  linkLimitField: 'Download limit (optional)',
  createLink: 'Create link',
  linkReady:
    'Your link is ready. Copy it now: once you leave Coffer, it cannot be shown again (Coffer does not keep its key).',
  linkUrl: 'Link',
  copyLink: 'Copy link',
  copied: 'Copied',
  copyFailed: 'Could not copy. Select the link and copy it yourself.',
  badPassword: 'Password: use at least 6 characters, or leave it empty.',
  badExpiry: 'Expires on: pick today or a later day, or leave it empty.',
  badLimit: 'Download limit: a whole number from 1 to 1,000,000, or leave it empty.',
  linksPage: 'Links',
  linksIntro:
    'The public links you made. A link’s key is in its address and never reaches the server, so a link can be copied again only in the tab that made it; elsewhere, make a new link.',
  noLinks: 'You have made no link yet. Use “Get link” on a file or folder.',
  linkItem: 'Item',
  linkCreated: 'Created',
  linkExpiry: 'Expires',
  linkDownloads: 'Downloads',
  linkHasPassword: 'Password',
  linkState: 'State',
  never: 'Never',
  yes: 'Yes',
  no: 'No',
  goneItem: 'deleted item',
  downloadsUsed: plural({ one: '{n} used', other: '{n} used' }),
  downloadsLeftShort: plural({ one: '{n} left', other: '{n} left' }),
  noLimit: 'no limit',
  state_active: 'active',
  state_revoked: 'revoked',
  state_expired: 'expired',
  state_usedUp: 'used up',
  copyUnavailable: 'Made in another tab: its address is not kept',
  revokeTitle: 'Revoke this link?',
  revokeText:
    'Nobody will be able to open {what} through this link any more. This cannot be undone.',
  previewFree: 'Previewing uses up no download.',
  previewsUsedUp: 'The free previews of this link are used up. Download the file to see it.',
  limitReached: 'This link’s download limit is reached.',
  linkRevoked: 'The owner revoked this link.',
  requestFiles: 'Request files',
  requestDialogTitle: 'Request files into {name}',
  requestDialogNote:
    'Whoever has the request link can send you files into this folder, without an account. What they send is encrypted to you; they cannot see what is in the folder.',
  createRequest: 'Create request',
  requestReady: 'Your file request is ready. Send this link:',
  stopAccepting: 'Stop accepting files',
};

export type LinkStrings = typeof en;
