import {
  asKey,
  buildPack,
  type ChunkId,
  type ChunkRef,
  type ContentKey,
  type ContentSummary,
  DEFAULT_CHUNK_SIZE,
  decryptContent,
  type EncryptedChunk,
  type EncryptOptions,
  encryptContent,
  encryptMetadata,
  encryptSmall,
  equalBytes,
  type FileKey,
  type FolderKey,
  fromBase64Url,
  MAX_THUMBNAIL_BYTES,
  type ManifestData,
  type NodeId,
  type NodeMetadata,
  nameHash,
  newContentKey,
  newFileKey,
  newNodeId,
  openManifest,
  sealManifest,
  toBase64Url,
  type VerifiedManifest,
  wrapNodeKey,
} from '@coffer/crypto';
import {
  ConflictError,
  ConnectionError,
  IntegrityError,
  NotFoundError,
  ValidationError,
} from '@coffer/errors';
import type { FileCommit, NodeInfo, Replica, RouteResponse } from '@coffer/protocol';
import type { CofferClient, Entry } from './client.ts';
import { splitPath, toEntry } from './client.ts';
import { getChunk, putChunk } from './host-client.ts';
import { type AccountKeys, fromHub, keysOfAuthor, nodeSignature, type OpenNode } from './keys.ts';

export interface Progress {
  /** Plaintext bytes encrypted and stored (upload) or decrypted (download) so far. */
  bytesDone: number;
  bytesTotal: number | null;
  /** Bytes this client sent over the network (upload) or received (download). */
  bytesOnWire: number;
  filesDone: number;
  filesTotal: number;
}

export interface TransferOptions {
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
  /** Chunks in flight at once. */
  concurrency?: number;
}

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
  /** Create missing parent folders. */
  parents?: boolean;
  resume?: { store: ResumeStore; key: string };
  chunkSize?: number;
  /** A small preview image (WebP, at most MAX_THUMBNAIL_BYTES), stored in the encrypted metadata. */
  thumbnail?: Uint8Array;
}

export type UploadSource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | Uint8Array;

const PUT_ATTEMPTS = 6;

class Meter {
  p: Progress;
  private last = 0;
  constructor(
    total: number | null,
    files: number,
    private readonly cb?: (p: Progress) => void,
  ) {
    this.p = { bytesDone: 0, bytesTotal: total, bytesOnWire: 0, filesDone: 0, filesTotal: files };
  }
  add(done: number, wire: number, files = 0) {
    this.p.bytesDone += done;
    this.p.bytesOnWire += wire;
    this.p.filesDone += files;
    const now = Date.now();
    if (this.cb && (now - this.last > 100 || this.p.filesDone === this.p.filesTotal)) {
      this.last = now;
      this.cb({ ...this.p });
    }
  }
  flush() {
    this.cb?.({ ...this.p });
  }
}

/** Runs tasks with at most `limit` in flight; the first failure stops new ones and is thrown. */
class Limiter {
  private running = new Set<Promise<void>>();
  private failure: unknown = null;
  constructor(private readonly limit: number) {}
  async run(task: () => Promise<void>) {
    while (this.running.size >= this.limit) await Promise.race(this.running);
    if (this.failure) throw this.failure;
    const p: Promise<void> = task()
      .catch((e) => {
        this.failure ??= e;
      })
      .finally(() => this.running.delete(p));
    this.running.add(p);
  }
  async drain() {
    await Promise.all(this.running);
    if (this.failure) throw this.failure;
  }
}

/**
 * Receipts of fully stored chunks, handed to the hub in batches (one call per 8 receipts
 * instead of one per chunk). `flush` before committing. A client that dies loses at most the
 * unflushed batch: those chunks are sent again when the upload resumes.
 */
class ReceiptBatch {
  private pending: string[] = [];
  private last: Promise<unknown> = Promise.resolve();
  constructor(private readonly target: UploadTarget) {}

  async add(receipts: string[], signal?: AbortSignal) {
    this.pending.push(...receipts);
    if (this.pending.length >= 8) await this.flush(signal);
  }

  async flush(signal?: AbortSignal) {
    const batch = this.pending;
    this.pending = [];
    if (batch.length > 0) {
      const previous = this.last;
      this.last = (async () => {
        await previous.catch(() => {});
        await this.target.receipts(batch, signal);
      })();
    }
    await this.last;
  }
}

