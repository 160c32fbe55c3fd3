import {
  type AccountId,
  decryptMetadata,
  fromBase64Url,
  type MemberList,
  type NodeId,
  newNodeId,
  openFolderKeyAsMember,
  type PinnedMemberList,
  type ShareRole,
  type SigningPublicKey,
  sealFolderKeyForMember,
  signMemberList,
  toBase64Url,
  verifyMemberList,
} from '@coffer/crypto';
import { IntegrityError, KeyChangedError, ValidationError } from '@coffer/errors';
import type { ShareInfo } from '@coffer/protocol';
import type { CofferClient } from './client.ts';
import { type Author, fromHub, type OpenNode } from './keys.ts';

// [Note: Folder shares]
// The owner signs a member list ([Note: Member lists]) and seals the folder key to each member
// whose keys the contacts check lets through (a key change blocks the share). A member accepts
// a share only after checking the list with the owner's pinned key and against the newest list
// it accepted (pinned in its contact book), that it names the member, and that the folder key
// was sealed for this share, folder and version by the owner. Inside the share, manifests must
// be signed by the owner or by a writer the list names; anything else is an IntegrityError.

export interface ShareMember {
  email: string;
  accountId: string;
  role: ShareRole;
}

/** A folder someone shared with us, opened and checked. */
export interface IncomingShare {
  id: string;
  owner: { email: string; accountId: string };
  role: ShareRole;
  members: ShareMember[];
  /**
   * Writers whose keys could not be checked (changed and not verified again, or hidden by the
   * hub): their files in the share do not verify until the user verifies them.
   */
  uncheckedWriters: string[];
  /** The shared folder: list it with `client.listOpen`, read files with `downloadFile`. */
  folder: OpenNode & { kind: 'folder' };
}

/** A folder we share. */
export interface OutgoingShare {
  id: string;
  folderId: string;
  members: ShareMember[];
}

export class Shares {
  /** The writers of each folder we share, by folder id, with the list version they are from. */
  private owned: Promise<Map<string, { version: number; authors: Author[] }>> | null = null;

