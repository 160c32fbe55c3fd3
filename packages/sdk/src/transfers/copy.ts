import { chunkContextOf, newFileKey, newNodeId, sealManifest } from '@coffer/crypto';
import { ConflictError, ConnectionError, ValidationError } from '@coffer/errors';
import { type Entry, toEntry } from '../entries.ts';
import { folderKeyOf, type OpenNode } from '../keys.ts';
import { splitPath } from '../paths.ts';
import type { Tree } from '../tree.ts';
import { commitWithRetry, fileCommit, fileMetadata, parentFolder } from './commit.ts';
import { openFileManifest, type ReadDeps } from './download.ts';

// [Note: Copying without moving bytes]
// A copy of a file is a new file (its own id and file key) whose first revision lists the
// source's chunks: no content byte is downloaded or uploaded. Its manifest, sealed under the
// new key and signed by us, names the source's revision as the chunks' origin, as a restored
// version ([Note: Restoring a version]) and a copy from a group do, since each chunk's AAD names
// the file and revision it was encrypted for. The source's manifest is opened and checked as a
// download would first. A folder copies as a new folder, then each child in turn.

export type CopyDeps = ReadDeps & {
  tree: Pick<Tree, 'root' | 'resolve' | 'child' | 'ensureFolder' | 'listOpen' | 'createFolder'>;
};

/** Copies the file or folder at `from` to the new path `to` (which must not exist yet). */
export async function copyNode(deps: CopyDeps, from: string, to: string): Promise<Entry> {
  const source = await deps.tree.resolve(from);
  if (source.info.parentId === null)
    throw new ValidationError('from', 'cannot copy the root folder');
  const names = splitPath(to);
  const name = names.at(-1);
  if (!name) throw new ValidationError('to', 'expected a path, not the root folder');
  const parent = await parentFolder(deps.tree, names, false);
  if (await deps.tree.child(parent, name)) throw new ConflictError(`to: ${to} already exists`);
  const fromPath = `/${splitPath(from).join('/')}`;
  const toPath = `/${names.join('/')}`;
  if (source.kind === 'folder' && `${toPath}/`.startsWith(`${fromPath}/`))
    throw new ValidationError('to', 'is inside the folder being copied');
  return copyInto(deps, source, parent, name);
}

async function copyInto(
  deps: CopyDeps,
  source: OpenNode,
  parent: OpenNode,
  name: string,
): Promise<Entry> {
  if (source.kind === 'folder') {
    const folder = await deps.tree.createFolder(parent, name);
    for (const child of await deps.tree.listOpen(source)) {
      await copyInto(deps, child, folder, child.meta.name);
    }
    return toEntry(folder);
  }
  const old = await openFileManifest(deps, source);
  const fileId = newNodeId();
  const fileKey = newFileKey();
  const now = Date.now();
  const { author: _, origin: __, ...content } = old;
  const manifest = await sealManifest(
    fileKey,
    { ...content, fileId, revision: 1, createdAt: now, origin: chunkContextOf(old) },
    deps.keys.identity,
  );
  const { mime, exec, mtime } = source.meta;
  const meta = fileMetadata(name, old, { mtime: mtime ?? now, mime, exec }, now);
  const commit = await fileCommit(
    deps.keys,
    { key: folderKeyOf(parent), info: parent.info },
    fileId,
    fileKey,
    meta,
    {
      revision: 1,
      manifest,
      chunkIds: [...new Set(old.chunks.map((c) => c.pack?.id ?? c.id))],
      size: old.chunks.reduce((s, c) => s + c.length, 0),
    },
  );
  const { uploadId } = await deps.hub.call('createUpload', { body: {} });
  const [info] = (await commitWithRetry(deps.hub, uploadId, [commit])).nodes;
  if (!info) throw new ConnectionError('commit: the hub returned no node');
  return toEntry({ info, kind: 'file', key: fileKey, meta });
}
