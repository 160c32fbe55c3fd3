import type {
  AccountId,
  FolderKey,
  Identity,
  MasterKey,
  NodeId,
  SigningPublicKey,
} from '@coffer/crypto';
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

/** What an app keeps to come back without asking the user again ([Note: What an app holds]). */
export interface SavedApp {
  hubUrl: string;
  token: string;
  appId: string;
  accountId: string;
  /** The account's signing key, from the key bundle the hub served when the app was approved. */
  accountSigningKey: string;
  folderId: string;
  keyVersion: number;
  access: 'read' | 'readwrite';
  expiresAt: number;
  /** base64url secrets: the folder key and the app's own two key seeds. */
  folderKey: string;
  signingSeed: string;
  agreementSeed: string;
}

export interface AppParts {
  hub: HubClient;
  saved: SavedApp;
  identity: Identity;
  folder: OpenNode;
  accountSigning: SigningPublicKey;
  pins?: FreshnessPins | undefined;
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
  private readonly tree: Tree;
  private readonly reading: ReadDeps;
  private readonly keys: AccountKeys;

  constructor(private readonly parts: AppParts) {
    const { hub, identity, folder, saved, accountSigning } = parts;
    const pins = new Freshness(parts.pins);
    this.keys = appKeys(saved.accountId, identity, folder);
    this.tree = new Tree({ hub, keys: this.keys, authorsOf: async () => undefined, pins }).within(
      folder,
    );
    // Files written by the account (or by us) open; nothing else signs in this folder.
    this.reading = { hub, keys: this.keys, ownPreviousKeys: async () => [accountSigning], pins };
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
    return this.tree.resolve(path);
  }

  stat(path: string): Promise<Entry> {
    return this.tree.stat(path);
  }

  async list(path = '/'): Promise<Entry[]> {
    const folder = await this.tree.resolve(path);
    return (await this.tree.listOpen(folder)).map(toEntry).sort(byKindThenName);
  }

  mkdir(path: string, o?: { parents?: boolean }): Promise<Entry> {
    return this.tree.mkdir(path, o);
  }

  move(from: string, to: string): Promise<Entry> {
    return this.tree.move(from, to);
  }

  trash(path: string): Promise<Entry> {
    return this.tree.trash(path);
  }

  upload(path: string, source: UploadSource, o?: UploadOptions): Promise<Entry> {
    return uploadFile({ hub: this.parts.hub, keys: this.keys, tree: this.tree }, path, source, o);
  }

  async download(file: string | OpenNode, o: DownloadOptions = {}): Promise<Download> {
    const node = typeof file === 'string' ? await this.tree.resolve(file) : file;
    return downloadFile(this.reading, node, o);
  }

  async versions(path: string): Promise<Version[]> {
    return listVersions(this.reading, await this.tree.resolve(path));
  }

  /** Copies a file or folder inside the app's folder, no content byte moved ([Note: Copying without moving bytes]). */
  copy(from: string, to: string): Promise<Entry> {
    return copyNode({ ...this.reading, tree: this.tree }, from, to);
  }
}
