import {
  type AccountId,
  asKey,
  createKeyBundle,
  encryptMetadata,
  equalBytes,
  type FolderKey,
  finishLogin,
  finishRegistration,
  formatRecoveryKey,
  fromBase64Url,
  generateIdentity,
  type Identity,
  type MasterKey,
  type NodeId,
  nameHash,
  nameProblem,
  newAccountId,
  newFolderKey,
  newMasterKey,
  newNodeId,
  newRecoveryKey,
  parseAccountId,
  parseNodeId,
  parseRecoveryKey,
  recoveryProof,
  startLogin,
  startRegistration,
  toBase64Url,
  unwrapIdentity,
  unwrapMasterKeyWithPassword,
  unwrapMasterKeyWithRecovery,
  unwrapRootKey,
  verifyKeyBundle,
  wrapIdentity,
  wrapMasterKeyWithPassword,
  wrapMasterKeyWithRecovery,
  wrapNodeKey,
  wrapRootKey,
} from '@coffer/crypto';
import {
  AuthError,
  ConflictError,
  DecryptionError,
  IntegrityError,
  NotFoundError,
  ValidationError,
} from '@coffer/errors';
import type {
  AccountInfo,
  FolderPolicy,
  NodeInfo,
  RouteResponse,
  SessionGrant,
} from '@coffer/protocol';
import { Contacts } from './contacts.ts';
import { HubClient } from './hub-client.ts';
import {
  type AccountKeys,
  fromHub,
  nodeSignature,
  type OpenNode,
  openChild,
  openNode,
} from './keys.ts';
import { Links } from './links.ts';
import { FileRequests } from './requests.ts';
import type { RetryPolicy } from './retry.ts';
import { Shares } from './shares.ts';
import {
  type DownloadOptions,
  downloadFile,
  openFileManifest,
  type SmallFile,
  type TransferOptions,
  type UploadOptions,
  type UploadSource,
  uploadFile,
  uploadSmallFiles,
} from './transfers.ts';

/** What a client keeps to resume a session without the password (store it like a secret). */
export interface SavedSession {
  hubUrl: string;
  token: string;
  sessionId: string;
  expiresAt: number;
  accountId: string;
  email: string;
  /** base64url. Whoever holds it can read the account's files: keep it 0600. */
  masterKey: string;
  /** The highest contact book version seen, so an older one from the hub is caught. */
  contactsVersion?: number;
}

/** A file or folder, decrypted. */
export interface Entry {
  id: NodeId;
  parentId: NodeId | null;
  kind: 'file' | 'folder';
  name: string;
  /** Plaintext bytes of the current revision (files). */
  size: number;
  mtime: number | null;
  mime: string | null;
  revision: number | null;
  version: number;
  createdAt: number;
  updatedAt: number;
  trashedAt: number | null;
}

export interface ClientOptions {
  hubUrl: string;
  deviceName?: string;
  retry?: RetryPolicy;
}

export function toEntry(n: OpenNode): Entry {
  return {
    id: n.info.id as NodeId,
    parentId: n.info.parentId as NodeId | null,
    kind: n.kind,
    name: n.meta.name,
    size: n.meta.size ?? 0,
    mtime: n.meta.mtime ?? null,
    mime: n.meta.mime ?? null,
    revision: n.info.revision,
    version: n.info.version,
    createdAt: n.info.createdAt,
    updatedAt: n.info.updatedAt,
    trashedAt: n.info.trashedAt,
  };
}

/** Splits "/a/b/c" into names, checking each; "" and "/" are the root. */
export function splitPath(path: string): string[] {
  if (typeof path !== 'string') throw new ValidationError('path', 'expected a string');
  const names = path
    .normalize('NFC')
    .split('/')
    .filter((p) => p.length > 0);
  for (const n of names) {
    const problem = nameProblem(n);
    if (problem) throw new ValidationError('path', `"${n}" ${problem}`);
  }
  return names;
}