  constructor(private readonly client: CofferClient) {}

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
    const cached = (await this.owned).get(folderId);
    if (version !== undefined && cached?.version !== version) this.owned = load();
    const found = (await this.owned).get(folderId);
    if (found) return found.authors;
    // The hub marks a share we cannot find: only our own signature is trusted there.
    return version !== undefined ? [await this.myAuthor()] : undefined;
  }

  private async loadOwned(): Promise<Map<string, { version: number; authors: Author[] }>> {
    const out = new Map<string, { version: number; authors: Author[] }>();
    const { outgoing: list } = await this.client.hub.call('shares', {});
    for (const s of list) {
      const members = await this.ownList(s);
      const { authors } = await this.writers(members, s, await this.myAuthor());
      out.set(s.nodeId, { version: members.version, authors });
    }
    // A folder our own book says we share, which the hub no longer lists: only we are trusted.
    for (const pin of Object.values(await this.client.contacts.sharePins())) {
      if (pin.folderId && !out.has(pin.folderId))
        out.set(pin.folderId, { version: pin.version, authors: [await this.myAuthor()] });
    }
    return out;
  }

  /**
   * Shares the folder at `path` with a contact, read-only or read-write, or changes their role.
   * The contact's keys are checked first: a key change is a KeyChangedError.
   */
  async share(path: string, email: string, role: ShareRole): Promise<OutgoingShare> {
    if (role !== 'read' && role !== 'write') throw new ValidationError('role', 'read or write');
    const folder = await this.client.resolve(path);
    if (folder.kind !== 'folder') throw new ValidationError('path', 'is a file; share a folder');
    if (folder.info.parentId === null)
      throw new ValidationError('path', 'is your root folder; share a folder inside it');
    await this.client.contacts.add(email);
    const them = await this.client.contacts.keysFor(email);
    const me = this.me();
    const current = (await this.client.hub.call('shares', {})).outgoing.find(
      (s) => s.nodeId === folder.info.id,
    );
    const previous = current ? await this.ownList(current) : null;
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
    const place = { shareId: list.shareId, folderId: list.folderId, keyVersion: list.keyVersion };
    const recipients = previous ? [them] : [them, { ...me, agreementPublic: me.agreementPublic }];
    const keys = await Promise.all(
      recipients.map(async (r) => ({
        accountId: r.accountId,
        keyVersion: list.keyVersion,
        sealed: toBase64Url(await sealFolderKeyForMember(folder.key, place, me, r)),
      })),
    );
    this.owned = null;
    const signed = signMemberList(list, me);
    const info = await this.client.hub.call('putShare', {
      body: { id: list.shareId, nodeId: list.folderId, memberList: toBase64Url(signed), keys },
    });
    const { pin } = await verifyMemberList(signed, list, me.signingPublic);
    await this.client.contacts.pinShare(list.shareId, { ...pin, folderId: list.folderId });
    return outgoing(info, list);
  }

  /** The folders we share, each with its members as our own signed list names them. */
  async outgoing(): Promise<OutgoingShare[]> {
    const { outgoing: list } = await this.client.hub.call('shares', {});
    return Promise.all(list.map(async (s) => outgoing(s, await this.ownList(s))));
  }

  /** Folders shared with us ("Shared with me"), each checked as [Note: Folder shares] says. */
  async incoming(): Promise<IncomingShare[]> {
    const { incoming: list } = await this.client.hub.call('shares', {});
    const out: IncomingShare[] = [];
    for (const s of list) out.push(await this.open(s));
    return out;
  }

  // ---- internals ----

  private me() {
    return { ...this.client.keys.identity, accountId: this.client.keys.accountId };
  }

  private async myAuthor(): Promise<Author> {
    const me = this.me();
    return {
      accountId: me.accountId,
      signingPublic: me.signingPublic,
      older: await this.client.contacts.ownPreviousKeys(),
    };
  }

  /**
   * Who may write in a share: `owner`, then each writer the list names with the keys our
   * contacts check gives. A writer the hub hides, or whose keys changed and are not verified
   * again, is left out (`unchecked`): their nodes fail to verify until then.
   */
  private async writers(list: MemberList, s: ShareInfo, owner: Author) {
    const emails = new Map(s.members.map((m) => [m.accountId, m.email]));
    const authors: Author[] = [owner];
    const unchecked: string[] = [];
    for (const m of list.members) {
      if (m.role !== 'write') continue;
      if (m.accountId === this.client.keys.accountId) {
        authors.push(await this.myAuthor());
        continue;
      }
      const email = emails.get(m.accountId);
      if (!email) {
        unchecked.push(m.accountId);
        continue;
      }
      await this.client.contacts.add(email);
      try {
        const w = await this.client.contacts.keysFor(email);
        if (w.accountId !== m.accountId) unchecked.push(email);
        else
          authors.push({
            accountId: w.accountId,
            signingPublic: w.signingPublic,
            older: w.previousSigning,
          });
      } catch (e) {
        if (!(e instanceof KeyChangedError)) throw e;
        unchecked.push(email);
      }
    }
    return { authors, unchecked };
  }

  /** Our own list of a share we own, checked with our key. */
  private async ownList(s: ShareInfo): Promise<MemberList> {
    const me = this.me();
    if (s.ownerId !== me.accountId) throw new IntegrityError(`share ${s.id}: not ours`);
    const { list, pin } = await checkList(
      `member list of share ${s.id}`,
      s,
      { shareId: s.id, folderId: s.nodeId as NodeId, ownerId: me.accountId },
      [me.signingPublic, ...(await this.client.contacts.ownPreviousKeys())],
      await this.client.contacts.sharePin(s.id),
    );
    await this.client.contacts.pinShare(s.id, pin);
    return list;
  }

  private async open(s: ShareInfo): Promise<IncomingShare> {
    const what = `share ${s.id} from ${s.ownerEmail}`;
    await this.client.contacts.add(s.ownerEmail);
    const owner = await this.client.contacts.keysFor(s.ownerEmail);
    if (owner.accountId !== s.ownerId)
      throw new IntegrityError(`${what}: the hub names another owner than ${s.ownerEmail}`);
    const expect = { shareId: s.id, folderId: s.nodeId as NodeId, ownerId: owner.accountId };
    const pinned = await this.client.contacts.sharePin(s.id);
    const { list, pin } = await checkList(
      `member list of ${what}`,
      s,
      expect,
      [owner.signingPublic, ...owner.previousSigning],
      pinned,
    );
    const mine = list.members.find((m) => m.accountId === this.client.keys.accountId);
    if (!mine)
      throw new IntegrityError(
        `${what}: the owner's member list does not name you (re-added by the hub?)`,
      );
    await this.client.contacts.pinShare(s.id, pin);

    const sealed = s.keys.find((k) => k.keyVersion === 1);
    if (!sealed) throw new IntegrityError(`${what}: no folder key for you`);
    if (s.folder.id !== s.nodeId)
      throw new IntegrityError(`${what}: the hub served another folder`);
    const me = this.me();
    const key = await fromHub(`folder key of ${what}`, () =>
      openFolderKeyAsMember(
        fromBase64Url(sealed.sealed, 'sealed'),
        { ...expect, keyVersion: 1 },
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
    const { authors, unchecked } = await this.writers(list, s, {
      accountId: owner.accountId,
      signingPublic: owner.signingPublic,
      older: owner.previousSigning,
    });
    return {
      id: s.id,
      owner: { email: s.ownerEmail, accountId: owner.accountId },
      role: mine.role,
      members: list.members.map((m) => ({ ...m, email: emails.get(m.accountId) ?? '' })),
      uncheckedWriters: unchecked,
      folder: { info: s.folder, kind: 'folder', key, meta, authors },
    };
  }
}

function outgoing(info: ShareInfo, list: MemberList): OutgoingShare {
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
async function checkList(
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
