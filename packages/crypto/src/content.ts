import { DecryptionError, IntegrityError, ValidationError } from '@coffer/errors';
import { platform } from '#platform';
import { ByteWriter, concatBytes, equalBytes, fromHex, toHex, utf8 } from './bytes.ts';
import { checkHeader, HEADER_LENGTH, header } from './format.ts';
import { iterate, OrderedPipeline, streamFrom } from './streams.ts';
import { type ChunkId, type ContentKey, idBytes, type NodeId, newContentKey } from './types.ts';

// [Note: Chunk format]
// A file revision's bytes are cut into chunks of `chunkSize` (the last may be shorter; an
// empty file is one empty chunk). Chunk i is stored as
//
//   object = "CFC" 0x01 ‖ AES-256-GCM(chunkKey, iv_i, aad_i, plaintext_i) ‖ tag(16)
//   chunkKey = HKDF-SHA256(contentKey, salt = "", info = "coffer/v1/chunk", 32)
//   iv_i     = i as 11 bytes big-endian ‖ last (0x00 or 0x01)
//   aad_i    = header ‖ fileId(16) ‖ revision u32 ‖ i u64 ‖ last u8
//   chunk id = SHA-256(object)
//
// Every revision has a fresh random content key, so (key, iv) never repeats. The index and
// the last flag in both the IV and the AAD make reordering, truncation, extension and
// splicing from another file or revision fail to decrypt (the STREAM construction of Hoang,
// Reyhanitabar, Rogaway and Vizár). The ids are listed in the author-signed manifest, so even
// a reader holding the content key cannot substitute a chunk: GCM is not collision-resistant
// for someone who knows the key, SHA-256 is.

export const DEFAULT_CHUNK_SIZE = 4 * 1024 * 1024;
export const MIN_CHUNK_SIZE = 1024;
export const MAX_CHUNK_SIZE = 64 * 1024 * 1024;
export const CHUNK_OVERHEAD = HEADER_LENGTH + 16;

/** Where one chunk lives: on its own, or inside a pack at `offset`. */
export interface ChunkRef {
  id: ChunkId;
  /** Length of the chunk object in bytes. */
  length: number;
  pack?: { id: ChunkId; offset: number };
}

/** What encrypting a revision produced; the manifest signs all of it. */
export interface ContentSummary {
  contentKey: ContentKey;
  chunkSize: number;
  size: number;
  /** See [Note: Content hash]. Hex. */
  contentHash: string;
  chunks: ChunkRef[];
}

export interface EncryptedChunk {
  index: number;
  id: ChunkId;
  /** The object to store, addressed by `id`. */
  bytes: Uint8Array;
  plaintextLength: number;
  last: boolean;
  /**
   * Optional: hands the memory of `bytes` back for the next chunk once the caller is done with
   * it (uploaded, written). `bytes` must not be used afterwards.
   */
  release(): void;
}

export interface ChunkContext {
  fileId: NodeId;
  revision: number;
}

export function checkChunkSize(chunkSize: number): void {
  if (!Number.isInteger(chunkSize) || chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE) {
    throw new ValidationError(
      'chunkSize',
      `expected an integer from ${MIN_CHUNK_SIZE} to ${MAX_CHUNK_SIZE}`,
    );
  }
}

function checkRevision(revision: number): void {
  if (!Number.isInteger(revision) || revision < 0 || revision > 0xffffffff) {
    throw new ValidationError('revision', 'expected an integer from 0 to 2^32-1');
  }
}

export const deriveChunkKey = (contentKey: ContentKey) =>
  platform.hkdfSha256(contentKey, new Uint8Array(0), utf8.encode('coffer/v1/chunk'), 32);

export function chunkIv(index: number, last: boolean): Uint8Array {
  const iv = new Uint8Array(12);
  const view = new DataView(iv.buffer);
  view.setBigUint64(3, BigInt(index));
  iv[11] = last ? 1 : 0;
  return iv;
}

export function chunkAad(ctx: ChunkContext, index: number, last: boolean): Uint8Array {
  return new ByteWriter()
    .raw(header('chunk'))
    .raw(idBytes(ctx.fileId))
    .u32(ctx.revision)
    .u64(index)
    .u8(last ? 1 : 0)
    .finish();
}

