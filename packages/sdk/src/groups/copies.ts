import {
  asKey,
  chunkContextOf,
  type FileKey,
  fromBase64Url,
  type NodeId,
  nameProblem,
  newFileKey,
  newNodeId,
  openManifest,
  sealManifest,
  type VerifiedManifest,
} from '@coffer/crypto';
import {
  ConflictError,
  ConnectionError,
  DecryptionError,
  IntegrityError,
  NotFoundError,
  ValidationError,
} from '@coffer/errors';
import type { GroupCopyInfo, NodeInfo } from '@coffer/protocol';
import type { Hosting } from '../hosting.ts';
import type { HubClient } from '../hub-client.ts';
import type { AccountKeys, OpenNode } from '../keys.ts';
import { freeName, splitPath } from '../paths.ts';
import { sleep } from '../retry.ts';
import { fileCommit, fileMetadata } from '../transfers/commit.ts';
import type { TreeAccess } from '../tree.ts';
import type { CatalogEntry } from './catalog.ts';

// [Note: Copies in the client]
// "Copy to my server": the hub copies the ciphertext of an entry's file host to host into a
// folder of ours ([Note: Copies from groups] on the hub), and this client makes the copy its
// own without touching a content byte. Before anything is copied it opens the author's
// manifest, which the hub serves sealed under the file key that the author put in the signed
// entry, and checks that it is the file the entry names: the node and revision, the content
// hash and the size the author signed, and exactly the chunks the hub copies. A hub that serves
// another manifest or copies other chunks is caught here (IntegrityError, or DecryptionError
// for a manifest that does not open under the entry's key), and a tampered chunk is refused by
// the destination host, which checks every chunk against its id. Once the chunks are in place
// the client signs a manifest of its own over them (their origin named, [Note: Manifest]) under
// a new file key, and adopts the copy as a new file of ours.
//
// Without a folder named, the copy goes to /Groups/<group>; when we run a personal server and
// that folder has no policy of its own, it is kept on our personal servers.

export interface CopyProgress {
  state: GroupCopyInfo['state'];
  /** Bytes copied host to host so far, of `total`. */
  done: number;
  total: number;
}

export interface CopyOptions {
  /** The folder to copy into; /Groups/<group name> when absent. */
  to?: string;
  onProgress?: (p: CopyProgress) => void;
  signal?: AbortSignal;
  /** How often to ask the hub how far the copy is. */
  pollMs?: number;
}

export interface CopyResult {
  /** Where the file is now in our tree. */
  path: string;
  node: NodeInfo;
  /** The file's size in bytes. */
  size: number;
  /** Bytes the hosts copied for it (0 when our folder's hosts held every chunk already). */
  copied: number;
}

export interface CopiesDeps {
  hub: HubClient;
  keys: AccountKeys;
  tree: Pick<TreeAccess, 'resolve' | 'ensureFolder' | 'listOpen'>;
  hosting: Pick<Hosting, 'folderPolicy' | 'setFolderPolicy' | 'myHosts'>;
}

const GROUPS_FOLDER = 'Groups';
const DEFAULT_POLL_MS = 500;

export class Copies {
  constructor(private readonly deps: CopiesDeps) {}

  /** Copies the file of a catalog entry of another member into our tree (see the Note). */
  async copy(entry: CatalogEntry, o: CopyOptions = {}): Promise<CopyResult> {
    if (entry.author.accountId === this.deps.keys.accountId)
      throw new ValidationError('item', 'is on your own shelf: the file is yours already');
    const { key, contentHash } = entry.file;
    if (!key || !contentHash)
      throw new ValidationError(
        'item',
        `was published before copies existed; ask ${entry.author.email} to publish it again`,
      );
    const fileKey = asKey.file(fromBase64Url(key, 'entry.file.key', 32));
    const { folder, path } = await this.folder(entry, o.to);
    let info = await this.deps.hub.call(
      'copyShelfEntry',
      { params: { id: entry.groupId, entryId: entry.entryId }, body: { folderId: folder.info.id } },
      o.signal,
    );
    const manifest = await this.verify(entry, fileKey, info);
    const report = () =>
      o.onProgress?.({ state: info.state, done: info.bytes.done, total: info.bytes.total });
    report();
    while (info.state === 'copying') {
      await sleep(o.pollMs ?? DEFAULT_POLL_MS, o.signal);
      info = await this.deps.hub.call('groupCopy', { params: { id: info.copyId } }, o.signal);
      report();
    }
    if (info.state === 'failed')
      throw new ConnectionError(
        `the copy of ${entry.name} stalled${info.lastError ? ` (${info.lastError})` : ''}; copy it again to resume where it stopped`,
      );
    return this.adopt(entry, manifest, info, folder, path);
  }

  /** Our copies in progress. */
  async list(): Promise<GroupCopyInfo[]> {
    return (await this.deps.hub.call('groupCopies', {})).copies;
  }

  /** Stops a copy in progress; what it copied so far is let go. */
  async cancel(copyId: string): Promise<void> {
    await this.deps.hub.call('cancelGroupCopy', { params: { id: copyId } });
  }

