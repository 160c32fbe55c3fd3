import {
  type ChunkId,
  type ChunkRef,
  chunkContextOf,
  decryptContent,
  decryptWhole,
  equalBytes,
  fromBase64Url,
  type NodeId,
  objectMatchesId,
  openManifest,
  type SigningPublicKey,
  type VerifiedManifest,
} from '@coffer/crypto';
import { ConnectionError, IntegrityError, NotFoundError, ValidationError } from '@coffer/errors';
import type { Replica } from '@coffer/protocol';
import { refuseRepeats, servedWrong } from '../checks.ts';
import { type Entry, toEntry } from '../entries.ts';
import { getChunk } from '../host-client.ts';
import type { HubClient } from '../hub-client.ts';
import { type AccountKeys, fromHub, keysOfAuthor, type OpenNode } from '../keys.ts';
import type { Freshness } from '../pins.ts';
import { BufferPool } from './buffer-pool.ts';
import { Meter, type TransferOptions } from './progress.ts';

export interface DownloadOptions extends TransferOptions {
  /** A past revision; the current one when absent. */
  revision?: number;
  range?: { start: number; end: number };
}

/** What reading an account's files needs: the hub, our keys, and our earlier signing keys. */
export interface ReadDeps {
  hub: HubClient;
  keys: AccountKeys;
  ownPreviousKeys(): Promise<SigningPublicKey[]>;
  /** The keys of apps we let write ([Note: Apps in the client]): tried when ours do not verify. */
  appAuthors?(): Promise<SigningPublicKey[]>;
  pins: Freshness;
}

const nameOf = (n: OpenNode) => n.meta.name;

/**
 * Opens and verifies a file's manifest: it must be sealed under the file key and signed by us,
 * or in a shared folder by one of its authors (`OpenNode.authors`).
 */
export async function openFileManifest(
  deps: ReadDeps,
  file: OpenNode,
  revision?: number,
): Promise<VerifiedManifest> {
  if (file.kind !== 'file') throw new ValidationError('path', 'is a folder, not a file');
  const rev = revision ?? file.info.revision;
  if (rev === null) throw new NotFoundError('path: the file has no content yet');
  let sealed = rev === file.info.revision ? file.info.manifest : undefined;
  if (!sealed) {
    const { revisions } = await deps.hub.call('revisions', { params: { id: file.info.id } });
    sealed = revisions.find((r) => r.revision === rev)?.manifest;
    if (!sealed) throw new NotFoundError(`revision: ${nameOf(file)} has no revision ${rev}`);
  }
  const manifest = await openSealed(deps, file, sealed, rev);
  // The current revision must be the one the (authenticated) metadata describes; otherwise
  // the hub is passing an older revision off as the latest.
  if (revision === undefined) {
    checkCurrent(file, manifest);
    await deps.pins.verified(file.info.id, rev);
  }
  return manifest;
}

async function openSealed(deps: ReadDeps, file: OpenNode, sealed: string, revision: number) {
  // Our own files: signed by us. In a folder shared with us: by its owner or a writer.
  const authors = file.authors
    ? file.authors.flatMap(keysOfAuthor)
    : [deps.keys.identity.signingPublic, ...(await deps.ownPreviousKeys())];
  const bytes = fromBase64Url(sealed, 'manifest');
  const key = file.key;
  const open = (accepted: readonly SigningPublicKey[]) =>
    fromHub(`manifest of ${nameOf(file)}`, () =>
      openManifest(
        key as Parameters<typeof openManifest>[0],
        bytes,
        { fileId: file.info.id as NodeId, revision },
        (a) => accepted.some((k) => equalBytes(a, k)),
      ),
    );
  if (!deps.appAuthors) return open(authors);
  try {
    return await open(authors);
  } catch (e) {
    // Written by one of our read-write apps? Their keys are asked for only then.
    if (!(e instanceof IntegrityError)) throw e;
    const apps = await deps.appAuthors();
    if (apps.length === 0) throw e;
    return open([...authors, ...apps]);
  }
}