async function unlockAccount(
  account: AccountInfo,
  masterKey: MasterKey,
): Promise<{ keys: AccountKeys; identity: Identity }> {
  const accountId = parseAccountId(account.id);
  const rootId = parseNodeId(account.rootId, 'rootId');
  const identity = await fromHub('account keys', () =>
    unwrapIdentity(
      masterKey,
      {
        signing: fromBase64Url(account.wrappedIdentity.signing, 'wrappedIdentity.signing'),
        agreement: fromBase64Url(account.wrappedIdentity.agreement, 'wrappedIdentity.agreement'),
      },
      accountId,
    ),
  );
  // The hub serves our own bundle to our contacts: it must carry the keys we hold.
  const own = await fromHub('own key bundle', async () =>
    verifyKeyBundle(fromBase64Url(account.keyBundle, 'keyBundle'), accountId),
  );
  if (
    !equalBytes(own.signingPublic, identity.signingPublic) ||
    !equalBytes(own.agreementPublic, identity.agreementPublic)
  ) {
    throw new IntegrityError('own key bundle: the hub serves keys that are not this account’s');
  }
  const rootKey = await fromHub('root folder key', () =>
    unwrapRootKey(
      masterKey,
      fromBase64Url(account.rootWrappedKey, 'rootWrappedKey'),
      accountId,
      rootId,
    ),
  );
  return {
    identity,
    keys: {
      accountId,
      email: account.email,
      masterKey,
      identity,
      keyVersion: own.version,
      rootId,
      rootKey,
    },
  };
}

/**
 * A logged-in account: its tree and its transfers. Create one with `CofferClient.signup`,
 * `login`, `recover` or `resume`.
 */
export class CofferClient {
  readonly hub: HubClient;
  readonly keys: AccountKeys;
  private session: SavedSession;

  /** Contacts: pinned keys, fingerprints and verification ([Note: Contacts]). */
  readonly contacts: Contacts;
  /** Folder shares, both ways ([Note: Folder shares]). */
  readonly shares: Shares;
  /** Public links to your files and folders ([Note: Public links]). */
  readonly links: Links;
  /** Upload-only links into your folders ([Note: File requests in the SDK]). */
  readonly requests: FileRequests;

  protected constructor(hub: HubClient, keys: AccountKeys, session: SavedSession) {
    this.hub = hub;
    this.keys = keys;
    this.session = session;
    this.contacts = new Contacts(hub, keys, session.contactsVersion ?? 0, (v) => {
      this.session.contactsVersion = v;
    });
    this.shares = new Shares(this);
    this.links = new Links(this);
    this.requests = new FileRequests(this);
  }

  private static async open(
    hub: HubClient,
    grant: SessionGrant,
    masterKey: MasterKey,
  ): Promise<CofferClient> {
    hub.token = grant.token;
    const { keys } = await unlockAccount(grant.account, masterKey);
    return new CofferClient(hub, keys, {
      hubUrl: hub.hubUrl,
      token: grant.token,
      sessionId: grant.sessionId,
      expiresAt: grant.expiresAt,
      accountId: keys.accountId,
      email: keys.email,
      masterKey: toBase64Url(masterKey),
    });
  }

  /** Creates an account. Show `recoveryKey` to the user once: it is the only way back in. */
  static async signup(
    o: ClientOptions & { email: string; password: string },
  ): Promise<{ client: CofferClient; recoveryKey: string }> {
    const hub = new HubClient({ hubUrl: o.hubUrl, ...(o.retry ? { retry: o.retry } : {}) });
    const email = o.email.trim().toLowerCase();
    const reg = await startRegistration(o.password);
    const { response } = await hub.call('registerStart', { body: { email, request: reg.request } });
    const fin = await finishRegistration(o.password, reg.state, response);
    const accountId = newAccountId();
    const masterKey = newMasterKey();
    const recoveryKey = newRecoveryKey();
    const identity = generateIdentity();
    const wrapped = await wrapIdentity(masterKey, identity, accountId);
    const rootId = newNodeId();
    const rootKey = newFolderKey();
    const rootMetadata = await encryptMetadata(
      rootKey,
      { name: 'root' },
      { nodeId: rootId, kind: 'folder' },
    );
    const grant = await hub.call('signup', {
      body: {
        email,
        accountId,
        record: fin.record,
        wrappedMasterKey: toBase64Url(
          await wrapMasterKeyWithPassword(fin.exportKey, masterKey, accountId),
        ),
        recoveryWrappedMasterKey: toBase64Url(
          await wrapMasterKeyWithRecovery(recoveryKey, masterKey, accountId),
        ),
        recoveryProof: await recoveryProof(recoveryKey, accountId),
        wrappedIdentity: {
          signing: toBase64Url(wrapped.signing),
          agreement: toBase64Url(wrapped.agreement),
        },
        keyBundle: toBase64Url(createKeyBundle(identity, accountId, 1)),
        rootId,
        rootWrappedKey: toBase64Url(await wrapRootKey(masterKey, rootKey, accountId, rootId)),
        rootMetadata: toBase64Url(rootMetadata),
        ...(o.deviceName ? { deviceName: o.deviceName } : {}),
      },
    });
    const client = await CofferClient.open(hub, grant, masterKey);
    return { client, recoveryKey: await formatRecoveryKey(recoveryKey) };
  }

