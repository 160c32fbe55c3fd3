import {
  buildPack,
  type ChunkId,
  type ChunkRef,
  DEFAULT_CHUNK_SIZE,
  encryptSmall,
  type FileKey,
  type ManifestData,
  MIN_CHUNK_SIZE,
  type NodeId,
  type NodeMetadata,
  nameHash,
  newFileKey,
  newNodeId,
  sealManifest,
} from '@coffer/crypto';
import { ConflictError, ValidationError } from '@coffer/errors';
import type { FileCommit, NodeInfo } from '@coffer/protocol';
import { type Entry, toEntry } from '../entries.ts';
import { folderKeyOf, type OpenNode } from '../keys.ts';
import { parentPathOf, splitPath } from '../paths.ts';
import { accountUpload, ReceiptBatch, storeChunk } from './chunk-store.ts';
import {
  checkThumbnail,
  commitWithRetry,
  fileCommit,
  fileMetadata,
  parentFolder,
} from './commit.ts';
import { Limiter, Meter, type TransferOptions } from './progress.ts';
import type { UploadDeps } from './upload.ts';

export interface SmallFile {
  path: string;
  bytes: Uint8Array;
  mtime?: number;
  mime?: string;
  /** As in UploadOptions. */
  thumbnail?: Uint8Array;
  /** As in UploadOptions. */
  exec?: boolean;
}

export type SmallFilesOptions = TransferOptions & {
  parents?: boolean;
  /** Folders already opened, by path, shared with `ensureFolder`. */
  folders?: Map<string, OpenNode>;
};

/** Files up to this size are packed together; bigger ones go through uploadFile. */
export const SMALL_FILE_LIMIT = 1024 * 1024;

/**
 * The chunk size a file of `size` bytes is best uploaded with, and so the one its content
 * hash is computed with ([Note: Content hash]): a small file is one chunk of its own size
 * (packed with others), a bigger one chunks of the default size. Sync hashes local files with
 * it, so that the same bytes give the same hash on both sides.
 */
export const chunkSizeFor = (size: number): number =>
  size <= SMALL_FILE_LIMIT ? Math.max(MIN_CHUNK_SIZE, size) : DEFAULT_CHUNK_SIZE;
const PACK_TARGET = 4 * 1024 * 1024;
/** Files in one pack, all committed in one call: a commit ends its upload. */
const PACK_FILES = 500;

/** A small file, encrypted on its own and waiting for its pack. */
interface Prepared {
  file: SmallFile;
  name: string;
  parent: OpenNode;
  fileId: NodeId;
  fileKey: FileKey;
  revision: number;
  version?: number;
  keyVersion?: number | undefined;
  object: { id: ChunkId; bytes: Uint8Array };
  content: Omit<ManifestData, 'fileId' | 'revision' | 'createdAt'>;
}

/**
 * Uploads many small files with few round trips: each is encrypted on its own (its own key,
 * manifest and revision), then several are packed into one stored object, and the hub
 * commits hundreds of files per call. Existing files at those paths get a new revision.
 */
