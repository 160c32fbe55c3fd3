import { DecryptionError, IntegrityError, ValidationError } from '@coffer/errors';
import { platform } from '#platform';
import { concatBytes, equalBytes, fromHex } from './bytes.ts';
import {
  type ChunkContext,
  type ChunkRef,
  type ContentSummary,
  chunkAad,
  chunkIv,
  contentHash,
  deriveChunkKey,
} from './content.ts';
import { checkHeader, HEADER_LENGTH } from './format.ts';
import { iterate, OrderedPipeline, streamFrom } from './streams.ts';

// Decrypting a revision's chunks ([Note: Chunk format] in content.ts).

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
      return openAt(content, key, i, await fetchChunk(ref, i, options.signal), whole);
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
    if (whole) await checkContentHash(content, leaves);
  }
  return streamFrom(run());
}

/** Chunk `i`'s object checked against its id and tag, and its plaintext against its length. */
async function openAt(
  content: DecryptableContent,
  key: Uint8Array,
  i: number,
  object: Uint8Array,
  hashPlaintext: boolean,
): Promise<{ plaintext: Uint8Array; leaf: Uint8Array | null }> {
  const ref = content.chunks[i];
  if (!ref) throw new IntegrityError(`manifest: no chunk ${i}`);
  if (object.length !== ref.length)
    throw new IntegrityError(`chunk ${i}: wrong length from storage`);
  checkHeader(object, 'chunk');
  const isLast = i === content.chunks.length - 1;
  const r = await platform.openChunk({
    key,
    iv: chunkIv(i, isLast),
    aad: chunkAad(content, i, isLast),
    headerLength: HEADER_LENGTH,
    object,
    expectedId: fromHex(ref.id, 'chunkId', 32),
    hashPlaintext,
  });
  if (!r.ok) {
    if (r.reason === 'id-mismatch')
      throw new IntegrityError(`chunk ${i}: bytes do not match its id`);
    throw new DecryptionError(`chunk ${i}: could not decrypt`);
  }
  if (r.plaintext.length !== plainLength(content, i))
    throw new IntegrityError(`chunk ${i}: wrong length`);
  return { plaintext: r.plaintext, leaf: r.plaintextHash };
}

/** Checks a whole read's chunk hashes against the manifest's content hash. */
async function checkContentHash(content: DecryptableContent, leaves: Uint8Array[]) {
  const hash = await contentHash(content.chunkSize, content.size, leaves);
  if (!equalBytes(hash, fromHex(content.contentHash, 'contentHash', 32)))
    throw new IntegrityError('content hash does not match the manifest');
}

/**
 * A whole revision's plaintext in one buffer, with the checks of `decryptContent` (each chunk
 * against its id and tag before its bytes are used, then the content hash) but no streams:
 * for small files, where two Web streams per file cost more than decrypting it. The chunks
 * are fetched one after another.
 */
export async function decryptWhole(
  content: DecryptableContent,
  fetchChunk: FetchChunk,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const key = await deriveChunkKey(content.contentKey);
  const out = new Uint8Array(content.size);
  const leaves: Uint8Array[] = [];
  let at = 0;
  for (let i = 0; i < content.chunks.length; i++) {
    const ref = content.chunks[i] as ChunkRef;
    signal?.throwIfAborted();
    const { plaintext, leaf } = await openAt(
      content,
      key,
      i,
      await fetchChunk(ref, i, signal),
      true,
    );
    if (at + plaintext.length > out.length) throw new IntegrityError(`chunk ${i}: wrong length`);
    out.set(plaintext, at);
    at += plaintext.length;
    if (leaf) leaves.push(leaf);
  }
  if (at !== content.size) throw new IntegrityError('content: shorter than the manifest says');
  await checkContentHash(content, leaves);
  return out;
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