  static async login(
    o: ClientOptions & { email: string; password: string },
  ): Promise<CofferClient> {
    const hub = new HubClient({ hubUrl: o.hubUrl, ...(o.retry ? { retry: o.retry } : {}) });
    const email = o.email.trim().toLowerCase();
    const start = await startLogin(o.password);
    const { loginId, response } = await hub.call('loginStart', {
      body: { email, request: start.request },
    });
    const fin = await finishLogin(o.password, start.state, response);
    const grant = await hub.call('loginFinish', {
      body: {
        loginId,
        finish: fin.finishRequest,
        ...(o.deviceName ? { deviceName: o.deviceName } : {}),
      },
    });
    const masterKey = await fromHub('wrapped master key', () =>
      unwrapMasterKeyWithPassword(
        fin.exportKey,
        fromBase64Url(grant.account.wrappedMasterKey, 'wrappedMasterKey'),
        grant.account.id as AccountId,
      ),
    );
    return CofferClient.open(hub, grant, masterKey);
  }

  /** Sets a new password with the recovery key; every other session of the account ends. */
  static async recover(
    o: ClientOptions & { email: string; recoveryKey: string; newPassword: string },
  ): Promise<CofferClient> {
    const hub = new HubClient({ hubUrl: o.hubUrl, ...(o.retry ? { retry: o.retry } : {}) });
    const email = o.email.trim().toLowerCase();
    const recoveryKey = await parseRecoveryKey(o.recoveryKey);
    const r = await hub.call('recoveryStart', { body: { email } });
    const accountId = parseAccountId(r.accountId);
    let masterKey: MasterKey;
    try {
      masterKey = await unwrapMasterKeyWithRecovery(
        recoveryKey,
        fromBase64Url(r.recoveryWrappedMasterKey, 'recoveryWrappedMasterKey'),
        accountId,
      );
    } catch (e) {
      if (e instanceof DecryptionError) throw new AuthError('wrong recovery key for this account');
      throw e;
    }
    const reg = await startRegistration(o.newPassword);
    const { response } = await hub.call('registerStart', { body: { email, request: reg.request } });
    const fin = await finishRegistration(o.newPassword, reg.state, response);
    const grant = await hub.call('recoveryFinish', {
      body: {
        email,
        recoveryProof: await recoveryProof(recoveryKey, accountId),
        record: fin.record,
        wrappedMasterKey: toBase64Url(
          await wrapMasterKeyWithPassword(fin.exportKey, masterKey, accountId),
        ),
        ...(o.deviceName ? { deviceName: o.deviceName } : {}),
      },
    });
    return CofferClient.open(hub, grant, masterKey);
  }

  /** Picks up a saved session; AuthError if it expired or was revoked. */
  static async resume(saved: SavedSession, o: { retry?: RetryPolicy } = {}): Promise<CofferClient> {
    const hub = new HubClient({
      hubUrl: saved.hubUrl,
      token: saved.token,
      ...(o.retry ? { retry: o.retry } : {}),
    });
    const account = await hub.call('account', {});
    if (account.id !== saved.accountId)
      throw new AuthError('the saved session belongs to another account');
    const masterKey = asKey.master(fromBase64Url(saved.masterKey, 'masterKey', 32));
    const { keys } = await unlockAccount(account, masterKey);
    return new CofferClient(hub, keys, saved);
  }

  saved(): SavedSession {
    return { ...this.session };
  }

