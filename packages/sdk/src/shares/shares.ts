import {
  type AccountId,
  type FolderKey,
  type MemberList,
  type NodeId,
  newNodeId,
  type ShareRole,
  sealFolderKeyForMember,
  signMemberList,
  toBase64Url,
  verifyMemberList,
} from '@coffer/crypto';
import { ConflictError, IntegrityError, NotFoundError, ValidationError } from '@coffer/errors';
import type { ShareInfo } from '@coffer/protocol';
import { refuseRepeats } from '../checks.ts';
import type { LookupScope } from '../contacts.ts';
import type { Author } from '../keys.ts';
import { openIncoming } from './incoming.ts';
import { myAuthor, outgoing, ownIdentity, ownList, writers } from './member-lists.ts';
import { stageNewKeys } from './rotation.ts';
import type { IncomingShare, OutgoingShare, SharesDeps } from './types.ts';

// [Note: Folder shares]
// The owner signs a member list ([Note: Member lists]) and seals the folder key to each member
// whose keys the contacts check lets through (a key change blocks the share). A member accepts
// a share only after checking the list with the owner's pinned key and against the newest list
// it accepted (pinned in its contact book), that it names the member, and that the folder key
// was sealed for this share, folder and version by the owner. Inside the share, manifests must
// be signed by the owner or by a writer the list names; anything else is an IntegrityError.

export class Shares {
  /** The writers of each folder we share, by folder id, with the list version they are from. */
  private owned: Promise<Map<string, { version: number; authors: Author[] }>> | null = null;

  constructor(private readonly deps: SharesDeps) {}

  /**
   * For a folder of ours that we share (the hub marks it with its list's `version`): who may
   * write in it (us and the writers our list names), so what they wrote opens for us too.
   */
  async authorsOf(folderId: string, version?: number): Promise<readonly Author[] | undefined> {
    const load = () =>
      this.loadOwned().catch((e: unknown) => {
        this.owned = null;
        throw e;
      });
    this.owned ??= load();
    let found = (await this.owned).get(folderId);
    if (version !== undefined && found?.version !== version) {
      // Awaited as held here: a change to the shares meanwhile (a rotation) empties `this.owned`.
      const owned = load();
      this.owned = owned;
      found = (await owned).get(folderId);
    }
    if (found) return this.withApps(found.authors);
    // The hub marks a share we cannot find: only our own signature is trusted there.
    return version !== undefined ? this.withApps([await myAuthor(this.deps)]) : undefined;
  }

  /**
   * Our own entry with the keys of our writing apps too: they write as us, under a grant we
   * signed ([Note: Apps in the client]), also in a folder once shared or rotated for an app's
   * revocation (the members of a share refuse them: a writing app gets no shared folder).
   */
  private async withApps(authors: readonly Author[]): Promise<readonly Author[]> {
    const apps = (await this.deps.appAuthors?.()) ?? [];
    if (apps.length === 0) return authors;
    return authors.map((a) =>
      a.accountId === this.deps.keys.accountId ? { ...a, older: [...(a.older ?? []), ...apps] } : a,
    );
  }

  private async loadOwned(): Promise<Map<string, { version: number; authors: Author[] }>> {
    const out = new Map<string, { version: number; authors: Author[] }>();
    const { outgoing: list } = await this.listed();
    for (const s of list) {
      const members = await ownList(this.deps, s);
      const { authors } = await writers(this.deps, members, s, await myAuthor(this.deps));
      out.set(s.nodeId, { version: members.version, authors });
    }
    // A folder our own book says we share, which the hub no longer lists: only we are trusted.
    for (const pin of Object.values(await this.deps.contacts.sharePins())) {
      if (pin.folderId && !out.has(pin.folderId))
        out.set(pin.folderId, { version: pin.version, authors: [await myAuthor(this.deps)] });
    }
    return out;
  }

