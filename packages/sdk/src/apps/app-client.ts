import type {
  AccountId,
  FolderKey,
  Identity,
  MasterKey,
  NodeId,
  SigningPublicKey,
} from '@coffer/crypto';
import { ConflictError, DecryptionError, IntegrityError, NotFoundError } from '@coffer/errors';
import { byKindThenName, type Entry, toEntry } from '../entries.ts';
import type { HubClient } from '../hub-client.ts';
import type { AccountKeys, OpenNode } from '../keys.ts';
import { Freshness, type FreshnessPins } from '../pins.ts';
import type { UploadSource } from '../transfers/chunk-store.ts';
import { copyNode } from '../transfers/copy.ts';
import {
  type Download,
  type DownloadOptions,
  downloadFile,
  listVersions,
  type ReadDeps,
  type Version,
} from '../transfers/download.ts';
import { type UploadOptions, uploadFile } from '../transfers/upload.ts';
import { Tree } from '../tree.ts';
import { appFolder, renewedGrant } from './renew.ts';
import type { SavedApp } from './saved.ts';

export type { SavedApp } from './saved.ts';

const RECHECK_MS = 1_000;

/** An error a key for an older version of the folder gives ([Note: Renewing an app's grant]). */
const stale = (e: unknown) =>
  e instanceof IntegrityError ||
  e instanceof DecryptionError ||
  e instanceof NotFoundError ||
  (e instanceof ConflictError && /keys changed/.test(e.message));

export interface AppParts {
  hub: HubClient;
  saved: SavedApp;
  identity: Identity;
  folder: OpenNode;
  accountSigning: SigningPublicKey;
  pins?: FreshnessPins | undefined;
  /** Told each grant renewed after a rotation, to keep instead of the one saved before. */
  onRenewed?: ((saved: SavedApp) => void | Promise<void>) | undefined;
}

/**
 * [Note: What an app holds]
 * An app holds its token, its own key pairs, the key of its one folder and the account's
 * public signing key: no password, no master key, no other folder's key. The keys an
 * account's client needs (`AccountKeys`) are built around that: the folder is the root, the
 * app's identity signs what it writes, and the master key is a getter that throws, so a path
 * that would need it fails loudly instead of running with a stand-in.
 */
export function appKeys(accountId: string, identity: Identity, folder: OpenNode): AccountKeys {
  return {
    accountId: accountId as AccountId,
    email: '',
    get masterKey(): MasterKey {
      throw new Error('an app holds no master key');
    },
    identity,
    keyVersion: 0,
    rootId: folder.info.id as NodeId,
    rootKey: folder.key as FolderKey,
  };
}

/**
 * A client confined to one folder of an account, from `connectApp` or `resumeApp`. Paths are
 * taken inside that folder ("/" is the folder); the hub answers 403 to anything outside it.
 */
export class AppClient {
  private tree!: Tree;
  private reading!: ReadDeps;
  private keys!: AccountKeys;
  private renewing: Promise<boolean> | undefined;
  private missingCheckedAt = 0;

  constructor(private parts: AppParts) {
    this.wire();
  }

  private wire(): void {
    const { hub, identity, folder, saved, accountSigning } = this.parts;
    const pins = new Freshness(this.parts.pins);
    this.keys = appKeys(saved.accountId, identity, folder);
    this.tree = new Tree({ hub, keys: this.keys, authorsOf: async () => undefined, pins }).within(
      folder,
    );
    // Files written by the account (or by us) open; nothing else signs in this folder.
    this.reading = { hub, keys: this.keys, ownPreviousKeys: async () => [accountSigning], pins };
  }

  /**
   * Runs `op`; when it fails as a key for an older version would (nothing found under it,
   * nothing opens, a write refused because the keys changed), fetches our grant once and, if
   * the account gave us a newer one, runs `op` again with it ([Note: Renewing an app's grant]).
   */
  private async current<T>(op: () => Promise<T>, again = true): Promise<T> {
    const version = this.parts.saved.keyVersion;
    try {
      return await op();
    } catch (e) {
      if (!stale(e) || !(await this.renew(version, e instanceof NotFoundError))) throw e;
      if (!again) throw e;
      return op();
    }
  }