/** The current revision must be the one the file's signed metadata describes. */
export function checkCurrent(file: OpenNode, manifest: VerifiedManifest): void {
  if (
    (file.meta.size !== undefined && file.meta.size !== manifest.size) ||
    (file.meta.contentHash !== undefined && file.meta.contentHash !== manifest.contentHash)
  ) {
    throw new IntegrityError(
      `manifest of ${nameOf(file)}: not the revision its metadata describes (rolled back by the hub?)`,
    );
  }
}

export interface Version {
  revision: number;
  size: number;
  createdAt: number;
  current: boolean;
}

/**
 * Every revision of a file, newest first, each manifest checked. Which one is current is not
 * the hub's word: its manifest must be the one the file's metadata describes, as `get`
 * checks, and it must be listed (IntegrityError otherwise).
 */
export async function listVersions(deps: ReadDeps, file: OpenNode): Promise<Version[]> {
  if (file.kind !== 'file')
    throw new ValidationError('path', 'is a folder; folders have no versions');
  const what = `versions of ${nameOf(file)}`;
  const { revisions } = await deps.hub.call('revisions', { params: { id: file.info.id } });
  refuseRepeats(
    revisions,
    (r) => String(r.revision),
    what,
    (r) => `revision ${r.revision}`,
  );
  if (file.info.revision !== null && !revisions.some((r) => r.revision === file.info.revision))
    throw servedWrong(what, `no revision ${file.info.revision}, which it calls current`);
  const out: Version[] = [];
  for (const r of revisions) {
    const m = await openSealed(deps, file, r.manifest, r.revision);
    const current = r.revision === file.info.revision;
    if (current) checkCurrent(file, m);
    out.push({ revision: r.revision, size: m.size, createdAt: m.createdAt, current });
  }
  return out;
}

const PACK_CACHE = 8;

/** Where chunks are (with get tokens), and where to report a bad copy. */
export interface ChunkLocator {
  locate(ids: string[], signal?: AbortSignal): Promise<{ id: string; replicas: Replica[] }[]>;
  report(chunkId: string, hostId: string): void;
}

/** The account's own way to find chunks: the hub's locate route. */
export const accountLocator = (hub: HubClient): ChunkLocator => ({
  locate: async (ids, signal) => (await hub.call('locateChunks', { body: { ids } }, signal)).chunks,
  report: (chunkId, hostId) => {
    hub.call('reportChunk', { body: { chunkId, hostId } }).catch(() => undefined);
  },
});

/** Locates objects and fetches them (whole or a range) from replicas, caching packs. */
export class ChunkSource {
  private readonly where = new Map<string, Replica[]>();
  private readonly packs = new Map<string, Promise<Uint8Array>>();
  private readonly buffers = new BufferPool();
  bytesIn = 0;

  constructor(
    private readonly locator: ChunkLocator,
    private readonly cachePacks = false,
    /** Packs kept at most; each is up to 4 MiB. */
    private readonly packLimit = PACK_CACHE,
  ) {}

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
    check: (bytes: Uint8Array) => Promise<boolean>,
    range?: { start: number; end: number },
    signal?: AbortSignal,
    recycled = false,
  ) {
    if (!this.where.has(objectId)) await this.locate([objectId], signal);
    // A bad copy is reported so the hub checks it and has it replaced ([Note: Audits]); the
    // read goes on from another replica meanwhile.
    const onBadReplica = (hostId: string) => this.locator.report(objectId, hostId);
    const opts = {
      // The check may consume the bytes, so they are counted before it.
      check: (bytes: Uint8Array) => {
        this.bytesIn += bytes.length;
        return check(bytes);
      },
      onBadReplica,
      ...(range ? { range } : {}),
      ...(signal ? { signal } : {}),
      ...(recycled ? { into: (n: number) => this.buffers.take(n) } : {}),
    };
    try {
      return await getChunk(this.where.get(objectId) ?? [], objectId, opts);
    } catch (e) {
      // Tokens expire; locate again once and retry before giving up.
      if (!(e instanceof ConnectionError)) throw e;
      this.where.delete(objectId);
      await this.locate([objectId], signal);
      return getChunk(this.where.get(objectId) ?? [], objectId, opts);
    }
  }

  /**
   * For decryptContent: the object of one chunk, in a buffer the decryptor may own, accepted
   * by `check` (or, without one, by its id).
   */
  fetchChunk = async (
    ref: ChunkRef,
    _index: number,
    signal?: AbortSignal,
    check?: (object: Uint8Array) => Promise<boolean>,
  ): Promise<Uint8Array> => {
    const checkAs = (id: ChunkId) => check ?? ((b: Uint8Array) => objectMatchesId(b, id));
    if (!ref.pack) return this.fetch(ref.id, checkAs(ref.id), undefined, signal, true);
    if (!this.cachePacks) {
      const range = { start: ref.pack.offset, end: ref.pack.offset + ref.length };
      return this.fetch(ref.pack.id, checkAs(ref.id), range, signal, true);
    }
    const packId = ref.pack.id;
    let pack = this.packs.get(packId);
    if (pack) {
      this.packs.delete(packId);
    } else {
      pack = this.fetch(packId, (b) => objectMatchesId(b, packId), undefined, signal);
      pack.catch(() => this.packs.delete(packId));
    }
    // Most recently used last; the oldest goes once the cache is full.
    this.packs.set(packId, pack);
    if (this.packs.size > this.packLimit) {
      const oldest = this.packs.keys().next().value;
      if (oldest !== undefined) this.packs.delete(oldest);
    }
    const whole = await pack;
    const slice = whole.slice(ref.pack.offset, ref.pack.offset + ref.length);
    if (slice.length !== ref.length)
      throw new ConnectionError('pack: shorter than the manifest says');
    return slice;
  };

  /** See `Download.recycle`. */
  recycle(chunk: Uint8Array): void {
    this.buffers.give(chunk);
  }
}

