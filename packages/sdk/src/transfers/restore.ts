import { chunkContextOf, sealManifest } from '@coffer/crypto';
import { ConnectionError, ValidationError } from '@coffer/errors';
import { type Entry, toEntry } from '../entries.ts';
import { folderKeyOf } from '../keys.ts';
import { splitPath } from '../paths.ts';
import {
  commitWithRetry,
  type FolderFinder,
  fileCommit,
  fileMetadata,
  parentFolder,
} from './commit.ts';
import { openFileManifest, type ReadDeps } from './download.ts';

// [Note: Restoring a version]
// Restoring revision r of a file makes a new revision, the newest, with r's content; the one
// that was newest stays a version like any other. No content byte moves: the chunks keep their
// ciphertext, whose AAD names the revision they were encrypted for, so the new manifest names
// that revision as their origin ([Note: Manifest]), as a copy from a group does. Before signing
// it, the client opens r's manifest and checks it exactly as a download would (sealed under the
// file key, signed by us or a writer of the share it is in), and the current one too (the hub
// may not pass an older revision off as the newest); then it signs the new manifest itself. The
// hub takes it as any new revision: the chunks must be the caller's to read, with their copies.

export type RestoreDeps = ReadDeps & { tree: FolderFinder };

/** Makes revision `revision` of the file at `path` its newest, without moving a content byte. */
export async function restoreRevision(
  deps: RestoreDeps,
  path: string,
  revision: number,
): Promise<Entry> {
  if (!Number.isSafeInteger(revision) || revision < 1)
    throw new ValidationError('revision', 'expected a whole number from 1');
  const names = splitPath(path);
  const name = names.at(-1);
  if (!name) throw new ValidationError('path', 'expected a file path, not the root folder');
  const parent = await parentFolder(deps.tree, names, false);
  const file = await deps.tree.resolve(names.join('/'));
  if (file.kind !== 'file')
    throw new ValidationError('path', 'is a folder; folders have no versions');
  if (revision === file.info.revision)
    throw new ValidationError('revision', `${revision} is the current version already`);
  const current = await openFileManifest(deps, file);
  const old = await openFileManifest(deps, file, revision);
  const next = (file.info.revision ?? 0) + 1;
  const now = Date.now();
  const { author: _, origin: __, ...content } = old;
  const manifest = await sealManifest(
    file.key,
    { ...content, fileId: old.fileId, revision: next, createdAt: now, origin: chunkContextOf(old) },
    deps.keys.identity,
  );
  // The name, type and mode stay; a thumbnail only when it shows this very content.
  const { mime, exec, thumb } = file.meta;
  const meta = {
    ...fileMetadata(file.meta.name, old, { mtime: now, mime, exec }, now),
    ...(thumb && current.contentHash === old.contentHash ? { thumb } : {}),
  };
  const commit = await fileCommit(
    deps.keys,
    { key: folderKeyOf(parent), info: parent.info },
    old.fileId,
    file.key,
    meta,
    {
      revision: next,
      manifest,
      chunkIds: [...new Set(old.chunks.map((c) => c.pack?.id ?? c.id))],
      size: old.chunks.reduce((s, c) => s + c.length, 0),
      version: file.info.version,
      keyVersion: file.info.keyVersion ?? 1,
    },
  );
  const { uploadId } = await deps.hub.call('createUpload', { body: {} });
  const [info] = (await commitWithRetry(deps.hub, uploadId, [commit])).nodes;
  if (!info) throw new ConnectionError('commit: the hub returned no node');
  return toEntry({ info, kind: 'file', key: file.key, meta });
}