  /** Whether we now hold a grant newer than `from` (fetched here, or by a call meanwhile). */
  private renew(from: number, onMissing = false): Promise<boolean> {
    if (this.parts.saved.keyVersion !== from) return Promise.resolve(true);
    if (onMissing) {
      // A path not found is common (a drive's clients probe for many): for that alone, ask
      // the hub at most once a second.
      const now = Date.now();
      if (!this.renewing && now - this.missingCheckedAt < RECHECK_MS) return Promise.resolve(false);
      this.missingCheckedAt = now;
    }
    this.renewing ??= this.fetchGrant().finally(() => {
      this.renewing = undefined;
    });
    return this.renewing;
  }

  private async fetchGrant(): Promise<boolean> {
    const { hub, identity } = this.parts;
    const saved = await renewedGrant(hub, this.parts.saved, identity);
    if (!saved) return false;
    const { folder } = await appFolder(hub, saved);
    this.parts = { ...this.parts, saved, folder };
    this.wire();
    // Kept, the next start opens with this key at once instead of renewing again.
    await this.parts.onRenewed?.(this.saved());
    return true;
  }

  /** Before an upload from a stream (read once): takes a newer grant the hub has first. */
  private async freshBeforeStreaming(): Promise<void> {
    const { hub, saved } = this.parts;
    const { served } = await appFolder(hub, saved);
    if ((served.keyVersion ?? 1) > saved.keyVersion) await this.renew(saved.keyVersion);
  }

  /** Read or read-write, as the user approved it. */
  get access(): 'read' | 'readwrite' {
    return this.parts.saved.access;
  }

  /** The id of the folder this app may use. */
  get folderId(): string {
    return this.parts.saved.folderId;
  }

  get expiresAt(): number {
    return this.parts.saved.expiresAt;
  }

  /** What to keep (secret: it holds the token and the folder key) for `resumeApp`. */
  saved(): SavedApp {
    return { ...this.parts.saved };
  }

  resolve(path: string): Promise<OpenNode> {
    return this.current(() => this.tree.resolve(path));
  }

  stat(path: string): Promise<Entry> {
    return this.current(() => this.tree.stat(path));
  }

  list(path = '/'): Promise<Entry[]> {
    return this.current(async () => {
      const folder = await this.tree.resolve(path);
      return (await this.tree.listOpen(folder)).map(toEntry).sort(byKindThenName);
    });
  }

  mkdir(path: string, o?: { parents?: boolean }): Promise<Entry> {
    return this.current(() => this.tree.mkdir(path, o));
  }

  move(from: string, to: string): Promise<Entry> {
    return this.current(() => this.tree.move(from, to));
  }

  trash(path: string): Promise<Entry> {
    return this.current(() => this.tree.trash(path));
  }

  async upload(path: string, source: UploadSource, o?: UploadOptions): Promise<Entry> {
    // A stream is read once: a newer grant is taken before, not after a refusal.
    const once = !(source instanceof Uint8Array);
    if (once) await this.freshBeforeStreaming();
    return this.current(
      () => uploadFile({ hub: this.parts.hub, keys: this.keys, tree: this.tree }, path, source, o),
      !once,
    );
  }

  download(file: string | OpenNode, o: DownloadOptions = {}): Promise<Download> {
    return this.current(async () => {
      const node = typeof file === 'string' ? await this.tree.resolve(file) : file;
      return downloadFile(this.reading, node, o);
    });
  }

  versions(path: string): Promise<Version[]> {
    return this.current(async () => listVersions(this.reading, await this.tree.resolve(path)));
  }

  /** Copies a file or folder inside the app's folder, no content byte moved ([Note: Copying without moving bytes]). */
  copy(from: string, to: string): Promise<Entry> {
    return this.current(() => copyNode({ ...this.reading, tree: this.tree }, from, to));
  }
}
