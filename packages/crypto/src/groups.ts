import { IntegrityError, ValidationError } from '@coffer/errors';
import { platform } from '#platform';
import { ByteReader, ByteWriter, toHex, utf8 } from './bytes.ts';
import { openEnvelope, sealEnvelope } from './envelope.ts';
import { checkHeader, header } from './format.ts';
import type { Identity } from './identity.ts';
import type { PinnedMemberList } from './members.ts';
import { openSealed, sealToRecipient } from './share.ts';
import { signWithLabel, verifyWithLabel } from './sign.ts';
import {
  type AccountId,
  type AgreementPublicKey,
  asKey,
  type GroupKey,
  idBytes,
  type NodeId,
  type SigningPublicKey,
} from './types.ts';

// [Note: Groups]
// A private group of people who know each other. Its owner alone decides who is in it: a
// roster, signed by the owner and versioned, checked by members like a share's member list
// (a lower version is a rollback, the same version with other contents is equivocation), so a
// hub can neither add anyone nor quietly serve an older roster.
//
//   roster: header ‖ groupId(16) ‖ ownerId(16) ‖ version u32 ‖ keyVersion u32 ‖ count u32
//           ‖ accountId(16)* ‖ Ed25519(owner, "coffer/v1/group-roster\0" ‖ body)
//
// Members are sorted, each once, never the owner. Everything in the group (its name, later
// its shelves) is sealed under the group key: 32 random bytes per key version, sealed to each
// member by the owner (sealToRecipient, purpose "group-key", bound to group id, key version
// and both accounts). Removing a member makes a new key version sealed to those who remain, so
// nothing sealed afterwards opens with the removed member's keys.

export interface GroupRoster {
  /** 16 random bytes in hex, like node ids. */
  groupId: string;
  ownerId: AccountId;
  version: number;
  /** The newest group key version, which members hold. */
  keyVersion: number;
  /** Invited members (the owner is not one); an invitation is accepted at the hub. */
  members: AccountId[];
}

const LABEL = 'group-roster';
export const MAX_GROUP_MEMBERS = 1000;
const NAME_BYTES = 200;

function rosterBody(r: GroupRoster): Uint8Array {
  const sorted = [...r.members].sort();
  sorted.forEach((m, i) => {
    if (m === r.ownerId) throw new ValidationError('members', 'the owner is not a member');
    if (i > 0 && sorted[i - 1] === m) throw new ValidationError('members', `${m} twice`);
  });
  if (sorted.length > MAX_GROUP_MEMBERS)
    throw new ValidationError('members', `at most ${MAX_GROUP_MEMBERS} members`);
  const w = new ByteWriter()
    .raw(header('groupRoster'))
    .raw(idBytes(r.groupId as NodeId))
    .raw(idBytes(r.ownerId))
    .u32(r.version)
    .u32(r.keyVersion)
    .u32(sorted.length);
  for (const m of sorted) w.raw(idBytes(m));
  return w.finish();
}

export function signGroupRoster(r: GroupRoster, owner: Identity): Uint8Array {
  const b = rosterBody(r);
  return new ByteWriter()
    .raw(b)
    .raw(signWithLabel(LABEL, b, owner.signingSecret))
    .finish();
}

/**
 * Checks a roster the hub served: the owner's signature (with the owner key the caller
 * pinned), that it is this group's, and, with `pinned`, that it is neither older than the
 * newest one seen nor a second roster under one version.
 */
