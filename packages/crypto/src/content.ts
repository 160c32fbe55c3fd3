import { ValidationError } from '@coffer/errors';
import { platform } from '#platform';
import { ByteWriter, toHex, utf8 } from './bytes.ts';
import { HEADER_LENGTH, header } from './format.ts';
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
