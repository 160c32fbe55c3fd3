import assert from 'node:assert/strict';
import { type ChunkId, encryptContent, type NodeId } from '../src/index.ts';

export async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const p of stream as unknown as AsyncIterable<Uint8Array>) parts.push(p.slice());
  return new Uint8Array(Buffer.concat(parts));
}

/** Encrypts `data` and keeps the chunk objects by id, as hosts would. */
export async function encryptToStore(
  data: Uint8Array,
  fileId: NodeId,
  revision: number,
  chunkSize: number,
) {
  const { chunks, summary } = encryptContent(data, { fileId, revision, chunkSize });
  const store = new Map<ChunkId, Uint8Array>();
  const order: ChunkId[] = [];
  for await (const c of chunks as unknown as AsyncIterable<{ id: ChunkId; bytes: Uint8Array }>) {
    store.set(c.id, c.bytes.slice());
    order.push(c.id);
  }
  return { store, order, summary: await summary };
}

/** Asserts that `promise` rejects with an error of class `kind` (and says what it got instead). */
export async function rejectsWith(
  promise: Promise<unknown>,
  kind: abstract new (...a: never[]) => Error,
  why: string,
) {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(
      e instanceof kind,
      `${why}: expected ${kind.name}, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`,
    );
    return true;
  });
}

/** Every single-bit flip, a swap, truncations and extensions of `bytes`. */
export function* mutations(bytes: Uint8Array, sample = Infinity): Generator<[string, Uint8Array]> {
  const step = Math.max(1, Math.floor((bytes.length * 8) / sample));
  for (let bit = 0; bit < bytes.length * 8; bit += step) {
    const m = bytes.slice();
    m[bit >> 3] = (m[bit >> 3] as number) ^ (1 << (bit & 7));
    yield [`flip bit ${bit}`, m];
  }
  if (bytes.length > 1) {
    const half = bytes.length >> 1;
    yield ['swap halves', Buffer.concat([bytes.subarray(half), bytes.subarray(0, half)])];
  }
  for (const cut of [1, 16, bytes.length >> 1, bytes.length - 1]) {
    if (cut > 0 && cut < bytes.length) yield [`truncate to ${cut}`, bytes.slice(0, cut)];
  }
  yield ['append a byte', Buffer.concat([bytes, Uint8Array.of(0)])];
  yield ['append 16 bytes', Buffer.concat([bytes, new Uint8Array(16)])];
}