/**
 * Where an upload's chunks are placed and their receipts recorded: an account's upload, or a
 * visitor's upload to a file request.
 */
export interface UploadTarget {
  place(
    chunks: { id: string; size: number }[],
    exclude: string[],
    signal?: AbortSignal,
  ): Promise<RouteResponse<'placeChunks'>>;
  receipts(receipts: string[], signal?: AbortSignal): Promise<RouteResponse<'addReceipts'>>;
}

/** An account's upload whose chunks go to files in `folders` (placed for their policies). */
const accountUpload = (
  client: CofferClient,
  uploadId: string,
  folders: readonly string[],
): UploadTarget => ({
  place: (chunks, exclude, signal) =>
    client.hub.call(
      'placeChunks',
      { params: { id: uploadId }, body: { chunks, exclude, folders: [...folders] } },
      signal,
    ),
  receipts: (receipts, signal) =>
    client.hub.call('addReceipts', { params: { id: uploadId }, body: { receipts } }, signal),
});

/**
 * Stores one chunk on as many hosts as the policy needs, with failover: a host that fails is
 * excluded and the hub places the missing copies elsewhere. Returns bytes sent.
 */
async function storeChunk(
  target: UploadTarget,
  id: string,
  bytes: Uint8Array,
  receipts: ReceiptBatch,
  signal?: AbortSignal,
): Promise<number> {
  const exclude = new Set<string>();
  let sent = 0;
  let lastError: unknown = null;
  for (let attempt = 0; attempt < PUT_ATTEMPTS; attempt++) {
    signal?.throwIfAborted();
    const { placements } = await target.place([{ id, size: bytes.length }], [...exclude], signal);
    const targets: Replica[] = placements[0]?.targets ?? [];
    if (targets.length === 0) return sent;
    let got: string[];
    try {
      const r = await putChunk(targets, id, bytes, signal);
      sent += bytes.length;
      got = r.receipts;
      for (const h of r.failed) exclude.add(h);
      // Every target stored it: the receipts can wait for the next batch to the hub.
      if (r.failed.length === 0 && r.receipts.length >= targets.length) {
        await receipts.add(r.receipts, signal);
        return sent;
      }
    } catch (e) {
      // A host refusing our bytes as malformed is our bug, not the host's: stop.
      if (signal?.aborted || e instanceof ValidationError) throw e;
      lastError = e;
      exclude.add(targets[0]?.hostId ?? '');
      continue;
    }
    if (got.length > 0) {
      const r = await target.receipts(got, signal);
      if (r.chunks.every((c) => c.complete)) return sent;
    }
  }
  throw new ConnectionError(
    `chunk ${id}: could not store it on enough hosts (${(lastError as Error | null)?.message ?? 'hosts kept failing'})`,
  );
}

/**
 * Encrypts `source` and stores its chunks through `target`, several in flight. `before` sees
 * each chunk first and may skip it (already stored) or stop the upload by throwing.
 */
async function encryptAndStore(
  target: UploadTarget,
  source: UploadSource,
  encrypt: EncryptOptions,
  meter: Meter,
  o: TransferOptions & { before?: (chunk: EncryptedChunk) => Promise<'send' | 'skip'> },
): Promise<{ chunkIds: string[]; content: ContentSummary }> {
  const { chunks, summary } = encryptContent(source, {
    ...encrypt,
    ...(o.signal ? { signal: o.signal } : {}),
  });
  const limiter = new Limiter(o.concurrency ?? 4);
  const receipts = new ReceiptBatch(target);
  const chunkIds: string[] = [];
  const reader = chunks.getReader();
  try {
    for (;;) {
      const { value: chunk, done } = await reader.read();
      if (done) break;
      chunkIds.push(chunk.id);
      let verdict: 'send' | 'skip' = 'send';
      try {
        verdict = (await o.before?.(chunk)) ?? 'send';
      } catch (e) {
        chunk.release();
        throw e;
      }
      if (verdict === 'skip') {
        meter.add(chunk.plaintextLength, 0);
        chunk.release();
        continue;
      }
      await limiter.run(async () => {
        try {
          const sent = await storeChunk(target, chunk.id, chunk.bytes, receipts, o.signal);
          meter.add(chunk.plaintextLength, sent);
        } finally {
          chunk.release();
        }
      });
    }
    await limiter.drain();
  } catch (e) {
    await reader.cancel().catch(() => {});
    await limiter.drain().catch(() => {});
    throw e;
  }
  await receipts.flush(o.signal);
  return { chunkIds, content: await summary };
}