  /**
   * Replaces the account's key pairs with fresh ones (after a device with them was lost, say).
   * Contacts see a key change and must verify you again; what was shared to the old keys
   * stays readable to you.
   */
  async rotateKeys(): Promise<void> {
    // What we signed so far keeps verifying: the old public key goes into the contact book.
    await this.contacts.rememberOwnKey(this.keys.identity.signingPublic);
    const identity = generateIdentity();
    const version = this.keys.keyVersion + 1;
    const wrapped = await wrapIdentity(this.keys.masterKey, identity, this.keys.accountId);
    await this.hub.call('updateKeys', {
      body: {
        wrappedIdentity: {
          signing: toBase64Url(wrapped.signing),
          agreement: toBase64Url(wrapped.agreement),
        },
        keyBundle: toBase64Url(createKeyBundle(identity, this.keys.accountId, version)),
      },
    });
    this.keys.identity = identity;
    this.keys.keyVersion = version;
  }

  whoami() {
    return { accountId: this.keys.accountId, email: this.keys.email, hubUrl: this.hub.hubUrl };
  }

  async logout(): Promise<void> {
    await this.hub.call('logout', {});
  }

  async sessions(): Promise<RouteResponse<'sessions'>['sessions']> {
    return (await this.hub.call('sessions', {})).sessions;
  }

  async revokeSession(id: string): Promise<void> {
    await this.hub.call('revokeSession', { params: { id } });
  }

  // ---- tree --------------------------------------------------------------------------------

  /** The root folder, as an open node. */
  async root(): Promise<OpenNode> {
    const info = await this.hub.call('getNode', { params: { id: this.keys.rootId }, query: {} });
    return {
      info,
      kind: 'folder',
      key: this.keys.rootKey,
      meta: { name: '' },
    };
  }

  /**
   * This client with `folder` as its root: paths given to resolve, list, mkdir, upload,
   * download, move and trash are taken inside it. For a folder shared with you
   * (`shares.incoming()`): what you write there is signed with your key, and the hub lets you
   * write only if the owner made you a writer.
   */
  within(folder: OpenNode): CofferClient {
    if (folder.kind !== 'folder') throw new ValidationError('folder', 'is a file, not a folder');
    const view = Object.create(this) as CofferClient;
    view.root = async () => folder;
    return view;
  }

  /** A folder of ours that we share carries its writers, so what they wrote opens for us. */
  private async withAuthors(node: OpenNode): Promise<OpenNode> {
    if (node.kind !== 'folder' || node.authors) return node;
    // From our own verified lists and book, not from the hub's mark alone.
    const authors = await this.shares.authorsOf(node.info.id, node.info.shareVersion);
    return authors ? { ...node, authors } : node;
  }

  /** The live child called `name` of `parent`, or null. */
  async child(parent: OpenNode, name: string): Promise<OpenNode | null> {
    if (parent.kind !== 'folder')
      throw new ValidationError('path', `${parent.meta.name} is a file`);
    const hash = await nameHash(parent.key, name);
    const { nodes } = await this.hub.call('children', {
      params: { id: parent.info.id },
      query: { nameHash: hash, include: 'manifest' },
    });
    const found = nodes[0];
    if (!found) return null;
    if (found.parentId !== parent.info.id) throw served('a child of another folder');
    const open = await this.withAuthors(await openChild(found, parent));
    if (open.meta.name.normalize('NFC') !== name.normalize('NFC')) {
      throw served('a node under another name');
    }
    return open;
  }

  /** The node at `path`; NotFoundError names the first missing part. */
  async resolve(path: string): Promise<OpenNode> {
    let node = await this.root();
    const walked: string[] = [];
    for (const name of splitPath(path)) {
      walked.push(name);
      const next = await this.child(node, name);
      if (!next) throw new NotFoundError(`path: /${walked.join('/')} does not exist`);
      node = next;
    }
    return node;
  }

  async stat(path: string): Promise<Entry> {
    const n = await this.resolve(path);
    return n.info.parentId === null ? { ...toEntry(n), name: '/' } : toEntry(n);
  }

  /** Every live child of a folder, decrypted, sorted folders first then by name. */
  async list(path: string): Promise<Entry[]> {
    const folder = await this.resolve(path);
    return (await this.listOpen(folder)).map(toEntry).sort(byKindThenName);
  }