  /**
   * Shares the folder at `path` with a contact, read-only or read-write, or changes their role.
   * The contact's keys are checked first: a key change is a KeyChangedError.
   */
  async share(path: string, email: string, role: ShareRole): Promise<OutgoingShare> {
    if (role !== 'read' && role !== 'write') throw new ValidationError('role', 'read or write');
    const folder = await this.deps.tree.resolve(path);
    if (folder.kind !== 'folder') throw new ValidationError('path', 'is a file; share a folder');
    if (folder.info.parentId === null)
      throw new ValidationError('path', 'is your root folder; share a folder inside it');
    await this.deps.contacts.add(email);
    const them = await this.deps.contacts.keysFor(email);
    const me = ownIdentity(this.deps);
    const current = (await this.listed()).outgoing.find((s) => s.nodeId === folder.info.id);
    const previous = current ? await ownList(this.deps, current) : null;
    const list: MemberList = previous
      ? {
          ...previous,
          version: previous.version + 1,
          members: [
            ...previous.members.filter((m) => m.accountId !== them.accountId),
            { accountId: them.accountId, role },
          ],
        }
      : {
          shareId: newNodeId(),
          folderId: folder.info.id as NodeId,
          ownerId: me.accountId,
          version: 1,
          keyVersion: 1,
          members: [{ accountId: them.accountId, role }],
        };
    const recipients = previous ? [them] : [them, me];
    return outgoing(await this.putList(list, folder.key as FolderKey, recipients), list);
  }

  /**
   * Takes `email` off the folder shared at `path`, then rotates the folder's keys ([Note: Key
   * rotation]) so nothing written from now on opens with a key they hold. Taking off the last
   * member stops sharing (after the rotation). Returns the share (null when it ended) and the
   * ids of our apps there that were given the new keys ([Note: Resealing after a rotation]).
   */
  async remove(
    path: string,
    email: string,
  ): Promise<{ share: OutgoingShare | null; resealed: string[] }> {
    const folder = await this.deps.tree.resolve(path);
    const current = (await this.listed()).outgoing.find((s) => s.nodeId === folder.info.id);
    if (!current) throw new NotFoundError(`path: ${path} is not shared`);
    const list = await ownList(this.deps, current);
    const accountId =
      (await this.deps.contacts.accountOf(email)) ??
      current.members.find((m) => m.email === email.trim().toLowerCase())?.accountId;
    if (!accountId || !list.members.some((m) => m.accountId === accountId))
      throw new NotFoundError(`email: ${email} is not a member of this share`);
    const me = await myAuthor(this.deps);
    const before = (await writers(this.deps, list, current, me)).authors;
    const members = list.members.filter((m) => m.accountId !== accountId);
    // Off the list first, so the hub stops serving them at once, even if the rotation fails.
    const removed = { ...list, version: list.version + 1, members };
    let info = await this.putList(removed, folder.key as FolderKey, []);
    const after = new Set(
      (await writers(this.deps, removed, info, me)).authors.map((a) => a.accountId),
    );
    info = await this.rotate(
      path,
      removed,
      before.filter((a) => !after.has(a.accountId)),
    );
    const resealed = (await this.deps.rotated?.(folder.info.id)) ?? [];
    if (members.length > 0) {
      return { share: outgoing(info, { ...removed, version: removed.version + 1 }), resealed };
    }
    await this.deps.hub.call('deleteShare', { params: { id: info.id } });
    this.owned = null;
    return { share: null, resealed };
  }

  /**
   * Gives the folder at `path` and everything under it new keys, as a removal does ([Note: Key
   * rotation]), with what `removedAuthors` signed signed again by us: for an app whose access
   * ended ([Note: Apps in the client]). A folder we do not share is shared with nobody for the
   * rotation, as the last removal leaves it, and stops being shared after.
   */
  async rotateKeys(path: string, removedAuthors: readonly Author[]): Promise<void> {
    const folder = await this.deps.tree.resolve(path);
    const current = (await this.listed()).outgoing.find((s) => s.nodeId === folder.info.id);
    if (current) {
      await this.rotate(path, await ownList(this.deps, current), removedAuthors);
      return;
    }
    const alone: MemberList = {
      shareId: newNodeId(),
      folderId: folder.info.id as NodeId,
      ownerId: ownIdentity(this.deps).accountId,
      version: 1,
      keyVersion: folder.info.keyVersion ?? 1,
      members: [],
    };
    await this.putList(alone, folder.key as FolderKey, [ownIdentity(this.deps)]);
    const info = await this.rotate(path, alone, removedAuthors);
    await this.deps.hub.call('deleteShare', { params: { id: info.id } });
    this.owned = null;
  }