  /** The author's manifest, checked against the signed entry and the chunks the hub copies. */
  private async verify(
    entry: CatalogEntry,
    fileKey: FileKey,
    info: GroupCopyInfo,
  ): Promise<VerifiedManifest> {
    const what = `the copy of ${entry.name}`;
    if (info.file.nodeId !== entry.file.nodeId || info.file.revision !== entry.file.revision)
      throw new IntegrityError(`${what}: the hub copies another file than the entry offers`);
    let m: VerifiedManifest;
    try {
      // Whoever wrote the revision (the author, or a member of a share of theirs), the author
      // vouches for its content: the hash below is in the entry they signed.
      m = await openManifest(
        fileKey,
        fromBase64Url(info.manifest, 'manifest'),
        { fileId: entry.file.nodeId as NodeId, revision: entry.file.revision },
        () => true,
      );
    } catch (e) {
      if (e instanceof DecryptionError)
        throw new DecryptionError(
          `${what}: the manifest the hub serves does not open with the entry's key (tampered with, or ${entry.author.email} re-keyed the file: ask them to publish it again)`,
        );
      if (e instanceof IntegrityError) throw new IntegrityError(`${what}: ${e.message}`);
      throw e;
    }
    if (m.contentHash !== entry.file.contentHash || m.size !== entry.size)
      throw new IntegrityError(`${what}: the manifest is not the content the author published`);
    const listed = new Set(m.chunks.map((c) => c.pack?.id ?? c.id));
    const copied = new Set(info.chunks.map((c) => c.id));
    if (listed.size !== copied.size || [...listed].some((id) => !copied.has(id)))
      throw new IntegrityError(`${what}: the hub copies other chunks than the manifest lists`);
    return m;
  }

  /** Signs our own manifest over the copied chunks and commits the file into `folder`. */
  private async adopt(
    entry: CatalogEntry,
    author: VerifiedManifest,
    info: GroupCopyInfo,
    folder: OpenNode,
    path: string,
  ): Promise<CopyResult> {
    if (folder.kind !== 'folder') throw new ValidationError('to', 'is a file, not a folder');
    const taken = new Set((await this.deps.tree.listOpen(folder)).map((n) => n.meta.name));
    const chunkIds = [...new Set(author.chunks.map((c) => c.pack?.id ?? c.id))];
    const size = author.chunks.reduce((s, c) => s + c.length, 0);
    for (let attempt = 0; ; attempt++) {
      const name = freeName(entry.name.normalize('NFC'), taken);
      const fileId = newNodeId();
      const fileKey = newFileKey();
      const now = Date.now();
      const { author: _, ...content } = author;
      const manifest = await sealManifest(
        fileKey,
        { ...content, fileId, revision: 1, createdAt: now, origin: chunkContextOf(author) },
        this.deps.keys.identity,
      );
      const meta = fileMetadata(name, author, {}, now);
      const file = await fileCommit(this.deps.keys, folder, fileId, fileKey, meta, {
        revision: 1,
        manifest,
        chunkIds,
        size,
      });
      try {
        const { node } = await this.deps.hub.call('adoptGroupCopy', {
          params: { id: info.copyId },
          body: { file },
        });
        return { path: `${path}/${name}`, node, size: author.size, copied: info.bytes.done };
      } catch (e) {
        // A name taken meanwhile: the next free one.
        if (!(e instanceof ConflictError) || !e.message.startsWith('name:') || attempt >= 20)
          throw e;
        taken.add(name);
      }
    }
  }

  /** The folder a copy goes into, created (and kept on our personal servers) when it is ours. */
  private async folder(
    entry: CatalogEntry,
    to: string | undefined,
  ): Promise<{ folder: OpenNode; path: string }> {
    if (to !== undefined) {
      const node = await this.deps.tree.resolve(to).catch((e: unknown) => {
        if (e instanceof NotFoundError) throw new NotFoundError(`to: no folder ${to}`);
        throw e;
      });
      if (node.kind !== 'folder') throw new ValidationError('to', `${to} is a file, not a folder`);
      return { folder: node, path: `/${splitPath(to).join('/')}`.replace(/^\/$/, '') };
    }
    const path = `/${GROUPS_FOLDER}/${folderName(entry.groupName)}`;
    const node = await this.deps.tree.ensureFolder(path);
    const policy = await this.deps.hosting.folderPolicy(path);
    if (policy.own === null) {
      const servers = (await this.deps.hosting.myHosts()).filter(
        (h) => h.personal && h.state !== 'exited' && h.state !== 'exiting',
      );
      if (servers.length > 0) await this.deps.hosting.setFolderPolicy(path, { on: 'personal' });
    }
    return { folder: node, path };
  }
}

/** A group's name as a folder name: what a name may not hold becomes "-". */
export function folderName(group: string): string {
  const clean = [...group]
    .map((ch) => (ch === '/' || ch === '\\' || ch.charCodeAt(0) < 0x20 ? '-' : ch))
    .join('')
    .replace(/^\.+/, '')
    .trim();
  return clean && !nameProblem(clean) ? clean : 'group';
}