export interface Download {
  entry: Entry;
  manifest: VerifiedManifest;
  stream: ReadableStream<Uint8Array>;
  /**
   * Hands back a piece read from `stream` once its bytes are written, so its memory receives a
   * later chunk ([Note: Recycled receive buffers]); the piece must not be used afterwards.
   * Optional: pieces not handed back are garbage collected.
   */
  recycle(piece: Uint8Array): void;
}

/** Streams a file's plaintext; every chunk is verified before any of its bytes are released. */
export async function downloadFile(
  deps: ReadDeps,
  file: OpenNode,
  o: DownloadOptions = {},
  source = new ChunkSource(accountLocator(deps.hub)),
  opened?: VerifiedManifest,
): Promise<Download> {
  const manifest = opened ?? (await openFileManifest(deps, file, o.revision));
  return decryptFile(file, manifest, source, o);
}

/** Streams a file's plaintext from its verified manifest, fetching chunks from `source`. */
export async function decryptFile(
  file: OpenNode,
  manifest: VerifiedManifest,
  source: ChunkSource,
  o: DownloadOptions = {},
): Promise<Download> {
  await source.locate(
    manifest.chunks.map((c) => c.pack?.id ?? c.id),
    o.signal,
  );
  const meter = new Meter(o.range ? o.range.end - o.range.start : manifest.size, 1, o.onProgress);
  const plain = decryptContent({ ...manifest, ...chunkContextOf(manifest) }, source.fetchChunk, {
    ...(o.range ? { range: o.range } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
    // Fetching, not decrypting, is the slow part: keep more chunks in flight than cores.
    concurrency: o.concurrency ?? 6,
  });
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
  return {
    entry: toEntry(file),
    manifest,
    stream: counted,
    recycle: (piece) => source.recycle(piece),
  };
}

/**
 * A whole file's plaintext as one buffer, from its verified manifest: the checks of
 * `decryptFile` (each chunk against its id before its bytes are used, then the content hash)
 * without the two Web streams per file that cost more than a small file's cryptography.
 * For small files; a large one would be held whole in memory.
 */
export async function decryptFileBytes(
  manifest: VerifiedManifest,
  source: ChunkSource,
  o: Pick<DownloadOptions, 'signal' | 'onProgress'> = {},
): Promise<Uint8Array> {
  await source.locate(
    manifest.chunks.map((c) => c.pack?.id ?? c.id),
    o.signal,
  );
  const bytes = await decryptWhole(
    { ...manifest, ...chunkContextOf(manifest) },
    source.fetchChunk,
    o.signal,
  );
  new Meter(manifest.size, 1, o.onProgress).add(bytes.length, 0, 1);
  return bytes;
}