export async function uploadSmallFiles(
  deps: UploadDeps,
  files: readonly SmallFile[],
  o: SmallFilesOptions = {},
): Promise<Entry[]> {
  const { hub, keys, tree } = deps;
  for (const f of files) checkThumbnail(f.thumbnail);
  const total = files.reduce((s, f) => s + f.bytes.length, 0);
  const meter = new Meter(total, files.length, o.onProgress);
  const folders = new Map<string, { node: OpenNode; byHash: Map<string, NodeInfo> }>();
  const folderOf = async (names: string[]) => {
    const dir = parentPathOf(names);
    let f = folders.get(dir);
    if (!f) {
      const node = await parentFolder(tree, names, o.parents ?? false, o.folders);
      const byHash = new Map<string, NodeInfo>();
      let after: string | undefined;
      do {
        const page = await hub.call('children', {
          params: { id: node.info.id },
          query: { limit: 5000, ...(after ? { after } : {}) },
        });
        for (const n of page.nodes) if (n.nameHash) byHash.set(n.nameHash, n);
        after = page.next ?? undefined;
      } while (after);
      f = { node, byHash };
      folders.set(dir, f);
    }
    return f;
  };

  const limiter = new Limiter(o.concurrency ?? 4);
  const entries: Entry[] = [];
  let pending: Prepared[] = [];
  let pendingBytes = 0;

  const flushPack = async (batch: Prepared[]) => {
    const pack = await buildPack(batch.map((p) => p.object));
    await limiter.run(async () => {
      // One upload per pack ([Note: A commit ends its upload] in the hub's services/uploads.ts).
      const { uploadId } = await hub.call('createUpload', { body: {} }, o.signal);
      const receipts = new ReceiptBatch(accountUpload(hub, uploadId, []));
      const folders = [...new Set(batch.map((p) => p.parent.info.id))];
      const sent = await storeChunk(
        accountUpload(hub, uploadId, folders),
        pack.id,
        pack.bytes,
        receipts,
        o.signal,
      );
      await receipts.flush(o.signal);
      const commits: FileCommit[] = [];
      const metas: NodeMetadata[] = [];
      for (const [i, p] of batch.entries()) {
        const ref = pack.refs[i] as ChunkRef;
        const now = Date.now();
        const manifest = await sealManifest(
          p.fileKey,
          { fileId: p.fileId, revision: p.revision, createdAt: now, ...p.content, chunks: [ref] },
          keys.identity,
        );
        const meta = fileMetadata(p.name, p.content, p.file, now);
        metas.push(meta);
        commits.push(
          await fileCommit(
            keys,
            { key: folderKeyOf(p.parent), info: p.parent.info },
            p.fileId,
            p.fileKey,
            meta,
            {
              revision: p.revision,
              manifest,
              chunkIds: [pack.id],
              size: ref.length,
              ...(p.version !== undefined ? { version: p.version, keyVersion: p.keyVersion } : {}),
            },
          ),
        );
      }
      const { nodes } = await commitWithRetry(hub, uploadId, commits, o.signal);
      nodes.forEach((info, k) => {
        const p = batch[k] as Prepared;
        entries.push(
          toEntry({ info, kind: 'file', key: p.fileKey, meta: metas[k] as NodeMetadata }),
        );
      });
      meter.add(
        batch.reduce((s, p) => s + p.file.bytes.length, 0),
        sent,
        batch.length,
      );
    });
  };

  for (const [i, file] of files.entries()) {
    o.signal?.throwIfAborted();
    if (file.bytes.length > SMALL_FILE_LIMIT) {
      throw new ValidationError(
        `files.${i}`,
        `larger than ${SMALL_FILE_LIMIT} bytes; use uploadFile`,
      );
    }
    const names = splitPath(file.path);
    const name = names.at(-1);
    if (!name) throw new ValidationError(`files.${i}.path`, 'expected a file path');
    const folder = await folderOf(names);
    const parentKey = folderKeyOf(folder.node);
    const hash = await nameHash(parentKey, name);
    const existingInfo = folder.byHash.get(hash);
    let fileId = newNodeId();
    let fileKey = newFileKey();
    let revision = 1;
    let version: number | undefined;
    let keyVersion: number | undefined;
    if (existingInfo) {
      const existing = await tree.child(folder.node, name);
      if (existing?.kind === 'folder') throw new ConflictError(`files.${i}.path: is a folder`);
      if (existing?.kind === 'file') {
        fileId = existing.info.id as NodeId;
        fileKey = existing.key;
        revision = (existing.info.revision ?? 0) + 1;
        version = existing.info.version;
        keyVersion = existing.info.keyVersion ?? 1;
      }
    }
    const { object, summary: content } = await encryptSmall(file.bytes, { fileId, revision });
    pending.push({
      file,
      name: name.normalize('NFC'),
      parent: folder.node,
      fileId,
      fileKey,
      revision,
      ...(version !== undefined ? { version, keyVersion } : {}),
      object,
      content,
    });
    pendingBytes += object.bytes.length;
    if (pendingBytes >= PACK_TARGET || pending.length >= PACK_FILES) {
      await flushPack(pending);
      pending = [];
      pendingBytes = 0;
    }
  }
  if (pending.length) await flushPack(pending);
  await limiter.drain();
  meter.flush();
  return entries;
}
