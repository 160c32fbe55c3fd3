import type { VerifiedManifest } from '@coffer/crypto';
import type { FolderPolicy, RouteResponse } from '@coffer/protocol';
import type { Account } from './account.ts';
import { deleteAccount } from './account-delete.ts';
import type { AppClient } from './apps/app-client.ts';
import type { Apps } from './apps/apps.ts';
import { type ConnectAppOptions, connectApp, resumeApp } from './apps/connect.ts';
import type { Changes } from './changes.ts';
import { type Parts, sessionParts, treeParts } from './client-wiring.ts';
import type { Contacts } from './contacts.ts';
import { byKindThenName, type Entry, toEntry } from './entries.ts';
import type { Copies } from './groups/copies.ts';
import type { Feed } from './groups/feed.ts';
import type { Groups } from './groups/groups.ts';
import type { Mirrors } from './groups/mirrors.ts';
import type { Shelves } from './groups/shelves.ts';
import type { Hosting } from './hosting.ts';
import type { HubClient } from './hub-client.ts';
import type { AccountKeys, OpenNode } from './keys.ts';
import type { Links } from './links.ts';
import { changePassword } from './password.ts';
import type { FileRequests } from './requests.ts';
import type { RetryCounts } from './retry-count.ts';
import type { SecondFactor } from './second-factor.ts';
import type {
  ClientOptions,
  OpenedSession,
  ResumeOptions,
  SavedSession,
  Session,
} from './session.ts';
import * as sessions from './session.ts';
import type { Shares } from './shares/shares.ts';
import type { SyncState } from './sync-state.ts';
import type { UploadSource } from './transfers/chunk-store.ts';
import type { Download, DownloadOptions, Version } from './transfers/download.ts';
import type { SmallFile, SmallFilesOptions } from './transfers/small-files.ts';
import type { ChunkCache, Transfers } from './transfers/transfers.ts';
import type { UploadOptions } from './transfers/upload.ts';
import type { Trash, TrashContents, TrashedEntry } from './trash.ts';
import type { Tree } from './tree.ts';

/**
 * A logged-in account: its tree and its transfers. Create one with `CofferClient.signup`,
 * `login`, `recover` or `resume`.
 *
 * [Note: The client facade]
 * CofferClient only wires and delegates: its parts are made and joined in client-wiring.ts;
 * sessions live in session.ts, the tree by path in tree.ts, the trash in trash.ts, transfers
 * in transfers/, sharing in shares/, groups in groups/, links.ts and requests.ts, contacts in
 * contacts.ts. Each of those takes the narrow dependencies it needs (the hub client, the
 * account's keys, the parts of the tree it uses), never the client, so a new capability is a
 * new module plus a line in client-wiring.ts and here.
 */
export class CofferClient {
  /** Typed calls to the hub (every response checked against the route table). */
  readonly hub: HubClient;
  readonly keys: AccountKeys;
  /** Contacts: pinned keys, fingerprints and verification ([Note: Contacts]). */
  readonly contacts: Contacts;
  /** Folder shares, both ways ([Note: Folder shares]). */
  readonly shares: Shares;
  /** Public links to your files and folders ([Note: Public links]). */
  readonly links: Links;
  /** Upload-only links into your folders ([Note: File requests in the SDK]). */
  readonly requests: FileRequests;
  /** Private groups: rosters, invitations and group keys ([Note: Groups in the client]). */
  readonly groups: Groups;
  /** Members' shelves in groups and the catalog of them ([Note: Shelves in the client]). */
  readonly shelves: Shelves;
  /** Copies of other members' files into ours, host to host ([Note: Copies in the client]). */
  readonly copies: Copies;
  /** What is new in your groups, ratings, keep and discard ([Note: The feed]). */
  readonly feed: Feed;
  /** Subscriptions that mirror groups' new entries to our servers ([Note: Auto-mirror in the client]). */
  readonly mirrors: Mirrors;
  /** Changes to our tree and folders shared with us, pushed by long poll ([Note: Changes in the client]). */
  readonly changes: Changes;
  /** Each session's sync roots, sealed under the master key ([Note: Sync state in the client]). */
  readonly syncState: SyncState;
  /** Storage used, the operator's quota and donation link. */
  readonly account: Account;
  /** Apps we granted one folder: approve, deny, list, revoke ([Note: Apps in the client]). */
  readonly apps: Apps;
  /** The account's TOTP second factor: status, enrolment, turning it off. */
  readonly secondFactor: SecondFactor;

