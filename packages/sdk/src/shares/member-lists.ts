import {
  type AccountId,
  fromBase64Url,
  type MemberList,
  type NodeId,
  type PinnedMemberList,
  type SigningPublicKey,
  verifyMemberList,
} from '@coffer/crypto';
import { IntegrityError, KeyChangedError } from '@coffer/errors';
import type { ShareInfo } from '@coffer/protocol';
import type { ContactKeys, LookupScope } from '../contacts.ts';
import type { Author } from '../keys.ts';
import type { OutgoingShare, SharesDeps } from './types.ts';

// Member lists checked on either side of a share ([Note: Folder shares]), and the writers a
// list lets through.

/** What the checks need: our keys and the contacts that pin lists and keys. */
export type ListDeps = Pick<SharesDeps, 'keys' | 'contacts'>;

/** Our identity keys, with our account id: what we sign and seal with. */
export function ownIdentity(deps: Pick<SharesDeps, 'keys'>) {
  return { ...deps.keys.identity, accountId: deps.keys.accountId };
}

/** Us as a writer, with our signing keys from before a rotation. */
export async function myAuthor(deps: ListDeps): Promise<Author> {
  const me = ownIdentity(deps);
  return {
    accountId: me.accountId,
    signingPublic: me.signingPublic,
    older: await deps.contacts.ownPreviousKeys(),
  };
}

/**
 * Who may write in a share: `owner`, then each writer the list names with the keys our
 * contacts check gives. A writer the hub hides, or whose keys changed and are not verified
 * again, is left out (`unchecked`): their nodes fail to verify until then.
 */
export async function writers(
  deps: ListDeps,
  list: MemberList,
  s: ShareInfo,
  owner: Author,
  within: LookupScope = new Map(),
) {
  const emails = new Map(s.members.map((m) => [m.accountId, m.email]));
  const authors: Author[] = [owner];
  const unchecked: string[] = [];
  for (const m of list.members) {
    if (m.role !== 'write') continue;
    if (m.accountId === deps.keys.accountId) {
      authors.push(await myAuthor(deps));
      continue;
    }
    const email = emails.get(m.accountId);
    if (!email) {
      // An account the hub no longer has (deleted): what it wrote checks with our own pin.
      const pinned = await deps.contacts.pinnedKeys(m.accountId);
      if (pinned) authors.push(authorOf(pinned));
      else unchecked.push(m.accountId);
      continue;
    }
    await deps.contacts.add(email, { within });
    try {
      const w = await deps.contacts.keysFor(email, { within });
      if (w.accountId !== m.accountId) unchecked.push(email);
      else authors.push(authorOf(w));
    } catch (e) {
      if (!(e instanceof KeyChangedError)) throw e;
      unchecked.push(email);
    }
  }
  return { authors, unchecked };
}

/** Our own list of a share we own, checked with our key. */
export async function ownList(deps: ListDeps, s: ShareInfo): Promise<MemberList> {
  const me = ownIdentity(deps);
  if (s.ownerId !== me.accountId) throw new IntegrityError(`share ${s.id}: not ours`);
  const { list, pin } = await checkList(
    `member list of share ${s.id}`,
    s,
    { shareId: s.id, folderId: s.nodeId as NodeId, ownerId: me.accountId },
    [me.signingPublic, ...(await deps.contacts.ownPreviousKeys())],
    await deps.contacts.sharePin(s.id),
  );
  await deps.contacts.pinShare(s.id, pin);
  return list;
}

export function outgoing(info: ShareInfo, list: MemberList): OutgoingShare {
  const emails = new Map(info.members.map((m) => [m.accountId, m.email]));
  return {
    id: info.id,
    folderId: info.nodeId,
    members: list.members.map((m) => ({
      accountId: m.accountId as AccountId,
      email: emails.get(m.accountId) ?? '',
      role: m.role,
    })),
  };
}

/**
 * Checks a member list with the owner's keys, newest first (a list signed before the owner
 * rotated keys still verifies with the key they had), against the pin; the error keeps why.
 */
export async function checkList(
  what: string,
  s: ShareInfo,
  expect: { shareId: string; folderId: NodeId; ownerId: AccountId },
  ownerKeys: readonly SigningPublicKey[],
  pinned: PinnedMemberList | undefined,
) {
  const signed = fromBase64Url(s.memberList, 'memberList');
  let last: unknown;
  for (const key of ownerKeys) {
    try {
      return await verifyMemberList(signed, expect, key, pinned);
    } catch (e) {
      if (!(e instanceof IntegrityError)) throw e;
      last = e;
      // Only a bad signature is worth another key; a rollback is a rollback with any key.
      if (!/not signed by/.test(e.message)) break;
    }
  }
  throw new IntegrityError(`${what}: ${(last as Error).message}`, { cause: last });
}

/** A writer, with the keys their signatures verify with. */
const authorOf = (k: ContactKeys): Author => ({
  accountId: k.accountId,
  signingPublic: k.signingPublic,
  older: k.previousSigning,
});
