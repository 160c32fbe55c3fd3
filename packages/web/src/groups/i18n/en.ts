// The Groups and Catalog pages' own strings, in English: the reference the other languages are
// checked against.
import { plurals } from '../../i18n/format.ts';

const plural = plurals('en');

export const en = {
  groupsIntro:
    'Private groups of people you know. Everyone in a group sees what the others publish to it, in the Catalog; nothing goes further unless a member publishes it elsewhere.',
  newGroup: 'New group',
  groupName: 'Group name',
  inviteEmails: 'Emails to invite (optional)',
  createGroup: 'Create group',
  invitations: 'Invitations',
  invitationFrom: '{owner} invites you to {name}',
  accept: 'Accept',
  decline: 'Decline',
  yourGroups: 'Your groups',
  noGroups:
    'You are in no group yet. Create one above and invite people by the email they signed up with, or wait for someone to invite you.',
  ownerIs: 'Owner: {owner}',
  roleIs: 'Your role: {role}',
  role_owner: 'owner',
  role_member: 'member',
  role_invited: 'invited',
  memberCount: plural({ one: '{n} member', other: '{n} members' }),
  allGroups: 'All groups',
  members: 'Members',
  you: 'you',
  state_invited: 'invited',
  state_member: 'member',
  state_declined: 'declined',
  state_left: 'left',
  keysNotVerified: 'keys not verified',
  keysUnverifiedNote:
    'Keys not verified: compare safety numbers with them in Contacts, so you know these keys are theirs.',
  memberKeyChanged:
    '{email}’s keys changed since you added them. Compare the new safety number in Contacts before you trust what they publish.',
  servers: 'Servers',
  noServer: 'no personal server',
  serversNote:
    'Members see only each personal server’s country and whether it is online: never its address or its keys.',
  invite: 'Invite',
  inviteEmail: 'Their email',
  invitedDone: '{email} is invited.',
  removeMember: 'Remove {email}',
  removeTitle: 'Remove {email} from {name}?',
  removeText:
    'They lose access at once: the group gets a new key, and nothing published from now on opens for them. Their own files stay theirs.',
  leaveGroup: 'Leave group',
  leaveTitle: 'Leave {name}?',
  leaveText:
    'Your shelf leaves the catalog; your files stay where they are. To come back, you need a new invitation.',
  leave: 'Leave',
  deleteGroup: 'Delete group',
  deleteTitle: 'Delete {name} for everyone?',
  deleteText:
    'The group, its members and every shelf in it are gone for everyone at once. The files stay with the people who published them.',
  delete: 'Delete',
  searchCatalog: 'Search by name or tag',
  filterGroup: 'Group',
  filterMember: 'Member',
  filterKind: 'Kind',
  everyone: 'Everyone',
  allKinds: 'All kinds',
  kind_video: 'Video',
  kind_audio: 'Audio',
  kind_image: 'Image',
  kind_document: 'Document',
  kind_other: 'Other',
  sort_date: 'Newest first',
  sort_name: 'Name',
  sort_size: 'Largest first',
  sort_rating: 'Best rated first',
  entryCount: plural({ one: '{n} entry', other: '{n} entries' }),
  entryCountOf: plural({ one: '{n} of {total} entry', other: '{n} of {total} entries' }),
  showMore: 'Show more',
  clearFilters: 'Clear filters',
  catalogNoGroups:
    'The catalog shows what the people in your groups publish. You are in no group yet: create one, or accept an invitation, in Groups.',
  catalogEmpty:
    'Nothing is published in your groups yet. To publish a file of yours, select it in Files and choose “Publish to group…”.',
  catalogNoMatch: 'Nothing matches. Try other words, or clear the filters.',
  catalogBroken: plural({
    one: '{n} entry was signed by its author but does not open; it is left out.',
    other: '{n} entries were signed by their authors but do not open; they are left out.',
  }),
  byIn: 'by {author}, in {group}',
  tags: 'Tags',
  withdraw: 'Withdraw',
  withdrawEntry: 'Withdraw {name}',
  withdrawn: '{name} is withdrawn from {group}.',
  publishTitle: plural({
    one: 'Publish {n} file to a group',
    other: 'Publish {n} files to a group',
  }),
  publishHint:
    'The files stay where they are. The group’s members see each one’s name, size, kind, tags and note in their catalog.',
  publishTags: 'Tags (separated by commas)',
  publishNote: 'Note (optional)',
  publish: 'Publish',
  publishNoGroups: 'You are in no group yet. Create one in Groups first.',
  published: plural({
    one: '{n} file published to {group}.',
    other: '{n} files published to {group}.',
  }),
  done: 'Done',
  // The Feed page, copies and ratings.
  feedHint:
    'What the people in your groups publish, newest first. Keep what you want on your server, discard what you do not, and rate it for the others.',
  feedNoGroups:
    'Your feed shows what the people in your groups publish. You are in no group yet: create one, or accept an invitation, in Groups.',
  feedEmpty:
    'Nothing in your feed yet. When someone in your groups publishes a file, it shows here, marked new, until you mark it seen.',
  unreadCount: plural({ one: '{n} new', other: '{n} new' }),
  allSeen: 'Nothing new since you last looked.',
  markAllSeen: 'Mark all seen',
  isNew: 'New',
  keep: 'Keep',
  keepEntry: 'Keep {name} (copy it to my server)',
  onYourServer: 'On your server (mirrored)',
  kept: 'Kept',
  keptAt: 'Kept, copied to {path}.',
  discard: 'Discard',
  discardEntry: 'Discard {name}',
  discarded: '{name} is discarded: it no longer shows in your feed.',
  copyToServer: 'Copy to my server',
  copyEntry: 'Copy {name} to my server',
  copyingEntry: 'Copying {name}',
  copyOf: '{done} of {total}',
  copiedTo: 'Copied to {path}.',
  yourRating: 'Your rating of {name}',
  stars: plural({ one: '{n} star', other: '{n} stars' }),
  ratingSummary: plural({ one: '{average} from {n} rating', other: '{average} from {n} ratings' }),
  notRated: 'Not rated yet',
  youRated: plural({ one: 'you gave {n} star', other: 'you gave {n} stars' }),
  // Auto-mirror, on a group's page.
  mirrorTitle: 'Mirror new files to my server',
  mirrorIntro:
    'Files published in this group from now on are copied to your personal server as they appear. When the budget is full, the oldest mirrors you did not keep make room for new ones.',
  mirrorBudget: 'Budget',
  mirrorBudgetBad: 'Write a size such as 200 GiB, 500 MB or 2 TB.',
  mirrorNeedsServer:
    'Auto-mirror copies files to a personal server of yours, and you have none yet. Start one with “coffer host --personal”, then claim it with “coffer host claim”.',
  mirrorMember: 'Whose files',
  mirrorSave: 'Save',
  mirrorUsed: '{used} of {budget} used',
  mirrorCount: plural({ one: '{n} item mirrored', other: '{n} items mirrored' }),
  mirrorOnDone: 'New files in {name} are mirrored to your server.',
  mirrorSaved: 'Mirroring of {name} is updated.',
  mirrorOffTitle: 'Stop mirroring {name}?',
  mirrorOffText:
    'Mirrored items you did not keep are removed from your server. Files you copied into your own folders stay.',
  mirrorOff: 'Stop mirroring',
  mirrorOffDone: 'New files in {name} are no longer mirrored.',
};
export type GroupStrings = typeof en;