export async function verifyGroupRoster(
  signed: Uint8Array,
  expect: { groupId: string; ownerId: AccountId },
  ownerKey: SigningPublicKey,
  pinned?: PinnedMemberList,
): Promise<{ roster: GroupRoster; pin: PinnedMemberList }> {
  checkHeader(signed, 'groupRoster');
  const r = new ByteReader(signed, 'groupRoster');
  r.raw(4);
  const groupId = toHex(r.raw(16));
  const ownerId = toHex(r.raw(16)) as AccountId;
  const version = r.u32();
  const keyVersion = r.u32();
  const count = r.u32();
  if (count > MAX_GROUP_MEMBERS) throw new IntegrityError('groupRoster: too many members');
  const members: AccountId[] = [];
  for (let i = 0; i < count; i++) members.push(toHex(r.raw(16)) as AccountId);
  const body = signed.subarray(0, signed.length - 64);
  const signature = r.raw(64);
  r.end();
  if (!verifyWithLabel(LABEL, body, signature, ownerKey))
    throw new IntegrityError('groupRoster: not signed by the group’s owner');
  if (groupId !== expect.groupId || ownerId !== expect.ownerId)
    throw new IntegrityError('groupRoster: belongs to another group');
  if (members.some((id, i) => i > 0 && (members[i - 1] as string) >= id))
    throw new IntegrityError('groupRoster: members not sorted or repeated');
  if (members.includes(ownerId)) throw new IntegrityError('groupRoster: lists the owner');
  const digest = toHex(await platform.sha256(signed));
  if (pinned) {
    if (version < pinned.version)
      throw new IntegrityError('groupRoster: rolled back to an older version');
    if (version === pinned.version && digest !== pinned.digest)
      throw new IntegrityError('groupRoster: two rosters with one version');
  }
  return { roster: { groupId, ownerId, version, keyVersion, members }, pin: { version, digest } };
}

// ---- group keys ----------------------------------------------------------------------------

export const newGroupKey = (): GroupKey => platform.randomBytes(32) as GroupKey;

const keyContext = (
  place: { groupId: string; keyVersion: number },
  ownerId: AccountId,
  memberId: AccountId,
) => ({
  purpose: 'group-key',
  senderId: ownerId,
  recipientId: memberId,
  fields: [idBytes(place.groupId as NodeId), place.keyVersion],
});

/** Seals one version of a group key to a member (or to the owner), signed by the owner. */
export function sealGroupKey(
  key: GroupKey,
  place: { groupId: string; keyVersion: number },
  owner: Identity & { accountId: AccountId },
  member: { accountId: AccountId; agreementPublic: AgreementPublicKey },
): Promise<Uint8Array> {
  return sealToRecipient(
    key,
    member.agreementPublic,
    owner.signingSecret,
    keyContext(place, owner.accountId, member.accountId),
  );
}

/**
 * Opens a group key sealed to `me` by the group's owner. One made for another group, key
 * version or member, or not by the owner, is an IntegrityError or DecryptionError.
 */
export async function openGroupKey(
  sealed: Uint8Array,
  place: { groupId: string; keyVersion: number },
  owner: { accountId: AccountId; signingPublic: SigningPublicKey },
  me: Identity & { accountId: AccountId },
): Promise<GroupKey> {
  const raw = await openSealed(
    sealed,
    { secret: me.agreementSecret, public: me.agreementPublic },
    owner.signingPublic,
    keyContext(place, owner.accountId, me.accountId),
  );
  if (raw.length !== 32) throw new IntegrityError('sealedBox: group key has the wrong length');
  return asKey.group(raw);
}

// ---- the group's name ----------------------------------------------------------------------

const nameSpec = (groupId: string, keyVersion: number) => ({
  format: 'groupName' as const,
  purpose: 'group-name',
  context: [idBytes(groupId as NodeId), keyVersion],
  prefix: new ByteWriter().u32(keyVersion).finish(),
});

/** The group's name, sealed under one version of its key; the hub never sees it. */
export async function sealGroupName(
  name: string,
  key: GroupKey,
  place: { groupId: string; keyVersion: number },
): Promise<Uint8Array> {
  const bytes = utf8.encode(name.normalize('NFC'));
  if (name.trim() === '' || bytes.length > NAME_BYTES)
    throw new ValidationError('name', `expected 1 to ${NAME_BYTES} bytes of text`);
  return sealEnvelope(nameSpec(place.groupId, place.keyVersion), key, bytes);
}

/** The key version a sealed group name was made under (authenticated only by opening it). */
export function groupNameKeyVersion(sealed: Uint8Array): number {
  checkHeader(sealed, 'groupName');
  return new ByteReader(sealed.subarray(4, 8), 'groupName').u32();
}

export async function openGroupName(
  sealed: Uint8Array,
  key: GroupKey,
  place: { groupId: string; keyVersion: number },
): Promise<string> {
  const bytes = await openEnvelope(nameSpec(place.groupId, place.keyVersion), key, sealed);
  return utf8.decode(bytes);
}
