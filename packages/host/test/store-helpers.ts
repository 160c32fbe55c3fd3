import assert from 'node:assert/strict';
import { cp, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { RECORD_HEADER } from '../src/format.ts';
import { ChunkStore, rebuildIndex, type StoreOptions } from '../src/store/index.ts';
import { chunk } from './helpers.ts';

// Shared by the chunk store tests (store.test.ts, store-compaction.test.ts).

export type Chunk = { id: string; data: Buffer };

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

export const openStore = (dir: string, o: Partial<StoreOptions> = {}) =>
  ChunkStore.open({ dir, capacity: 10 * GiB, ...o });

export async function readRange(store: ChunkStore, id: string, start: number, end: number) {
  const loc = store.locate(id);
  assert.ok(loc, `chunk ${id} is located`);
  const parts: Buffer[] = [];
  for await (const p of store.createReadStream(loc, start, end)) parts.push(p as Buffer);
  return Buffer.concat(parts);
}

/** Streams `data` in pieces, yielding to the event loop between them so uploads interleave. */
export async function putInPieces(store: ChunkStore, id: string, data: Buffer, piece: number) {
  const h = store.beginPut(id, data.length);
  try {
    for (let i = 0; i < data.length; i += piece) {
      await h.write(data.subarray(i, i + piece));
      await new Promise((r) => setImmediate(r));
    }
    return await h.finish();
  } catch (e) {
    await h.abort();
    throw e;
  }
}

export const segmentSizes = async (dir: string) => {
  const out: Record<string, number> = {};
  for (const f of await readdir(join(dir, 'segments'))) {
    out[f] = (await stat(join(dir, 'segments', f))).size;
  }
  return out;
};

/** Segment file bytes on disk, all segments together. */
export const diskBytes = async (dir: string) =>
  Object.values(await segmentSizes(dir)).reduce((n, s) => n + s, 0);

/** Exactly `live` is stored, byte for byte, and none of `gone`. */
export async function expectChunks(store: ChunkStore, live: Chunk[], gone: Chunk[], label = '') {
  for (const c of live) {
    assert.deepEqual(await store.read(c.id), c.data, `${label} chunk ${c.id.slice(0, 8)} reads`);
  }
  for (const c of gone) assert.equal(store.has(c.id), false, `${label} ${c.id.slice(0, 8)} gone`);
  assert.equal(store.stats().chunks, live.length, `${label} chunk count`);
  assert.equal(
    store.stats().usedBytes,
    live.reduce((n, c) => n + c.data.length, 0),
    `${label} used bytes`,
  );
}

/**
 * The per-segment accounting compaction trusts before it removes a file: every byte up to
 * committed_end is a live record, dead, or a kept tombstone. Reads the index of a closed store.
 */
export function expectAccounting(dir: string) {
  const db = new Database(join(dir, 'index.sqlite'), { readonly: true });
  try {
    const rows = db
      .prepare(
        `SELECT s.id, s.committed_end - s.dead_bytes - s.kept_bytes AS unaccounted,
          coalesce((SELECT sum(length + ${RECORD_HEADER}) FROM chunks c WHERE c.segment = s.id), 0) AS live
          FROM segments s`,
      )
      .all() as { id: number; unaccounted: number; live: number }[];
    for (const r of rows) assert.equal(r.unaccounted, r.live, `segment ${r.id} accounting`);
    const stats = db.prepare('SELECT dead_bytes, segments FROM stats').get();
    const sum = db
      .prepare(
        'SELECT coalesce(sum(dead_bytes), 0) AS dead_bytes, count(*) AS segments FROM segments',
      )
      .get();
    assert.deepEqual(stats, sum, 'stats has the sums over segments');
  } finally {
    db.close();
  }
}

/** Copies a data directory as a crash would leave it (minus the lock of this live process). */
export async function snapshot(dir: string, to: string) {
  await cp(dir, to, { recursive: true, filter: (src) => !src.endsWith('store.lock') });
}

/** Drops the index and rebuilds it from the segments, as `rebuild-index` does. */
export async function rebuildFromScratch(dir: string) {
  for (const f of ['index.sqlite', 'index.sqlite-wal', 'index.sqlite-shm']) {
    await rm(join(dir, f), { force: true });
  }
  return rebuildIndex(dir);
}

/** Small segments so that a few hundred chunks make many sealed ones. */
export const SMALL_SEGMENTS = {
  segmentBytes: 64 * 1024,
  maxWriters: 2,
} satisfies Partial<StoreOptions>;

/** Chunks of mixed sizes: mostly small, a few streamed, one larger than compaction's window. */
export function mixedChunks(n: number, seed: number): Chunk[] {
  return Array.from({ length: n }, (_, i) => {
    const size = i === 17 ? 700 * 1024 : i % 50 === 3 ? 300 * 1024 : 200 + ((i * 7919) % 3000);
    return chunk(size, seed + i);
  });
}

/** Stores `chunks` in order (so segments fill one after another) and deletes every `keep`-th miss. */
export async function fillAndDelete(
  store: ChunkStore,
  chunks: Chunk[],
  deleted: (i: number) => boolean,
) {
  for (const c of chunks) await store.put(c.id, c.data);
  const live: Chunk[] = [];
  const gone: Chunk[] = [];
  for (const [i, c] of chunks.entries()) {
    if (deleted(i)) {
      assert.equal(await store.delete(c.id), true);
      gone.push(c);
    } else {
      live.push(c);
    }
  }
  return { live, gone };
}
