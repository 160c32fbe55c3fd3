import { IntegrityError, ValidationError } from '@coffer/errors';
import { platform } from '#platform';
import { ByteReader, ByteWriter, toHex } from './bytes.ts';
import { checkHeader, header } from './format.ts';
import type { Identity } from './identity.ts';
import { openSealed, sealToRecipient } from './share.ts';
import { signWithLabel, verifyWithLabel } from './sign.ts';
import {
  type AccountId,
  type AgreementPublicKey,
  asKey,
  type FolderKey,
  idBytes,
  type NodeId,
  type SigningPublicKey,
} from './types.ts';

// [Note: Member lists]
// Who may read and who may write a shared folder is decided by its owner alone: a member list,
// signed by the owner and versioned. Members check every list against the newest one they
// have seen (a lower version is a rollback, the same version with other contents is
// equivocation), so a hub cannot quietly re-add a removed member or hand out an old list, and
// a node written by anyone the list does not name as a writer is refused.
//
//   header ‖ shareId(16) ‖ folderId(16) ‖ ownerId(16) ‖ version u32 ‖ keyVersion u32
//   ‖ count u32 ‖ (accountId(16) ‖ role u8)* ‖ Ed25519(owner, "coffer/v1/member-list\0" ‖ body)
//
// Members are sorted by account id, each at most once, never the owner. role 1 = read, 2 = write.

export type ShareRole = 'read' | 'write';

export interface MemberList {
  /** The share's id: 16 random bytes in hex, like node ids. */
  shareId: string;
  folderId: NodeId;
  ownerId: AccountId;
  version: number;
  /** The folder key version members hold (bumped when a member is removed). */
  keyVersion: number;
  members: { accountId: AccountId; role: ShareRole }[];
}

/** What a member remembers of the newest list it accepted. */
export interface PinnedMemberList {
  version: number;
  /** SHA-256 of the signed list, hex. */
  digest: string;
}

const LABEL = 'member-list';
const MAX_MEMBERS = 10_000;
const ROLES: Record<ShareRole, number> = { read: 1, write: 2 };

function body(list: MemberList): Uint8Array {
  const seen = new Set<string>();
  const sorted = [...list.members].sort((a, b) => (a.accountId < b.accountId ? -1 : 1));
  for (const m of sorted) {
    if (m.accountId === list.ownerId)
      throw new ValidationError('members', 'the owner is not a member of their own share');
    if (seen.has(m.accountId)) throw new ValidationError('members', `${m.accountId} twice`);
    seen.add(m.accountId);
  }
  if (sorted.length > MAX_MEMBERS)
    throw new ValidationError('members', `at most ${MAX_MEMBERS} members`);
  const w = new ByteWriter()
    .raw(header('memberList'))
    .raw(idBytes(list.shareId as NodeId))
    .raw(idBytes(list.folderId))
    .raw(idBytes(list.ownerId))
    .u32(list.version)
    .u32(list.keyVersion)
    .u32(sorted.length);
  for (const m of sorted) w.raw(idBytes(m.accountId)).u8(ROLES[m.role]);
  return w.finish();
}

export function signMemberList(list: MemberList, owner: Identity): Uint8Array {
  const b = body(list);
  return new ByteWriter()
    .raw(b)
    .raw(signWithLabel(LABEL, b, owner.signingSecret))
    .finish();
}

/**
 * Checks a member list the hub served: the owner's signature (with the owner key the caller
 * pinned), that it is the list of this share, folder and owner, and, with `pinned`, that it
 * is not older than the newest list seen nor a second list under one version.
 */
export async function verifyMemberList(
  signed: Uint8Array,
  expect: { shareId: string; folderId: NodeId; ownerId: AccountId },
  ownerKey: SigningPublicKey,
  pinned?: PinnedMemberList,
): Promise<{ list: MemberList; pin: PinnedMemberList }> {
  checkHeader(signed, 'memberList');
  const r = new ByteReader(signed, 'memberList');
  r.raw(4);
  const shareId = toHex(r.raw(16));
  const folderId = toHex(r.raw(16)) as NodeId;
  const ownerId = toHex(r.raw(16)) as AccountId;
  const version = r.u32();
  const keyVersion = r.u32();
  const count = r.u32();
  if (count > MAX_MEMBERS) throw new IntegrityError('memberList: too many members');
  const members: MemberList['members'] = [];
  for (let i = 0; i < count; i++) {
    const accountId = toHex(r.raw(16)) as AccountId;
    const role = r.u8();
    if (role !== 1 && role !== 2) throw new IntegrityError('memberList: unknown role');
    members.push({ accountId, role: role === 2 ? 'write' : 'read' });
  }
  const signedBody = signed.subarray(0, signed.length - 64);
  const signature = r.raw(64);
  r.end();
  if (!verifyWithLabel(LABEL, signedBody, signature, ownerKey))
    throw new IntegrityError('memberList: not signed by the share’s owner');
  if (shareId !== expect.shareId || folderId !== expect.folderId || ownerId !== expect.ownerId)
    throw new IntegrityError('memberList: belongs to another share');
  const ids = members.map((m) => m.accountId);
  if (ids.some((id, i) => i > 0 && (ids[i - 1] as string) >= id))
    throw new IntegrityError('memberList: members not sorted or repeated');
  if (members.some((m) => m.accountId === ownerId))
    throw new IntegrityError('memberList: lists the owner as a member');
  const digest = toHex(await platform.sha256(signed));
  if (pinned) {
    if (version < pinned.version)
      throw new IntegrityError('memberList: rolled back to an older version');
    if (version === pinned.version && digest !== pinned.digest)
      throw new IntegrityError('memberList: two lists with one version');
  }
  return {
    list: { shareId, folderId, ownerId, version, keyVersion, members },
    pin: { version, digest },
  };
}

// ---- folder keys for members -----------------------------------------------------------

const folderKeyContext = (
  p: { shareId: string; folderId: NodeId; keyVersion: number },
  ownerId: AccountId,
  memberId: AccountId,
) => ({
  purpose: 'share-folder-key',
  senderId: ownerId,
  recipientId: memberId,
  fields: [idBytes(p.shareId as NodeId), idBytes(p.folderId), p.keyVersion],
});

/** Seals a shared folder's key (one version of it) to a member, signed by the owner. */
export function sealFolderKeyForMember(
  folderKey: FolderKey,
  place: { shareId: string; folderId: NodeId; keyVersion: number },
  owner: Identity & { accountId: AccountId },
  member: { accountId: AccountId; agreementPublic: AgreementPublicKey },
): Promise<Uint8Array> {
  return sealToRecipient(
    folderKey,
    member.agreementPublic,
    owner.signingSecret,
    folderKeyContext(place, owner.accountId, member.accountId),
  );
}

/**
 * Opens a folder key sealed to `me` by the share's owner. A box made for another share,
 * folder, key version or member, or not by the owner, is an IntegrityError or DecryptionError.
 */
export async function openFolderKeyAsMember(
  sealed: Uint8Array,
  place: { shareId: string; folderId: NodeId; keyVersion: number },
  owner: { accountId: AccountId; signingPublic: SigningPublicKey },
  me: Identity & { accountId: AccountId },
): Promise<FolderKey> {
  const raw = await openSealed(
    sealed,
    { secret: me.agreementSecret, public: me.agreementPublic },
    owner.signingPublic,
    folderKeyContext(place, owner.accountId, me.accountId),
  );
  if (raw.length !== 32) throw new IntegrityError('sealedBox: folder key has the wrong length');
  return asKey.folder(raw);
}