/**
 * Encrypts `source` as revision 1 of a new file `fileId` and stores its chunks through
 * `target`. What a visitor to a file request does; the caller hands the content over.
 */
export async function storeNewContent(
  target: UploadTarget,
  source: UploadSource,
  fileId: NodeId,
  o: TransferOptions & { size?: number; chunkSize?: number } = {},
): Promise<{ chunkIds: string[]; content: ContentSummary }> {
  const meter = new Meter(o.size ?? null, 1, o.onProgress);
  const stored = await encryptAndStore(
    target,
    source,
    { fileId, revision: 1, chunkSize: o.chunkSize ?? DEFAULT_CHUNK_SIZE },
    meter,
    o,
  );
  meter.add(0, 0, 1);
  meter.flush();
  return stored;
}

async function parentFolder(
  client: CofferClient,
  names: string[],
  parents: boolean,
  cache?: Map<string, OpenNode>,
): Promise<OpenNode> {
  const dir = names.slice(0, -1).join('/');
  if (!dir) return client.root();
  const node = parents ? await client.ensureFolder(dir, cache) : await client.resolve(dir);
  if (node.kind !== 'folder') throw new ValidationError('path', `/${dir} is a file`);
  return node;
}

function checkThumbnail(thumbnail: Uint8Array | undefined) {
  if (thumbnail && thumbnail.length > MAX_THUMBNAIL_BYTES) {
    throw new ValidationError('thumbnail', `expected at most ${MAX_THUMBNAIL_BYTES} bytes`);
  }
}

function parseResume(value: unknown): ResumeState | null {
  const v = value as Partial<ResumeState> | null;
  if (v?.v !== 1 || typeof v.uploadId !== 'string' || typeof v.fileKey !== 'string') return null;
  if (!Array.isArray(v.sent)) return null;
  return v as ResumeState;
}

/** Uploads one file (any size) as a new file or a new revision of the file at `path`. */
export async function uploadFile(
  client: CofferClient,
  path: string,
  source: UploadSource,
  o: UploadOptions = {},
): Promise<Entry> {
  const names = splitPath(path);
  const name = names.at(-1);
  if (!name) throw new ValidationError('path', 'expected a file path, not the root folder');
  checkThumbnail(o.thumbnail);
  const parent = await parentFolder(client, names, o.parents ?? false);
  const parentKey = client.folderKeyOf(parent);
  const existing = await client.child(parent, name);
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
      const u = await client.hub.call('getUpload', { params: { id: state.uploadId } }, o.signal);
      complete = new Set(u.complete);
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e;
      state = null;
    }
  }
  if (!state) {
    const fileKey = existing?.kind === 'file' ? existing.key : newFileKey();
    const { uploadId } = await client.hub.call('createUpload', { body: {} }, o.signal);
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
    accountUpload(client, uploadId, [resumed.parentId]),
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
    client.keys.identity,
  );
  const meta: NodeMetadata = {
    name: name.normalize('NFC'),
    size: content.size,
    mtime: Math.max(0, Math.floor(o.mtime ?? now)),
    contentHash: content.contentHash,
    ...(o.mime ? { mime: o.mime } : {}),
    ...(o.thumbnail ? { thumb: toBase64Url(o.thumbnail) } : {}),
  };
  const commit = await fileCommit(
    client.keys,
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
  const [info] = (await commitWithRetry(client, uploadId, [commit], o.signal)).nodes;
  await saving;
  await o.resume?.store.remove(o.resume.key);
  meter.add(0, 0, 1);
  meter.flush();
  if (!info) throw new ConnectionError('commit: the hub returned no node');
  return toEntry({ info, kind: 'file', key: fileKey, meta });
}

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
 * Commits, retrying through a hub restart. If a retried commit meets a conflict because the
 * first attempt did land, that counts as success.
 */