  private readonly session: Session;
  private readonly tree: Tree;
  private readonly bin: Trash;
  private readonly hosting: Hosting;
  private readonly transfers: Transfers;

  protected constructor(private readonly parts: Parts) {
    ({
      hub: this.hub,
      keys: this.keys,
      contacts: this.contacts,
      shares: this.shares,
      links: this.links,
      requests: this.requests,
      session: this.session,
      tree: this.tree,
    } = parts);
    ({
      bin: this.bin,
      hosting: this.hosting,
      groups: this.groups,
      copies: this.copies,
      shelves: this.shelves,
      mirrors: this.mirrors,
      changes: this.changes,
      account: this.account,
      secondFactor: this.secondFactor,
      syncState: this.syncState,
      feed: this.feed,
      apps: this.apps,
      transfers: this.transfers,
    } = treeParts(parts));
  }

  private static wire(opened: OpenedSession, o: ResumeOptions): CofferClient {
    const client: CofferClient = new CofferClient(sessionParts(opened, o, () => client.apps));
    return client;
  }

  /** Creates an account. Show `recoveryKey` to the user once: it is the only way back in. */
  static async signup(
    o: ClientOptions & { email: string; password: string },
  ): Promise<{ client: CofferClient; recoveryKey: string }> {
    const opened = await sessions.signup(o);
    return { client: CofferClient.wire(opened, o), recoveryKey: opened.recoveryKey };
  }

  /**
   * Logs in. For an account with a second factor, `code` gives a code from the authenticator
   * app or a recovery code, or asks the user for one; without it a SecondFactorRequiredError.
   */
  static async login(
    o: ClientOptions & {
      email: string;
      password: string;
      code?: sessions.SecondFactorSource | undefined;
    },
  ): Promise<CofferClient> {
    return CofferClient.wire(await sessions.login(o), o);
  }

  /**
   * Logs in in two steps, for a page that asks for the code once the password passed: a client,
   * or, when the account has a second factor, `submit(code)` for the client.
   */
  static async beginLogin(
    o: ClientOptions & { email: string; password: string },
  ): Promise<
    | { client: CofferClient }
    | { secondFactorRequired: true; submit(code: string): Promise<CofferClient> }
  > {
    const step = await sessions.beginLogin(o);
    if (!('secondFactorRequired' in step)) return { client: CofferClient.wire(step, o) };
    return {
      secondFactorRequired: true,
      submit: async (code) => CofferClient.wire(await step.submit(code), o),
    };
  }

  /** Sets a new password with the recovery key; every other session of the account ends. */
  static async recover(
    o: ClientOptions & {
      email: string;
      recoveryKey: string;
      newPassword: string;
      /** Needed when the account has a second factor: a fresh code or a recovery code. */
      secondFactor?: string | undefined;
    },
  ): Promise<CofferClient> {
    return CofferClient.wire(await sessions.recover(o), o);
  }

  /**
   * For third-party apps: asks the user for one folder through the device flow (`onCode`
   * shows the code to type) and returns a client confined to it ([Note: Connecting an app]).
   */
  static connectApp(o: ConnectAppOptions): Promise<AppClient> {
    return connectApp(o);
  }

  /** An app's client again, from `AppClient.saved()`; AuthError once revoked or expired. */
  static resumeApp(saved: Parameters<typeof resumeApp>[0]): Promise<AppClient> {
    return resumeApp(saved);
  }

  /** Picks up a saved session; AuthError if it expired or was revoked. */
  static async resume(saved: SavedSession, o: ResumeOptions = {}): Promise<CofferClient> {
    return CofferClient.wire(await sessions.resume(saved, o), o);
  }

  /**
   * The calls this client retried so far (a 5xx, a lost connection, a short 429; a chunk sent
   * again to another host), in all and by route. Retries are ridden out silently; this keeps
   * them visible.
   */
  retries(): RetryCounts {
    return this.hub.retries.counts();
  }

  // ---- session -----------------------------------------------------------------------------

  saved(): SavedSession {
    return this.session.saved();
  }

  whoami() {
    return this.session.whoami();
  }

  logout(): Promise<void> {
    return this.session.logout();
  }

  sessions(): Promise<RouteResponse<'sessions'>['sessions']> {
    return this.session.sessions();
  }

  revokeSession(id: string): Promise<void> {
    return this.session.revokeSession(id);
  }