  async listOpen(folder: OpenNode, include?: 'manifest'): Promise<OpenNode[]> {
    if (folder.kind !== 'folder') throw new ValidationError('path', 'is a file, not a folder');
    const out: OpenNode[] = [];
    let after: string | undefined;
    do {
      const page = await this.hub.call('children', {
        params: { id: folder.info.id },
        query: { limit: 2000, ...(after ? { after } : {}), ...(include ? { include } : {}) },
      });
      for (const info of page.nodes) {
        if (info.parentId !== folder.info.id) throw served('a child of another folder');
        out.push(await this.withAuthors(await openChild(info, folder)));
      }
      after = page.next ?? undefined;
    } while (after);
    return out;
  }

  /** Creates a folder (and, with `parents`, every missing folder above it). */
  async mkdir(path: string, o: { parents?: boolean } = {}): Promise<Entry> {
    const names = splitPath(path);
    if (names.length === 0) throw new ValidationError('path', 'the root folder already exists');
    let node = await this.root();
    for (const [i, name] of names.entries()) {
      const last = i === names.length - 1;
      const existing = await this.child(node, name);
      if (existing) {
        if (last && !o.parents) throw new ConflictError(`path: /${names.join('/')} already exists`);
        if (existing.kind !== 'folder') {
          throw new ConflictError(`path: /${names.slice(0, i + 1).join('/')} is a file`);
        }
        node = existing;
        continue;
      }
      if (!last && !o.parents) {
        throw new NotFoundError(`path: /${names.slice(0, i + 1).join('/')} does not exist`);
      }
      node = await this.createFolder(node, name);
    }
    return toEntry(node);
  }

  /**
   * The folder at `path`, created with any missing parents. `cache` (path → folder) saves the
   * walk from the root when many folders of one tree are made or used in a row.
   */
  async ensureFolder(path: string, cache: Map<string, OpenNode> = new Map()): Promise<OpenNode> {
    const names = splitPath(path);
    // Start from the deepest folder of the path already in the cache.
    let at = names.length;
    while (at > 0 && !cache.has(names.slice(0, at).join('/'))) at--;
    let node =
      (at > 0 ? cache.get(names.slice(0, at).join('/')) : undefined) ?? (await this.root());
    for (let i = at; i < names.length; i++) {
      const name = names[i] as string;
      const existing = await this.child(node, name);
      if (existing && existing.kind !== 'folder') {
        throw new ConflictError(`path: /${names.slice(0, i + 1).join('/')} is a file`);
      }
      node = existing ?? (await this.createOrJoin(node, name));
      cache.set(names.slice(0, i + 1).join('/'), node);
    }
    return node;
  }

  /** Creates a folder, or uses the one a concurrent upload created under that name first. */
  private async createOrJoin(parent: OpenNode, name: string): Promise<OpenNode> {
    try {
      return await this.createFolder(parent, name);
    } catch (e) {
      if (!(e instanceof ConflictError)) throw e;
      const raced = await this.child(parent, name);
      if (raced?.kind !== 'folder') throw e;
      return raced;
    }
  }

  async createFolder(parent: OpenNode, name: string): Promise<OpenNode> {
    if (parent.kind !== 'folder') throw new ValidationError('path', 'parent is a file');
    const id = newNodeId();
    const key = newFolderKey();
    const place = {
      nodeId: id,
      parentId: parent.info.id as NodeId,
      kind: 'folder' as const,
      keyVersion: 1,
    };
    const meta = { name: name.normalize('NFC'), mtime: Date.now() };
    const fields = {
      nameHash: await nameHash(parent.key, meta.name),
      wrappedKey: toBase64Url(await wrapNodeKey(parent.key, key, place)),
      metadata: toBase64Url(await encryptMetadata(key, meta, { nodeId: id, kind: 'folder' })),
    };
    const info = await this.hub.call('createFolder', {
      body: {
        id,
        parentId: parent.info.id,
        ...fields,
        signature: nodeSignature(this.keys, {
          nodeId: id,
          parentId: parent.info.id,
          kind: 'folder',
          ...fields,
        }),
        parentKeyVersion: parent.info.keyVersion ?? 1,
      },
    });
    const made = { info, kind: 'folder' as const, key, meta };
    return parent.authors ? { ...made, authors: parent.authors } : made;
  }