async function commitWithRetry(
  client: CofferClient,
  uploadId: string,
  files: FileCommit[],
  signal?: AbortSignal,
) {
  try {
    return await client.hub.call(
      'commitUpload',
      { params: { id: uploadId }, body: { files } },
      signal,
    );
  } catch (e) {
    if (!(e instanceof ConflictError)) throw e;
    const nodes = [];
    for (const f of files) {
      const info = await client.hub
        .call('getNode', { params: { id: f.nodeId }, query: {} }, signal)
        .catch(() => null);
      if (!info || info.revision !== f.revision || info.metadata !== f.metadata) throw e;
      nodes.push(info);
    }
    return { nodes };
  }
}

// ---- many small files ---------------------------------------------------------------------

export interface SmallFile {
  path: string;
  bytes: Uint8Array;
  mtime?: number;
  mime?: string;
  /** As in UploadOptions. */
  thumbnail?: Uint8Array;
}

/** Files up to this size are packed together; bigger ones go through uploadFile. */
export const SMALL_FILE_LIMIT = 1024 * 1024;
const PACK_TARGET = 4 * 1024 * 1024;
const COMMIT_BATCH = 500;

/**
 * Uploads many small files with few round trips: each is encrypted on its own (its own key,
 * manifest and revision), then several are packed into one stored object, and the hub
 * commits hundreds of files per call. Existing files at those paths get a new revision.
 */