// [Note: Content hash]
// contentHash = SHA-256("coffer/v1/content-hash\0" ‖ chunkSize u32 ‖ size u64 ‖ h_0 ‖ … ‖ h_n)
// where h_i = SHA-256(plaintext of chunk i). A tree of per-chunk hashes rather than one
// SHA-256 over the file: each leaf is hashed on whichever core encrypts that chunk, while the
// bytes are in cache. Sync compares a local file against it with the manifest's chunk size.
export function contentHash(
  chunkSize: number,
  size: number,
  leaves: readonly Uint8Array[],
): Promise<Uint8Array> {
  const w = new ByteWriter()
    .raw(utf8.encode('coffer/v1/content-hash\u0000'))
    .u32(chunkSize)
    .u64(size);
  for (const leaf of leaves) w.raw(leaf);
  return platform.sha256(w.finish());
}

/** Hashes a local file the way a manifest does, without encrypting it. */
export async function hashContent(
  source: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | Uint8Array,
  chunkSize = DEFAULT_CHUNK_SIZE,
): Promise<string> {
  checkChunkSize(chunkSize);
  const leaves: Uint8Array[] = [];
  let size = 0;
  for await (const piece of rechunk(source, chunkSize)) {
    leaves.push(
      await platform.sha256(piece.buffer.subarray(HEADER_LENGTH, HEADER_LENGTH + piece.length)),
    );
    size += piece.length;
    giveBack(piece.buffer);
  }
  return toHex(await contentHash(chunkSize, size, leaves));
}

// Chunk buffers are recycled: a fresh 4 MiB buffer costs a page fault per 4 KiB, which on
// the machines measured in docs/benchmarks.md is slower than encrypting it.
const spareBuffers = new Map<number, Uint8Array[]>();
const MAX_SPARE_BYTES = 64 * 1024 * 1024;
let spareBytes = 0;

function takeBuffer(length: number): Uint8Array {
  const spare = spareBuffers.get(length)?.pop();
  if (!spare) return new Uint8Array(length);
  spareBytes -= length;
  return spare;
}

function giveBack(buffer: Uint8Array): void {
  const whole = buffer.buffer;
  const length = whole.byteLength;
  if (length === 0 || !(whole instanceof ArrayBuffer) || spareBytes + length > MAX_SPARE_BYTES)
    return;
  const list = spareBuffers.get(length) ?? [];
  list.push(new Uint8Array(whole));
  spareBuffers.set(length, list);
  spareBytes += length;
}

interface Piece {
  /** Room for the header, `length` plaintext bytes at HEADER_LENGTH, then the tag. */
  buffer: Uint8Array;
  length: number;
  last: boolean;
}

/**
 * Cuts a byte stream into chunk-sized pieces, each in a buffer the caller owns, and says which
 * is last. An empty input yields one empty last piece.
 */
async function* rechunk(
  source: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | Uint8Array,
  chunkSize: number,
  signal?: AbortSignal,
): AsyncGenerator<Piece> {
  const input = source instanceof Uint8Array ? [source] : iterate(source);
  const room = chunkSize + CHUNK_OVERHEAD;
  let buf = takeBuffer(room);
  let fill = 0;
  let full: Uint8Array | null = null;
  for await (const data of input) {
    signal?.throwIfAborted();
    if (!(data instanceof Uint8Array))
      throw new ValidationError('source', 'expected a stream of Uint8Array');
    let at = 0;
    while (at < data.length) {
      const n = Math.min(chunkSize - fill, data.length - at);
      buf.set(data.subarray(at, at + n), HEADER_LENGTH + fill);
      fill += n;
      at += n;
      if (fill === chunkSize) {
        // A full chunk is last only if nothing follows, which we learn later.
        if (full) yield { buffer: full, length: chunkSize, last: false };
        full = buf;
        buf = takeBuffer(room);
        fill = 0;
      }
    }
  }
  signal?.throwIfAborted();
  if (fill > 0) {
    if (full) yield { buffer: full, length: chunkSize, last: false };
    yield { buffer: buf, length: fill, last: true };
  } else if (full) {
    giveBack(buf);
    yield { buffer: full, length: chunkSize, last: true };
  } else {
    yield { buffer: buf, length: 0, last: true };
  }
}