  /**
   * Moves and/or renames. `to` is the new full path; if it names an existing folder, the node
   * moves into it under its own name (like `mv`).
   */
  async move(from: string, to: string): Promise<Entry> {
    const node = await this.resolve(from);
    if (node.info.parentId === null)
      throw new ValidationError('from', 'cannot move the root folder');
    const target = splitPath(to);
    let parentPath = target.slice(0, -1);
    let name = target.at(-1) ?? node.meta.name;
    const existing = target.length
      ? await this.resolve(to).catch((e: unknown) => {
          if (e instanceof NotFoundError) return null;
          throw e;
        })
      : await this.root();
    if (existing && existing.kind === 'folder') {
      parentPath = target;
      name = node.meta.name;
    } else if (existing) {
      throw new ConflictError(`to: ${to} already exists`);
    }
    const parent = await this.resolve(parentPath.join('/'));
    if (parent.kind !== 'folder') throw new ValidationError('to', 'its parent is a file');
    const place = {
      nodeId: node.info.id as NodeId,
      parentId: parent.info.id as NodeId,
      kind: node.kind,
      keyVersion: node.info.keyVersion ?? 1,
    };
    const meta = { ...node.meta, name: name.normalize('NFC') };
    const fields = {
      nameHash: await nameHash(parent.key, meta.name),
      wrappedKey: toBase64Url(await wrapNodeKey(parent.key, node.key, place)),
      metadata: toBase64Url(
        await encryptMetadata(node.key, meta, { nodeId: place.nodeId, kind: node.kind }),
      ),
    };
    const info = await this.hub.call('updateNode', {
      params: { id: node.info.id },
      body: {
        version: node.info.version,
        parentId: parent.info.id,
        ...fields,
        signature: nodeSignature(this.keys, {
          nodeId: node.info.id,
          parentId: parent.info.id,
          kind: node.kind,
          ...fields,
        }),
        parentKeyVersion: parent.info.keyVersion ?? 1,
      },
    });
    return toEntry({ ...node, info, meta });
  }

  async trash(path: string): Promise<Entry> {
    const node = await this.resolve(path);
    if (node.info.parentId === null)
      throw new ValidationError('path', 'cannot trash the root folder');
    const info = await this.hub.call('trashNode', {
      params: { id: node.info.id },
      body: { version: node.info.version },
    });
    return toEntry({ ...node, info });
  }

  /** A folder's placement policy: its own (null when it inherits) and the one in effect. */
  async folderPolicy(path: string): Promise<RouteResponse<'getFolderPolicy'>> {
    const node = await this.resolve(path);
    return this.hub.call('getFolderPolicy', { params: { id: node.info.id } });
  }

  /**
   * Sets where everything under a folder may be stored, tightening the network's policy (more
   * replicas, fewer countries, required host tags); null removes it. Repair moves what is
   * already stored.
   */
  async setFolderPolicy(
    path: string,
    policy: FolderPolicy | null,
  ): Promise<RouteResponse<'setFolderPolicy'>> {
    const node = await this.resolve(path);
    return this.hub.call('setFolderPolicy', { params: { id: node.info.id }, body: { policy } });
  }

  /** Links a host to this account; `claim` is signed with the host key (signHostClaim). */
  async claimHost(claim: string): Promise<string> {
    return (await this.hub.call('hostClaim', { body: { claim } })).hostId;
  }

  /** The hosts this account claimed, with their storage, audits, uptime and traffic. */
  async myHosts(): Promise<RouteResponse<'myHosts'>['hosts']> {
    return (await this.hub.call('myHosts', {})).hosts;
  }

  /** Trashed items, decrypted, with the path of the folder each came from (when it still exists). */
  async listTrash(): Promise<(Entry & { from: string | null })[]> {
    const { nodes } = await this.hub.call('trash', {});
    const out: (Entry & { from: string | null })[] = [];
    for (const info of nodes) {
      const parent = info.parentId ? await this.openById(info.parentId as NodeId) : null;
      if (parent?.kind !== 'folder') continue;
      out.push({ ...toEntry(await openNode(info, parent.key)), from: await this.pathOf(parent) });
    }
    return out;
  }