  /**
   * Sets a new password after proving the current one; every other session of the account
   * ends, this one stays. AuthError `currentPassword: …` when the current one is wrong.
   * `secondFactor`: a fresh code or recovery code, needed when the account has a second factor.
   */
  changePassword(
    currentPassword: string,
    newPassword: string,
    secondFactor?: string,
  ): Promise<void> {
    return changePassword(this.hub, this.keys, currentPassword, newPassword, secondFactor);
  }

  /**
   * Deletes the account and everything it holds, for good; every session ends, this one too.
   * `confirmEmail` must be the account's email; `secondFactor` a fresh code or recovery code
   * when 2FA is on. AuthError `currentPassword: …` on a wrong password, ConflictError
   * `groups: …` while the account owns a group with other members.
   */
  deleteAccount(
    currentPassword: string,
    confirmEmail: string,
    secondFactor?: string,
  ): Promise<void> {
    return deleteAccount(this.hub, this.keys, currentPassword, confirmEmail, secondFactor);
  }

  /**
   * Replaces the account's key pairs with fresh ones (after a device with them was lost, say).
   * Contacts see a key change and must verify you again; what was shared to the old keys
   * stays readable to you.
   */
  rotateKeys(): Promise<void> {
    return this.session.rotateKeys((key) => this.contacts.rememberOwnKey(key));
  }

  // ---- tree --------------------------------------------------------------------------------

  /**
   * This client with `folder` as its root: paths given to resolve, list, mkdir, upload,
   * download, move and trash are taken inside it. For a folder shared with you
   * (`shares.incoming()`): what you write there is signed with your key, and the hub lets you
   * write only if the owner made you a writer.
   */
  within(folder: OpenNode): CofferClient {
    return new CofferClient({ ...this.parts, tree: this.tree.within(folder) });
  }

  /** The root folder, as an open node. */
  root(): Promise<OpenNode> {
    return this.tree.root();
  }

  /** The live child called `name` of `parent`, or null. */
  child(parent: OpenNode, name: string): Promise<OpenNode | null> {
    return this.tree.child(parent, name);
  }

  /** The node at `path`; NotFoundError names the first missing part. */
  resolve(path: string): Promise<OpenNode> {
    return this.tree.resolve(path);
  }

  stat(path: string): Promise<Entry> {
    return this.tree.stat(path);
  }

  /** Every live child of a folder, decrypted, sorted folders first then by name. */
  async list(path: string): Promise<Entry[]> {
    const folder = await this.tree.resolve(path);
    return (await this.tree.listOpen(folder)).map(toEntry).sort(byKindThenName);
  }

  /** Every live child of an open folder, opened and checked. */
  listOpen(folder: OpenNode, include?: 'manifest'): Promise<OpenNode[]> {
    return this.tree.listOpen(folder, include);
  }

  /** Creates a folder (and, with `parents`, every missing folder above it). */
  mkdir(path: string, o?: { parents?: boolean }): Promise<Entry> {
    return this.tree.mkdir(path, o);
  }

  /** The folder at `path`, created with any missing parents; `cache` maps paths to folders. */
  ensureFolder(path: string, cache?: Map<string, OpenNode>): Promise<OpenNode> {
    return this.tree.ensureFolder(path, cache);
  }

  createFolder(parent: OpenNode, name: string): Promise<OpenNode> {
    return this.tree.createFolder(parent, name);
  }

  /**
   * Moves and/or renames. `to` is the new full path; if it names an existing folder, the node
   * moves into it under its own name (like `mv`). `exec` sets a file's executable bit.
   */
  move(from: string, to: string, o?: { exec?: boolean }): Promise<Entry> {
    return this.tree.move(from, to, o);
  }

  trash(path: string): Promise<Entry> {
    return this.tree.trash(path);
  }

  /** Opens any node of the account by id, walking up to the root to unwrap its key. */
  openById(id: Parameters<Tree['openById']>[0]): Promise<OpenNode | null> {
    return this.tree.openById(id);
  }

  pathOf(node: OpenNode): Promise<string> {
    return this.tree.pathOf(node);
  }

  // ---- trash -------------------------------------------------------------------------------

  /** Trashed items, decrypted, with the path of the folder each came from (when it still exists). */
  listTrash(): Promise<TrashedEntry[]> {
    return this.bin.list();
  }