export async function uploadSmallFiles(
  client: CofferClient,
  files: readonly SmallFile[],
  o: TransferOptions & { parents?: boolean; folders?: Map<string, OpenNode> } = {},
): Promise<Entry[]> {
  for (const f of files) checkThumbnail(f.thumbnail);
  const total = files.reduce((s, f) => s + f.bytes.length, 0);
  const meter = new Meter(total, files.length, o.onProgress);
  const folders = new Map<
    string,
    { node: OpenNode; byHash: Map<string, import('@coffer/protocol').NodeInfo> }
  >();
  const folderOf = async (names: string[]) => {
    const dir = names.slice(0, -1).join('/');
    let f = folders.get(dir);
    if (!f) {
      const node = await parentFolder(client, names, o.parents ?? false, o.folders);
      const byHash = new Map<string, import('@coffer/protocol').NodeInfo>();
      let after: string | undefined;
      do {
        const page = await client.hub.call('children', {
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
  const { uploadId } = await client.hub.call('createUpload', { body: {} }, o.signal);
  const limiter = new Limiter(o.concurrency ?? 4);
  const receipts = new ReceiptBatch(accountUpload(client, uploadId, []));
  const entries: Entry[] = [];
  let pending: Prepared[] = [];
  let pendingBytes = 0;

  const flushPack = async (batch: Prepared[]) => {
    const pack = await buildPack(batch.map((p) => p.object));
    await limiter.run(async () => {
      const folders = [...new Set(batch.map((p) => p.parent.info.id))];
      const sent = await storeChunk(
        accountUpload(client, uploadId, folders),
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
          client.keys.identity,
        );
        const meta: NodeMetadata = {
          name: p.name,
          size: p.content.size,
          mtime: Math.max(0, Math.floor(p.file.mtime ?? now)),
          contentHash: p.content.contentHash,
          ...(p.file.mime ? { mime: p.file.mime } : {}),
          ...(p.file.thumbnail ? { thumb: toBase64Url(p.file.thumbnail) } : {}),
        };
        metas.push(meta);
        commits.push(
          await fileCommit(
            client.keys,
            { key: client.folderKeyOf(p.parent), info: p.parent.info },
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
      for (let i = 0; i < commits.length; i += COMMIT_BATCH) {
        const part = commits.slice(i, i + COMMIT_BATCH);
        const { nodes } = await commitWithRetry(client, uploadId, part, o.signal);
        nodes.forEach((info, k) => {
          const p = batch[i + k] as Prepared;
          entries.push(
            toEntry({ info, kind: 'file', key: p.fileKey, meta: metas[i + k] as NodeMetadata }),
          );
        });
      }
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
    const parentKey = client.folderKeyOf(folder.node);
    const hash = await nameHash(parentKey, name);
    const existingInfo = folder.byHash.get(hash);
    let fileId = newNodeId();
    let fileKey = newFileKey();
    let revision = 1;
    let version: number | undefined;
    let keyVersion: number | undefined;
    if (existingInfo) {
      const existing = await client.child(folder.node, name);
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
    if (pendingBytes >= PACK_TARGET || pending.length >= 1000) {
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

// ---- downloads ----------------------------------------------------------------------------

export interface DownloadOptions extends TransferOptions {
  /** A past revision; the current one when absent. */
  revision?: number;
  range?: { start: number; end: number };
}

/**
 * Opens and verifies a file's manifest: it must be sealed under the file key and signed by us,
 * or in a shared folder by one of its authors (`OpenNode.authors`).
 */
export async function openFileManifest(
  client: CofferClient,
  file: OpenNode,
  revision?: number,
): Promise<VerifiedManifest> {
  if (file.kind !== 'file') throw new ValidationError('path', 'is a folder, not a file');
  const rev = revision ?? file.info.revision;
  if (rev === null) throw new NotFoundError('path: the file has no content yet');
  let sealed = rev === file.info.revision ? file.info.manifest : undefined;
  if (!sealed) {
    const { revisions } = await client.hub.call('revisions', { params: { id: file.info.id } });
    sealed = revisions.find((r) => r.revision === rev)?.manifest;
    if (!sealed) throw new NotFoundError(`revision: ${path(file)} has no revision ${rev}`);
  }
  // Our own files: signed by us. In a folder shared with us: by its owner or a writer.
  const authors = file.authors
    ? file.authors.flatMap(keysOfAuthor)
    : [client.keys.identity.signingPublic, ...(await client.contacts.ownPreviousKeys())];
  const bytes = fromBase64Url(sealed, 'manifest');
  const key = file.key;
  const manifest = await fromHub(`manifest of ${path(file)}`, () =>
    openManifest(key, bytes, { fileId: file.info.id as NodeId, revision: rev }, (a) =>
      authors.some((k) => equalBytes(a, k)),
    ),
  );
  // The current revision must be the one the (authenticated) metadata describes; otherwise
  // the hub is passing an older revision off as the latest.
  if (revision === undefined) checkCurrent(file, manifest);
  return manifest;
}

/** The current revision must be the one the file's signed metadata describes. */
export function checkCurrent(file: OpenNode, manifest: VerifiedManifest): void {
  if (
    (file.meta.size !== undefined && file.meta.size !== manifest.size) ||
    (file.meta.contentHash !== undefined && file.meta.contentHash !== manifest.contentHash)
  ) {
    throw new IntegrityError(
      `manifest of ${path(file)}: not the revision its metadata describes (rolled back by the hub?)`,
    );
  }
}
const path = (n: OpenNode) => n.meta.name;

const PACK_CACHE = 8;

/** Locates objects and fetches them (whole or a range) from replicas, caching packs. */
/** Where chunks are (with get tokens), and where to report a bad copy. */
export interface ChunkLocator {
  locate(ids: string[], signal?: AbortSignal): Promise<{ id: string; replicas: Replica[] }[]>;
  report(chunkId: string, hostId: string): void;
}

/** The account's own way to find chunks: the hub's locate route. */
const accountLocator = (client: CofferClient): ChunkLocator => ({
  locate: async (ids, signal) =>
    (await client.hub.call('locateChunks', { body: { ids } }, signal)).chunks,
  report: (chunkId, hostId) => {
    client.hub.call('reportChunk', { body: { chunkId, hostId } }).catch(() => undefined);
  },
});

export class ChunkSource {
  private readonly where = new Map<string, Replica[]>();
  private readonly packs = new Map<string, Promise<Uint8Array>>();
  private readonly locator: ChunkLocator;
  bytesIn = 0;

  constructor(
    from: CofferClient | ChunkLocator,
    private readonly cachePacks = false,
  ) {
    this.locator = 'locate' in from ? from : accountLocator(from);
  }

  async locate(ids: Iterable<string>, signal?: AbortSignal) {
    const missing = [...new Set(ids)].filter((x) => !this.where.has(x));
    for (let i = 0; i < missing.length; i += 1024) {
      const chunks = await this.locator.locate(missing.slice(i, i + 1024), signal);
      const asked = new Set(missing.slice(i, i + 1024));
      if (chunks.length !== asked.size || chunks.some((c) => !asked.has(c.id))) {
        throw new IntegrityError('locate: the hub answered for other chunks than those asked');
      }
      for (const c of chunks) this.where.set(c.id, c.replicas);
    }
  }

  private async fetch(
    objectId: string,
    verifyAs: ChunkId,
    range?: { start: number; end: number },
    signal?: AbortSignal,
  ) {
    if (!this.where.has(objectId)) await this.locate([objectId], signal);
    // A bad copy is reported so the hub checks it and has it replaced ([Note: Audits]); the
    // read goes on from another replica meanwhile.
    const onBadReplica = (hostId: string) => this.locator.report(objectId, hostId);
    const opts = {
      verifyAs,
      onBadReplica,
      ...(range ? { range } : {}),
      ...(signal ? { signal } : {}),
    };
    try {
      const bytes = await getChunk(this.where.get(objectId) ?? [], objectId, opts);
      this.bytesIn += bytes.length;
      return bytes;
    } catch (e) {
      // Tokens expire; locate again once and retry before giving up.
      if (!(e instanceof ConnectionError)) throw e;
      this.where.delete(objectId);
      await this.locate([objectId], signal);
      const bytes = await getChunk(this.where.get(objectId) ?? [], objectId, opts);
      this.bytesIn += bytes.length;
      return bytes;
    }
  }

  /** For decryptContent: the object of one chunk, a fresh buffer the decryptor may own. */
  fetchChunk = async (ref: ChunkRef, _index: number, signal?: AbortSignal): Promise<Uint8Array> => {
    if (!ref.pack) return this.fetch(ref.id, ref.id, undefined, signal);
    if (!this.cachePacks) {
      const range = { start: ref.pack.offset, end: ref.pack.offset + ref.length };
      return this.fetch(ref.pack.id, ref.id, range, signal);
    }
    const packId = ref.pack.id;
    let pack = this.packs.get(packId);
    if (pack) {
      this.packs.delete(packId);
    } else {
      pack = this.fetch(packId, packId, undefined, signal);
      pack.catch(() => this.packs.delete(packId));
    }
    // Most recently used last; the oldest goes once the cache is full.
    this.packs.set(packId, pack);
    if (this.packs.size > PACK_CACHE) {
      const oldest = this.packs.keys().next().value;
      if (oldest !== undefined) this.packs.delete(oldest);
    }
    const whole = await pack;
    const slice = whole.slice(ref.pack.offset, ref.pack.offset + ref.length);
    if (slice.length !== ref.length)
      throw new ConnectionError('pack: shorter than the manifest says');
    return slice;
  };
}

/** Streams a file's plaintext; every chunk is verified before any of its bytes are released. */
export async function downloadFile(
  client: CofferClient,
  file: OpenNode,
  o: DownloadOptions = {},
  source = new ChunkSource(client),
  opened?: VerifiedManifest,
): Promise<{ entry: Entry; manifest: VerifiedManifest; stream: ReadableStream<Uint8Array> }> {
  const manifest = opened ?? (await openFileManifest(client, file, o.revision));
  return decryptFile(file, manifest, source, o);
}

/** Streams a file's plaintext from its verified manifest, fetching chunks from `source`. */
export async function decryptFile(
  file: OpenNode,
  manifest: VerifiedManifest,
  source: ChunkSource,
  o: DownloadOptions = {},
): Promise<{ entry: Entry; manifest: VerifiedManifest; stream: ReadableStream<Uint8Array> }> {
  await source.locate(
    manifest.chunks.map((c) => c.pack?.id ?? c.id),
    o.signal,
  );
  const meter = new Meter(o.range ? o.range.end - o.range.start : manifest.size, 1, o.onProgress);
  const plain = decryptContent(
    { ...manifest, fileId: file.info.id as NodeId, revision: manifest.revision },
    source.fetchChunk,
    {
      ...(o.range ? { range: o.range } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
      // Fetching, not decrypting, is the slow part: keep more chunks in flight than cores.
      concurrency: o.concurrency ?? 6,
    },
  );
  const counted = plain.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, ctl) {
        meter.add(chunk.length, 0);
        ctl.enqueue(chunk);
      },
      flush() {
        meter.add(0, 0, 1);
      },
    }),
  );
  return { entry: toEntry(file), manifest, stream: counted };
}

export type { ContentKey, FileKey };