  /** Restores a trashed item, picked by id or by name (newest match). */
  async restore(idOrName: string): Promise<Entry> {
    const trashed = await this.listTrash();
    const hit =
      trashed.find((t) => t.id === idOrName) ??
      trashed.find((t) => t.name === idOrName.normalize('NFC'));
    if (!hit) throw new NotFoundError(`item: nothing called ${idOrName} in the trash`);
    const info = await this.hub.call('restoreNode', {
      params: { id: hit.id },
      body: { version: hit.version },
    });
    return { ...hit, version: info.version, trashedAt: null };
  }

  /** Deletes a trashed item for good. */
  async purge(idOrName: string): Promise<void> {
    const trashed = await this.listTrash();
    const hit =
      trashed.find((t) => t.id === idOrName) ??
      trashed.find((t) => t.name === idOrName.normalize('NFC'));
    if (!hit) throw new NotFoundError(`item: nothing called ${idOrName} in the trash`);
    await this.hub.call('purgeNode', { params: { id: hit.id }, query: { version: hit.version } });
  }

  /** Opens any node of the account by id, walking up to the root to unwrap its key. */
  async openById(id: NodeId): Promise<OpenNode | null> {
    const chain: NodeInfo[] = [];
    const seen = new Set<string>();
    let cur: string | null = id;
    while (cur && cur !== this.keys.rootId) {
      if (seen.has(cur)) throw served('a cycle in the tree');
      seen.add(cur);
      const info: NodeInfo | null = await this.hub
        .call('getNode', { params: { id: cur }, query: {} })
        .catch((e) => (e instanceof NotFoundError ? null : Promise.reject(e)));
      if (!info) return null;
      chain.push(info);
      cur = info.parentId;
    }
    if (cur !== this.keys.rootId) throw served('a node outside the account tree');
    let node = await this.root();
    for (const info of chain.reverse()) {
      if (node.kind !== 'folder') throw served('a child of a file');
      node = await openNode(info, node.key);
    }
    return node;
  }

  async pathOf(node: OpenNode): Promise<string> {
    const names: string[] = [];
    let cur: OpenNode | null = node;
    while (cur && cur.info.parentId !== null) {
      names.unshift(cur.meta.name);
      cur = await this.openById(cur.info.parentId as NodeId);
    }
    return `/${names.join('/')}`;
  }

  // ---- transfers ---------------------------------------------------------------------------

  /** Uploads a file of any size as a new file, or as a new revision of the file at `path`. */
  upload(path: string, source: UploadSource, o?: UploadOptions): Promise<Entry> {
    return uploadFile(this, path, source, o);
  }

  /** Uploads many small files in packs, committing hundreds per hub call. */
  uploadMany(
    files: readonly SmallFile[],
    o?: TransferOptions & { parents?: boolean; folders?: Map<string, OpenNode> },
  ) {
    return uploadSmallFiles(this, files, o);
  }

  /** Streams the plaintext of the file at `path` (or a byte range of it). */
  async download(path: string, o?: DownloadOptions) {
    return downloadFile(this, await this.resolve(path), o);
  }

  /** Every revision of the file at `path`, newest first. */
  async versions(
    path: string,
  ): Promise<{ revision: number; size: number; createdAt: number; current: boolean }[]> {
    const node = await this.resolve(path);
    if (node.kind !== 'file')
      throw new ValidationError('path', 'is a folder; folders have no versions');
    const { revisions } = await this.hub.call('revisions', { params: { id: node.info.id } });
    const out = [];
    for (const r of revisions) {
      const m = await openFileManifest(
        this,
        { ...node, info: { ...node.info, manifest: r.manifest, revision: r.revision } },
        r.revision,
      );
      out.push({
        revision: r.revision,
        size: m.size,
        createdAt: m.createdAt,
        current: r.revision === node.info.revision,
      });
    }
    return out;
  }

  folderKeyOf(node: OpenNode): FolderKey {
    if (node.kind !== 'folder') throw new ValidationError('path', 'is a file, not a folder');
    return node.key;
  }
}

function served(what: string) {
  return new IntegrityError(`tree: the hub served ${what}`);
}

export const byKindThenName = (a: Entry, b: Entry) =>
  a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'folder' ? -1 : 1;

export type { Identity };
