import {
  type ContentSummary,
  encryptMetadata,
  type FileKey,
  type FolderKey,
  MAX_THUMBNAIL_BYTES,
  type NodeId,
  type NodeMetadata,
  nameHash,
  toBase64Url,
  wrapNodeKey,
} from '@coffer/crypto';
import { ConflictError, NotFoundError, ValidationError } from '@coffer/errors';
import type { FileCommit, NodeInfo } from '@coffer/protocol';
import type { HubClient } from '../hub-client.ts';
import { type AccountKeys, nodeSignature, type OpenNode } from '../keys.ts';
import { parentPathOf } from '../paths.ts';
import type { TreeAccess } from '../tree.ts';

/** What uploads need of the tree: the folder a file goes into. */
export type FolderFinder = Pick<TreeAccess, 'root' | 'resolve' | 'child' | 'ensureFolder'>;

/** The folder that holds the file at `names`, created with its parents when asked. */
export async function parentFolder(
  tree: FolderFinder,
  names: string[],
  parents: boolean,
  cache?: Map<string, OpenNode>,
): Promise<OpenNode> {
  const dir = parentPathOf(names);
  if (!dir) return tree.root();
  const node = parents ? await tree.ensureFolder(dir, cache) : await tree.resolve(dir);
  if (node.kind !== 'folder') throw new ValidationError('path', `/${dir} is a file`);
  return node;
}

export function checkThumbnail(thumbnail: Uint8Array | undefined) {
  if (thumbnail && thumbnail.length > MAX_THUMBNAIL_BYTES) {
    throw new ValidationError('thumbnail', `expected at most ${MAX_THUMBNAIL_BYTES} bytes`);
  }
}

/** A file's encrypted metadata: its name and what its signed content summary says. */
export function fileMetadata(
  name: string,
  content: Pick<ContentSummary, 'size' | 'contentHash'>,
  o: {
    mtime?: number | undefined;
    mime?: string | undefined;
    thumbnail?: Uint8Array | undefined;
    exec?: boolean | undefined;
  },
  now: number,
): NodeMetadata {
  return {
    name: name.normalize('NFC'),
    size: content.size,
    mtime: Math.max(0, Math.floor(o.mtime ?? now)),
    contentHash: content.contentHash,
    ...(o.mime ? { mime: o.mime } : {}),
    ...(o.exec ? { exec: true as const } : {}),
    ...(o.thumbnail ? { thumb: toBase64Url(o.thumbnail) } : {}),
  };
}

/** The signed commit of one file (a new file, or a new revision of one) into `parent`. */
export async function fileCommit(
  keys: AccountKeys,
  parent: { key: FolderKey; info: NodeInfo },
  fileId: NodeId,
  fileKey: FileKey,
  meta: NodeMetadata,
  r: {
    revision: number;
    manifest: Uint8Array;
    chunkIds: string[];
    size: number;
    /** For a new revision: the node version it replaces, and its key's version. */
    version?: number;
    keyVersion?: number | undefined;
  },
): Promise<FileCommit> {
  const parentId = parent.info.id as NodeId;
  const place = { nodeId: fileId, parentId, kind: 'file' as const, keyVersion: r.keyVersion ?? 1 };
  const fields = {
    nodeId: fileId,
    parentId,
    nameHash: await nameHash(parent.key, meta.name),
    wrappedKey: toBase64Url(await wrapNodeKey(parent.key, fileKey, place)),
    metadata: toBase64Url(await encryptMetadata(fileKey, meta, { nodeId: fileId, kind: 'file' })),
  };
  return {
    ...fields,
    signature: nodeSignature(keys, { ...fields, kind: 'file' }),
    revision: r.revision,
    manifest: toBase64Url(r.manifest),
    size: r.size,
    chunkIds: r.chunkIds,
    ...(r.version !== undefined ? { version: r.version } : {}),
    parentKeyVersion: parent.info.keyVersion ?? 1,
  };
}

/**
 * Commits, retrying through a hub restart. If a retried commit meets a conflict, or finds its
 * upload gone (a commit ends its upload), because the first attempt did land, that counts as
 * success.
 */
export async function commitWithRetry(
  hub: HubClient,
  uploadId: string,
  files: FileCommit[],
  signal?: AbortSignal,
) {
  try {
    return await hub.call('commitUpload', { params: { id: uploadId }, body: { files } }, signal);
  } catch (e) {
    if (!(e instanceof ConflictError || e instanceof NotFoundError)) throw e;
    const nodes = [];
    for (const f of files) {
      const info = await hub
        .call('getNode', { params: { id: f.nodeId }, query: {} }, signal)
        .catch(() => null);
      if (!info || info.revision !== f.revision || info.metadata !== f.metadata) throw e;
      nodes.push(info);
    }
    return { nodes };
  }
}