  /** Signs and puts a member list, sealing the folder key to `recipients`, and pins it. */
  private async putList(
    list: MemberList,
    folderKey: FolderKey,
    recipients: { accountId: AccountId; agreementPublic: ContactAgreement }[],
  ): Promise<ShareInfo> {
    const me = ownIdentity(this.deps);
    const place = { shareId: list.shareId, folderId: list.folderId, keyVersion: list.keyVersion };
    const keys = await Promise.all(
      recipients.map(async (r) => ({
        accountId: r.accountId,
        keyVersion: list.keyVersion,
        sealed: toBase64Url(await sealFolderKeyForMember(folderKey, place, me, r)),
      })),
    );
    this.owned = null;
    const signed = signMemberList(list, me);
    const info = await this.deps.hub.call('putShare', {
      body: { id: list.shareId, nodeId: list.folderId, memberList: toBase64Url(signed), keys },
    });
    const { pin } = await verifyMemberList(signed, list, me.signingPublic);
    await this.deps.contacts.pinShare(list.shareId, { ...pin, folderId: list.folderId });
    return info;
  }

  /** Rotates the keys of the folder shared at `path` (after a removal); retried on a race. */
  private async rotate(path: string, list: MemberList, removedWriters: readonly Author[]) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.rotateOnce(path, list, removedWriters);
      } catch (e) {
        if (!(e instanceof ConflictError) || attempt === 3) throw e;
        list = await ownList(
          this.deps,
          (await this.listed()).outgoing.find((s) => s.id === list.shareId) as ShareInfo,
        );
      }
    }
  }

  /** Stages new keys, then seals the folder's new key to us and the remaining members. */
  private async rotateOnce(
    path: string,
    list: MemberList,
    removedWriters: readonly Author[],
  ): Promise<ShareInfo> {
    const { keyVersion, rootKey } = await stageNewKeys(this.deps, path, list, removedWriters);

    const me = ownIdentity(this.deps);
    const recipients = [me];
    const emails = new Map(
      (await this.listed()).outgoing
        .find((s) => s.id === list.shareId)
        ?.members.map((m) => [m.accountId, m.email]) ?? [],
    );
    for (const m of list.members) {
      const email = emails.get(m.accountId);
      if (!email) throw new ConflictError(`share ${list.shareId}: member ${m.accountId} is gone`);
      // The keys we trusted last: a member whose keys changed since keeps what they had.
      const k = await this.deps.contacts.keysFor(email, { lastTrusted: true });
      if (k.accountId !== m.accountId)
        throw new IntegrityError(`share ${list.shareId}: ${email} names another account`);
      recipients.push({ ...me, accountId: k.accountId, agreementPublic: k.agreementPublic });
    }
    return this.putList(
      { ...list, version: list.version + 1, keyVersion },
      rootKey as FolderKey,
      recipients,
    );
  }

  /** The folders we share, each with its members as our own signed list names them. */
  async outgoing(): Promise<OutgoingShare[]> {
    const { outgoing: list } = await this.listed();
    return Promise.all(list.map(async (s) => outgoing(s, await ownList(this.deps, s))));
  }

  /** Folders shared with us ("Shared with me"), each checked as [Note: Folder shares] says. */
  async incoming(): Promise<IncomingShare[]> {
    const { incoming: list } = await this.listed();
    const out: IncomingShare[] = [];
    const within: LookupScope = new Map();
    for (const s of list) out.push(await openIncoming(this.deps, s, within));
    return out;
  }

  // ---- internals ----

  /** The hub's share listing; each share once, each folder of ours shared once. */
  private async listed() {
    const shares = await this.deps.hub.call('shares', {});
    refuseRepeats(
      shares.outgoing,
      (s) => s.id,
      'shares',
      (s) => `share ${s.id}`,
    );
    refuseRepeats(
      shares.outgoing,
      (s) => s.nodeId,
      'shares',
      (s) => `folder ${s.nodeId}`,
    );
    refuseRepeats(
      shares.incoming,
      (s) => s.id,
      'shares',
      (s) => `share ${s.id}`,
    );
    return shares;
  }
}

type ContactAgreement = Parameters<typeof sealFolderKeyForMember>[3]['agreementPublic'];