export interface EncryptOptions extends ChunkContext {
  chunkSize?: number;
  /** Only for vectors and for resuming an interrupted upload of the same revision; a new
   * revision always gets a fresh random key. */
  contentKey?: ContentKey;
  signal?: AbortSignal;
  /** Chunks encrypted at once; defaults to enough to keep every core busy. */
  concurrency?: number;
}

/**
 * Encrypts a stream into chunks, in order, with several chunks in flight on worker threads.
 * Each piece of `source` is copied into a chunk before the next is asked for, so a source may
 * reuse one buffer for every piece.
 * It holds at most `concurrency + 2` chunks in memory, and reuses the memory of chunks
 * the caller releases. `summary` settles once `chunks` has
 * been read to the end.
 */
export function encryptContent(
  source: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | Uint8Array,
  options: EncryptOptions,
): { chunks: ReadableStream<EncryptedChunk>; summary: Promise<ContentSummary> } {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  checkChunkSize(chunkSize);
  checkRevision(options.revision);
  idBytes(options.fileId);
  const contentKey = options.contentKey ?? newContentKey();
  const concurrency = Math.max(1, options.concurrency ?? platform.chunkParallelism);
  let settle!: { resolve: (s: ContentSummary) => void; reject: (e: unknown) => void };
  const summary = new Promise<ContentSummary>((resolve, reject) => {
    settle = { resolve, reject };
  });
  summary.catch(() => {});

  async function* run(): AsyncGenerator<EncryptedChunk, void, undefined> {
    const key = await deriveChunkKey(contentKey);
    const head = header('chunk');
    const pipeline = new OrderedPipeline<EncryptedChunk & { leaf: Uint8Array }>(concurrency);
    const refs: ChunkRef[] = [];
    const leaves: Uint8Array[] = [];
    let size = 0;
    let index = 0;
    const emit = (c: EncryptedChunk & { leaf: Uint8Array }): EncryptedChunk => {
      refs.push({ id: c.id, length: c.bytes.length });
      leaves.push(c.leaf);
      size += c.plaintextLength;
      return {
        index: c.index,
        id: c.id,
        bytes: c.bytes,
        plaintextLength: c.plaintextLength,
        last: c.last,
        release: c.release,
      };
    };
    for await (const piece of rechunk(source, chunkSize, options.signal)) {
      const i = index++;
      const plaintextLength = piece.length;
      pipeline.push(
        platform
          .sealChunk({
            key,
            iv: chunkIv(i, piece.last),
            aad: chunkAad(options, i, piece.last),
            header: head,
            buffer: piece.buffer,
            plaintextLength,
          })
          .then((r) => {
            let released = false;
            return {
              index: i,
              id: toHex(r.id) as ChunkId,
              bytes: r.object,
              plaintextLength,
              last: piece.last,
              leaf: r.plaintextHash,
              release: () => {
                if (!released) giveBack(r.object);
                released = true;
              },
            };
          }),
      );
      if (pipeline.full) yield emit(await pipeline.take());
    }
    while (pipeline.size > 0) yield emit(await pipeline.take());
    const hash = await contentHash(chunkSize, size, leaves);
    settle.resolve({ contentKey, chunkSize, size, contentHash: toHex(hash), chunks: refs });
  }

  const gen = run();
  const guarded = (async function* () {
    try {
      yield* gen;
    } catch (e) {
      settle.reject(e);
      throw e;
    } finally {
      settle.reject(new ValidationError('chunks', 'the chunk stream was not read to the end'));
    }
  })();
  return { chunks: streamFrom(guarded), summary };
}

/**
 * A small file as one chunk, without the streaming machinery: the same chunk and summary
 * `encryptContent` gives with `chunkSize = max(1 KiB, size)`. For packing many small files.
 */
