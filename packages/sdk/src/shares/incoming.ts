import { decryptMetadata, fromBase64Url, type NodeId, openFolderKeyAsMember } from '@coffer/crypto';
import { IntegrityError } from '@coffer/errors';
import type { ShareInfo } from '@coffer/protocol';
import type { LookupScope } from '../contacts.ts';
import { fromHub } from '../keys.ts';
import { checkList, type ListDeps, ownIdentity, writers } from './member-lists.ts';
import type { IncomingShare } from './types.ts';

/**
 * A folder shared with us, opened only after the checks of [Note: Folder shares]: the owner's
 * keys, their signed list against the newest one we accepted, that it names us, and the folder
 * key sealed for this share by the owner.
 */
export async function openIncoming(
  deps: ListDeps,
  s: ShareInfo,
  within: LookupScope,
): Promise<IncomingShare> {
  const what = `share ${s.id} from ${s.ownerEmail}`;
  await deps.contacts.add(s.ownerEmail, { within });
  const owner = await deps.contacts.keysFor(s.ownerEmail, { within });
  if (owner.accountId !== s.ownerId)
    throw new IntegrityError(`${what}: the hub names another owner than ${s.ownerEmail}`);
  const expect = { shareId: s.id, folderId: s.nodeId as NodeId, ownerId: owner.accountId };
  const pinned = await deps.contacts.sharePin(s.id);
  const { list, pin } = await checkList(
    `member list of ${what}`,
    s,
    expect,
    [owner.signingPublic, ...owner.previousSigning],
    pinned,
  );
  const mine = list.members.find((m) => m.accountId === deps.keys.accountId);
  if (!mine)
    throw new IntegrityError(
      `${what}: the owner's member list does not name you (re-added by the hub?)`,
    );
  await deps.contacts.pinShare(s.id, pin);

  const sealed = s.keys.find((k) => k.keyVersion === list.keyVersion);
  if (!sealed) throw new IntegrityError(`${what}: no folder key for you`);
  if (s.folder.id !== s.nodeId) throw new IntegrityError(`${what}: the hub served another folder`);
  const me = ownIdentity(deps);
  const key = await fromHub(`folder key of ${what}`, () =>
    openFolderKeyAsMember(
      fromBase64Url(sealed.sealed, 'sealed'),
      { ...expect, keyVersion: list.keyVersion },
      { accountId: owner.accountId, signingPublic: owner.signingPublic },
      me,
    ),
  );
  const meta = await fromHub(`name of ${what}`, () =>
    decryptMetadata(key, fromBase64Url(s.folder.metadata, 'metadata'), {
      nodeId: s.nodeId as NodeId,
      kind: 'folder',
    }),
  );
  const emails = new Map(s.members.map((m) => [m.accountId, m.email]));
  const { authors, unchecked } = await writers(
    deps,
    list,
    s,
    {
      accountId: owner.accountId,
      signingPublic: owner.signingPublic,
      older: owner.previousSigning,
    },
    within,
  );
  return {
    id: s.id,
    owner: { email: s.ownerEmail, accountId: owner.accountId },
    role: mine.role,
    members: list.members.map((m) => ({ ...m, email: emails.get(m.accountId) ?? '' })),
    uncheckedWriters: unchecked,
    folder: { info: s.folder, kind: 'folder', key, meta, authors },
  };
}
