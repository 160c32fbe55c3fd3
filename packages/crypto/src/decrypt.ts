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
 *
 * A fetcher that can try another copy passes each candidate to `check` and moves on when it
 * answers false (the copy is not the chunk's: wrong length or id). `check` consumes what it is
 * given (it decrypts in place), so the fetcher returns the candidate it accepted as it is.
 * A fetcher may ignore `check`: the decryptor then checks what it returns.
 */
export type FetchChunk = (
  ref: ChunkRef,
  index: number,
  signal?: AbortSignal,
  check?: (object: Uint8Array) => Promise<boolean>,
) => Promise<Uint8Array>;

export interface DecryptOptions {
  /** Bytes [start, end) of the plaintext; the whole file when absent. */
  range?: { start: number; end: number };
  signal?: AbortSignal;
  concurrency?: number;
}

interface Opened {
  plaintext: Uint8Array;
  leaf: Uint8Array | null;
}

/** Why a chunk did not open; `badCopy`: the bytes are not the chunk's, another copy may be. */
interface Failed {
  error: Error;
  badCopy: boolean;
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
    const pipeline = new OrderedPipeline<Opened>(concurrency);
    const leaves: Uint8Array[] = [];
    let next = first;
    const open = (i: number): Promise<Opened> => {
      options.signal?.throwIfAborted();
      return openChecked(content, key, i, fetchChunk, whole, options.signal);
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

// [Note: One hash per downloaded chunk]
// A chunk's id (SHA-256 of its object) is checked once, by the worker that decrypts it, in
// the same pass (node-chunk.mjs). The fetcher hands each replica's bytes to `check` before it
// accepts them, so a host that served other bytes is still skipped and reported while the
// read goes on from the next replica; nothing is released before the id and the tag match.

/** Fetches chunk `i` and opens it, every candidate copy checked as the fetcher offers it. */
async function openChecked(
  content: DecryptableContent,
  key: Uint8Array,
  i: number,
  fetchChunk: FetchChunk,
  hashPlaintext: boolean,
  signal?: AbortSignal,
): Promise<Opened> {
  const ref = content.chunks[i];
  if (!ref) throw new IntegrityError(`manifest: no chunk ${i}`);
  const tried: { object?: Uint8Array; outcome?: Opened | Failed } = {};
  const check = async (object: Uint8Array) => {
    const outcome = await openObject(content, key, i, object, hashPlaintext);
    tried.object = object;
    tried.outcome = outcome;
    return !('badCopy' in outcome && outcome.badCopy);
  };
  const object = await fetchChunk(ref, i, signal, check);
  if (tried.object !== object) await check(object);
  const outcome = tried.outcome;
  if (!outcome) throw new IntegrityError(`chunk ${i}: not checked`);
  if ('error' in outcome) throw outcome.error;
  return outcome;
}

/** Opens one candidate object; `badCopy` when it is not the chunk the manifest names. */
async function openObject(
  content: DecryptableContent,
  key: Uint8Array,
  i: number,
  object: Uint8Array,
  hashPlaintext: boolean,
): Promise<Opened | Failed> {
  const ref = content.chunks[i] as ChunkRef;
  const isLast = i === content.chunks.length - 1;
  if (object.length !== ref.length)
    return {
      error: new IntegrityError(`chunk ${i}: wrong length from storage`),
      badCopy: true,
    };
  // The header is covered by the id, so it is judged only once the id matches.
  const head = object.slice(0, HEADER_LENGTH);
  const r = await platform.openChunk({
    key,
    iv: chunkIv(i, isLast),
    aad: chunkAad(content, i, isLast),
    headerLength: HEADER_LENGTH,
    object,
    expectedId: fromHex(ref.id, 'chunkId', 32),
    hashPlaintext,
  });
  if (!r.ok && r.reason === 'id-mismatch')
    return {
      error: new IntegrityError(`chunk ${i}: bytes do not match its id`),
      badCopy: true,
    };
  try {
    checkHeader(head, 'chunk');
  } catch (e) {
    return { error: e as Error, badCopy: false };
  }
  if (!r.ok) return { error: new DecryptionError(`chunk ${i}: could not decrypt`), badCopy: false };
  if (r.plaintext.length !== plainLength(content, i))
    return { error: new IntegrityError(`chunk ${i}: wrong length`), badCopy: false };
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
    signal?.throwIfAborted();
    const { plaintext, leaf } = await openChecked(content, key, i, fetchChunk, true, signal);
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