export async function encryptSmall(
  bytes: Uint8Array,
  options: ChunkContext & { contentKey?: ContentKey },
): Promise<{ object: { id: ChunkId; bytes: Uint8Array }; summary: ContentSummary }> {
  const chunkSize = Math.max(MIN_CHUNK_SIZE, bytes.length);
  checkChunkSize(chunkSize);
  checkRevision(options.revision);
  idBytes(options.fileId);
  const contentKey = options.contentKey ?? newContentKey();
  const buffer = new Uint8Array(bytes.length + CHUNK_OVERHEAD);
  buffer.set(bytes, HEADER_LENGTH);
  const r = await platform.sealChunk({
    key: await deriveChunkKey(contentKey),
    iv: chunkIv(0, true),
    aad: chunkAad(options, 0, true),
    header: header('chunk'),
    buffer,
    plaintextLength: bytes.length,
  });
  const id = toHex(r.id) as ChunkId;
  const hash = await contentHash(chunkSize, bytes.length, [r.plaintextHash]);
  return {
    object: { id, bytes: r.object },
    summary: {
      contentKey,
      chunkSize,
      size: bytes.length,
      contentHash: toHex(hash),
      chunks: [{ id, length: r.object.length }],
    },
  };
}

// ---- decryption -----------------------------------------------------------------------

/** The parts of a verified manifest that decryption needs. */
export interface DecryptableContent extends ChunkContext, ContentSummary {}

/**
 * Fetches one chunk object (for a packed chunk: the range of its pack). The decryptor takes
 * ownership of the returned bytes: they may be transferred to a worker thread, which leaves
 * the caller's view empty. Return a fresh buffer (or a copy of a cached one).
 */
export type FetchChunk = (
  ref: ChunkRef,
  index: number,
  signal?: AbortSignal,
) => Promise<Uint8Array>;

export interface DecryptOptions {
  /** Bytes [start, end) of the plaintext; the whole file when absent. */
  range?: { start: number; end: number };
  signal?: AbortSignal;
  concurrency?: number;
}

/** The plaintext length of chunk `index` as the manifest implies it. */
function plainLength(content: DecryptableContent, index: number): number {
  return Math.min(content.chunkSize, content.size - index * content.chunkSize);
}

/**
 * Decrypts a revision. `source` is either a function that fetches chunk objects (several at
 * once), or a stream of the chunk objects concatenated in order (for a range: those of the
 * chunks the range touches). Every chunk is checked against its id and its AEAD tag before
 * any of its plaintext is released; a full read also checks the content hash.
 */
export function decryptContent(
  content: DecryptableContent,
  source: FetchChunk | ReadableStream<Uint8Array>,
  options: DecryptOptions = {},
): ReadableStream<Uint8Array> {
  const { size, chunkSize } = content;
  const range = options.range ?? { start: 0, end: size };
  if (
    !Number.isSafeInteger(range.start) ||
    !Number.isSafeInteger(range.end) ||
    range.start < 0 ||
    range.end > size ||
    range.start > range.end
  ) {
    throw new ValidationError('range', `expected 0 <= start <= end <= ${size}`);
  }
  const whole = range.start === 0 && range.end === size;
  const first = Math.floor(range.start / chunkSize);
  const lastIndex = content.chunks.length - 1;
  const last = whole ? lastIndex : Math.floor(Math.max(range.end - 1, 0) / chunkSize);
  const concurrency = Math.max(1, options.concurrency ?? platform.chunkParallelism);
  const fetchChunk = typeof source === 'function' ? source : streamFetcher(source);

  async function* run(): AsyncGenerator<Uint8Array, void, undefined> {
    if (range.start === range.end && !whole) return;
    const key = await deriveChunkKey(content.contentKey);
    const pipeline = new OrderedPipeline<{ plaintext: Uint8Array; leaf: Uint8Array | null }>(
      concurrency,
    );
    const leaves: Uint8Array[] = [];
    let next = first;
    const open = async (i: number) => {
      const ref = content.chunks[i];
      if (!ref) throw new IntegrityError(`manifest: no chunk ${i}`);
      options.signal?.throwIfAborted();
      const object = await fetchChunk(ref, i, options.signal);
      if (object.length !== ref.length)
        throw new IntegrityError(`chunk ${i}: wrong length from storage`);
      checkHeader(object, 'chunk');
      const isLast = i === lastIndex;
      const r = await platform.openChunk({
        key,
        iv: chunkIv(i, isLast),
        aad: chunkAad(content, i, isLast),
        headerLength: HEADER_LENGTH,
        object,
        expectedId: fromHex(ref.id, 'chunkId', 32),
        hashPlaintext: whole,
      });
      if (!r.ok) {
        if (r.reason === 'id-mismatch')
          throw new IntegrityError(`chunk ${i}: bytes do not match its id`);
        throw new DecryptionError(`chunk ${i}: could not decrypt`);
      }
      if (r.plaintext.length !== plainLength(content, i))
        throw new IntegrityError(`chunk ${i}: wrong length`);
      return { plaintext: r.plaintext, leaf: r.plaintextHash };
    };
    while (next <= last || pipeline.size > 0) {
      while (next <= last && !pipeline.full) pipeline.push(open(next++));
      const index = next - pipeline.size;
      const { plaintext, leaf } = await pipeline.take();
      if (leaf) leaves.push(leaf);
      const base = index * chunkSize;
      const from = Math.max(range.start - base, 0);
      const to = Math.min(range.end - base, plaintext.length);
      if (to > from)
        yield from === 0 && to === plaintext.length ? plaintext : plaintext.subarray(from, to);
    }
    if (
      whole &&
      !equalBytes(
        await contentHash(chunkSize, size, leaves),
        fromHex(content.contentHash, 'contentHash', 32),
      )
    ) {
      throw new IntegrityError('content hash does not match the manifest');
    }
  }
  return streamFrom(run());
}

