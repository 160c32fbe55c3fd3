import {
  asKey,
  DEFAULT_CHUNK_SIZE,
  fromBase64Url,
  type NodeId,
  newContentKey,
  newFileKey,
  newNodeId,
  sealManifest,
  toBase64Url,
} from '@coffer/crypto';
import { ConflictError, ConnectionError, NotFoundError, ValidationError } from '@coffer/errors';
import { type Entry, toEntry } from '../entries.ts';
import type { HubClient } from '../hub-client.ts';
import { type AccountKeys, folderKeyOf } from '../keys.ts';
import { splitPath } from '../paths.ts';
import { accountUpload, encryptAndStore, type UploadSource } from './chunk-store.ts';
import {
  checkThumbnail,
  commitWithRetry,
  type FolderFinder,
  fileCommit,
  fileMetadata,
  parentFolder,
} from './commit.ts';
import { Meter, type TransferOptions } from './progress.ts';

/** Where an interrupted upload is remembered, so the next attempt continues it. */
export interface ResumeStore {
  load(key: string): Promise<unknown>;
  save(key: string, state: ResumeState): Promise<void>;
  remove(key: string): Promise<void>;
}

export interface ResumeState {
  v: 1;
  uploadId: string;
  nodeId: string;
  parentId: string;
  revision: number;
  /** base64url; secret. */
  fileKey: string;
  contentKey: string;
  chunkSize: number;
  /**
   * The id of every chunk handed to a host, by index, recorded before it is sent. If the
   * source changed, re-encrypting it would put different plaintext under the same key and IV;
   * see [Note: Resuming safely].
   */
  sent: string[];
}

export interface UploadOptions extends TransferOptions {
  size?: number;
  mtime?: number;
  mime?: string;
  /** The executable bit, kept in the encrypted metadata (sync keeps it both ways). */
  exec?: boolean;
  /** Create missing parent folders. */
  parents?: boolean;
  resume?: { store: ResumeStore; key: string };
  /** Called when the upload continues an interrupted one from `resume` (it was still open). */
  onResume?: (r: { chunksStored: number }) => void;
  chunkSize?: number;
  /** A small preview image (WebP, at most MAX_THUMBNAIL_BYTES), stored in the encrypted metadata. */
  thumbnail?: Uint8Array;
}

/** What an upload needs: the hub, the account's keys, and the folders files go into. */
export interface UploadDeps {
  hub: HubClient;
  keys: AccountKeys;
  tree: FolderFinder;
}

function parseResume(value: unknown): ResumeState | null {
  const v = value as Partial<ResumeState> | null;
  if (v?.v !== 1 || typeof v.uploadId !== 'string' || typeof v.fileKey !== 'string') return null;
  if (!Array.isArray(v.sent)) return null;
  return v as ResumeState;
}

/** Uploads one file (any size) as a new file or a new revision of the file at `path`. */
export async function uploadFile(
  deps: UploadDeps,
  path: string,
  source: UploadSource,
  o: UploadOptions = {},
): Promise<Entry> {
  const { hub, keys, tree } = deps;
  const names = splitPath(path);
  const name = names.at(-1);
  if (!name) throw new ValidationError('path', 'expected a file path, not the root folder');
  checkThumbnail(o.thumbnail);
  const parent = await parentFolder(tree, names, o.parents ?? false);
  const parentKey = folderKeyOf(parent);
  const existing = await tree.child(parent, name);
  if (existing && existing.kind !== 'file') throw new ConflictError(`path: ${path} is a folder`);
  const revision = (existing?.info.revision ?? 0) + 1;

  let state = o.resume ? parseResume(await o.resume.store.load(o.resume.key)) : null;
  if (
    state &&
    (state.parentId !== parent.info.id ||
      state.revision !== revision ||
      (existing && state.nodeId !== existing.info.id))
  ) {
    state = null;
  }
  let complete = new Set<string>();
  if (state) {
    try {
      const u = await hub.call('getUpload', { params: { id: state.uploadId } }, o.signal);
      complete = new Set(u.complete);
      o.onResume?.({ chunksStored: complete.size });
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e;
      state = null;
    }
  }
  if (!state) {
    const fileKey = existing?.kind === 'file' ? existing.key : newFileKey();
    const { uploadId } = await hub.call('createUpload', { body: {} }, o.signal);
    state = {
      v: 1,
      uploadId,
      nodeId: existing?.info.id ?? newNodeId(),
      parentId: parent.info.id,
      revision,
      fileKey: toBase64Url(fileKey),
      contentKey: toBase64Url(newContentKey()),
      chunkSize: o.chunkSize ?? DEFAULT_CHUNK_SIZE,
      sent: [],
    };
    await o.resume?.store.save(o.resume.key, state);
  }
  const resumed = state;
  // Saves are serialized: each writes the whole state.
  let saving = Promise.resolve();
  const record = (index: number, id: string) => {
    if (!o.resume) return Promise.resolve();
    const { store, key } = o.resume;
    resumed.sent[index] = id;
    saving = saving.then(() => store.save(key, resumed));
    return saving;
  };
  const fileKey = asKey.file(fromBase64Url(state.fileKey, 'fileKey', 32));
  const fileId = state.nodeId as NodeId;
  const uploadId = state.uploadId;
  const meter = new Meter(o.size ?? null, 1, o.onProgress);
  const { chunkIds, content } = await encryptAndStore(
    accountUpload(hub, uploadId, [resumed.parentId]),
    source,
    {
      fileId,
      revision,
      chunkSize: state.chunkSize,
      contentKey: asKey.content(fromBase64Url(state.contentKey, 'contentKey', 32)),
    },
    meter,
    {
      ...o,
      before: async (chunk) => {
        // [Note: Resuming safely]
        // A resumed upload re-encrypts with the same content key, so the same bytes give the
        // same chunks and stored ones are skipped. If a chunk that was already sent now comes
        // out different, the source changed: stop before sending it, so no host ever holds
        // two ciphertexts under one key and IV, and start over with a fresh key.
        const before = resumed.sent[chunk.index];
        if (before !== undefined && before !== chunk.id) {
          await o.resume?.store.remove(o.resume.key);
          throw new ConflictError(
            'source: the file changed since the interrupted upload; upload it again to start over',
          );
        }
        if (complete.has(chunk.id)) return 'skip';
        await record(chunk.index, chunk.id);
        return 'send';
      },
    },
  );
  const now = Date.now();
  const manifest = await sealManifest(
    fileKey,
    { fileId, revision, createdAt: now, ...content },
    keys.identity,
  );
  const meta = fileMetadata(name, content, o, now);
  const commit = await fileCommit(
    keys,
    { key: parentKey, info: parent.info },
    fileId,
    fileKey,
    meta,
    {
      revision,
      manifest,
      chunkIds,
      size: content.chunks.reduce((s, c) => s + c.length, 0),
      ...(existing
        ? { version: existing.info.version, keyVersion: existing.info.keyVersion ?? 1 }
        : {}),
    },
  );
  const [info] = (await commitWithRetry(hub, uploadId, [commit], o.signal)).nodes;
  await saving;
  await o.resume?.store.remove(o.resume.key);
  meter.add(0, 0, 1);
  meter.flush();
  if (!info) throw new ConnectionError('commit: the hub returned no node');
  return toEntry({ info, kind: 'file', key: fileKey, meta });
}