  /** Restores a trashed item, picked by id or by name (newest match). */
  restore(idOrName: string): Promise<Entry> {
    return this.bin.restore(idOrName);
  }

  /** Deletes a trashed item for good. */
  purge(idOrName: string): Promise<void> {
    return this.bin.purge(idOrName);
  }

  /** The trashed items with the bytes each holds, and the bytes the whole trash holds. */
  trashContents(): Promise<TrashContents> {
    return this.bin.contents();
  }

  /**
   * Empties the trash, all or none: everything trashed up to `upTo` (from `trashContents()`,
   * so what is trashed meanwhile stays), or everything now. Returns how many items went.
   */
  emptyTrash(upTo?: number): Promise<number> {
    return this.bin.empty(upTo);
  }

  // ---- placement and hosts -----------------------------------------------------------------

  /** A folder's placement policy: its own (null when it inherits) and the one in effect. */
  folderPolicy(path: string): Promise<RouteResponse<'getFolderPolicy'>> {
    return this.hosting.folderPolicy(path);
  }

  /**
   * Sets where everything under a folder may be stored, tightening the network's policy (more
   * replicas, fewer countries, required host tags); null removes it. Repair moves what is
   * already stored.
   */
  setFolderPolicy(
    path: string,
    policy: FolderPolicy | null,
  ): Promise<RouteResponse<'setFolderPolicy'>> {
    return this.hosting.setFolderPolicy(path, policy);
  }

  /** Links a host to this account; `claim` is signed with the host key (signHostClaim). */
  claimHost(claim: string): Promise<string> {
    return this.hosting.claimHost(claim);
  }

  /** The hosts this account claimed, with their storage, audits, uptime and traffic. */
  myHosts(): Promise<RouteResponse<'myHosts'>['hosts']> {
    return this.hosting.myHosts();
  }

  // ---- transfers ---------------------------------------------------------------------------

  /** Uploads a file of any size as a new file, or as a new revision of the file at `path`. */
  upload(path: string, source: UploadSource, o?: UploadOptions): Promise<Entry> {
    return this.transfers.upload(path, source, o);
  }

  /** Uploads many small files in packs, committing hundreds per hub call. */
  uploadMany(files: readonly SmallFile[], o?: SmallFilesOptions): Promise<Entry[]> {
    return this.transfers.uploadMany(files, o);
  }

  /**
   * Streams the plaintext of a file (or a byte range of it), by path or as an open node.
   * `chunks` shares located replicas and cached packs across many files; `manifest` one
   * already opened with `manifest()`.
   */
  download(
    file: string | OpenNode,
    o: DownloadOptions & { chunks?: ChunkCache; manifest?: VerifiedManifest } = {},
  ): Promise<Download> {
    return this.transfers.download(file, o);
  }

  /**
   * A small file's whole plaintext as one buffer (its manifest opened and verified unless
   * given), with every check of `download` but no streams; a large file would be held whole.
   */
  downloadBytes(
    file: OpenNode,
    o: { chunks?: ChunkCache; manifest?: VerifiedManifest; signal?: AbortSignal } = {},
  ): Promise<Uint8Array> {
    return this.transfers.downloadBytes(file, o);
  }

  /** A file's manifest (the current revision's, or `revision`'s), opened and verified. */
  manifest(file: OpenNode, revision?: number): Promise<VerifiedManifest> {
    return this.transfers.manifest(file, revision);
  }

  /**
   * A cache for downloads of many files (`keepPacks`: small files packed together; `packs`:
   * how many packs it keeps at most, 8 by default).
   */
  chunkCache(o: { keepPacks?: boolean; packs?: number } = {}): ChunkCache {
    return this.transfers.chunkCache(o);
  }

  /** Every revision of the file at `path`, newest first. */
  versions(path: string): Promise<Version[]> {
    return this.transfers.versions(path);
  }

  /**
   * Makes a past revision of the file at `path` its newest again, as a new revision with that
   * content (the one it replaces stays a version); no content byte is uploaded again.
   */
  restoreRevision(path: string, revision: number): Promise<Entry> {
    return this.transfers.restoreRevision(path, revision);
  }

  /**
   * Copies the file or folder at `from` to the new path `to` (its parent must exist, `to` must
   * not); a file's content is not downloaded or uploaded again ([Note: Copying without moving
   * bytes]). A folder copies with everything in it.
   */
  copy(from: string, to: string): Promise<Entry> {
    return this.transfers.copy(from, to);
  }
}