/** Reads chunk objects, in order, out of one concatenated stream. */
function streamFetcher(stream: ReadableStream<Uint8Array>): FetchChunk {
  const input = iterate(stream);
  let pending: Uint8Array = new Uint8Array(0);
  let queue: Promise<unknown> = Promise.resolve();
  const readExactly = async (n: number): Promise<Uint8Array> => {
    const parts: Uint8Array[] = [];
    let have = 0;
    while (have < n) {
      if (pending.length === 0) {
        const next = await input.next();
        if (next.done) throw new IntegrityError('chunk stream ended early');
        pending = next.value;
      }
      const take = Math.min(n - have, pending.length);
      parts.push(pending.subarray(0, take));
      pending = pending.subarray(take);
      have += take;
    }
    return parts.length === 1 && parts[0] ? parts[0].slice() : concatBytes(...parts);
  };
  // Calls arrive in index order; serialising them keeps the reads in stream order.
  return (ref) => {
    const result = queue.then(() => readExactly(ref.length));
    queue = result.catch(() => {});
    return result;
  };
}

// ---- packs --------------------------------------------------------------------------------

// [Note: Packs]
// Small files each become one small chunk object. Storing each alone would cost a host one
// index entry and the client one request per file, so the client concatenates many small
// chunk objects into one pack: "CFP" 0x01 ‖ object_0 ‖ object_1 ‖ … and stores it under
// SHA-256(pack). Each file's manifest points at (pack id, offset, length) and still carries
// the inner chunk's own id, which the reader checks on the range it reads. The pack has no
// index of its own, but each part still begins with the chunk header, so a host can find
// where the parts are; it learns their sizes, never which files they belong to.

export interface Pack {
  id: ChunkId;
  bytes: Uint8Array;
  /** For each input object, in order: where it sits in the pack. */
  refs: ChunkRef[];
}

export async function buildPack(
  objects: readonly { id: ChunkId; bytes: Uint8Array }[],
): Promise<Pack> {
  const head = header('pack');
  let offset = head.length;
  const placed = objects.map((o) => {
    const at = offset;
    offset += o.bytes.length;
    return at;
  });
  const bytes = concatBytes(head, ...objects.map((o) => o.bytes));
  const id = toHex(await platform.sha256(bytes)) as ChunkId;
  return {
    id,
    bytes,
    refs: objects.map((o, i) => ({
      id: o.id,
      length: o.bytes.length,
      pack: { id, offset: placed[i] as number },
    })),
  };
}

/** The bytes of one packed chunk, from a whole pack or from a range read starting at its offset. */
export function sliceFromPack(pack: Uint8Array, ref: ChunkRef, isRange = false): Uint8Array {
  if (!ref.pack) throw new ValidationError('ref', 'not a packed chunk');
  if (!isRange) checkHeader(pack, 'pack');
  const from = isRange ? 0 : ref.pack.offset;
  if (from + ref.length > pack.length)
    throw new IntegrityError('pack: shorter than the manifest says');
  return pack.subarray(from, from + ref.length);
}

/** Checks a stored object against the id it is addressed by (what hosts do on every put). */
export async function objectMatchesId(bytes: Uint8Array, id: ChunkId): Promise<boolean> {
  return equalBytes(await platform.sha256(bytes), idBytes(id));
}
