import assert from 'node:assert/strict';
import { once } from 'node:events';
import { appendFile, cp, open, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConflictError, QuotaError, ValidationError } from '@coffer/errors';
import Database from 'better-sqlite3';
import { encodeHeader, RECORD_HEADER, segmentName, TYPE_CHUNK } from '../src/format.ts';
import { parseSize } from '../src/size.ts';
import {
  ChunkStore,
  type CompactionStep,
  rebuildIndex,
  type StoreOptions,
  startCompactor,
} from '../src/store/index.ts';
import { bytes, chunk, hashHex, tempDir } from './helpers.ts';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

const openStore = (dir: string, o: Partial<StoreOptions> = {}) =>
  ChunkStore.open({ dir, capacity: 10 * GiB, ...o });

async function readRange(store: ChunkStore, id: string, start: number, end: number) {
  const loc = store.locate(id);
  assert.ok(loc, `chunk ${id} is located`);
  const parts: Buffer[] = [];
  for await (const p of store.createReadStream(loc, start, end)) parts.push(p as Buffer);
  return Buffer.concat(parts);
}

/** Streams `data` in pieces, yielding to the event loop between them so uploads interleave. */
async function putInPieces(store: ChunkStore, id: string, data: Buffer, piece: number) {
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

const segmentSizes = async (dir: string) => {
  const out: Record<string, number> = {};
  for (const f of await readdir(join(dir, 'segments'))) {
    out[f] = (await stat(join(dir, 'segments', f))).size;
  }
  return out;
};

test('put, get, range and delete round trips, small and streamed', async (t) => {
  const dir = await tempDir(t);
  const store = await openStore(dir);
  t.after(() => store.close());
  const small = chunk(10_000, 1);
  const large = chunk(3 * MiB + 17, 2);

  assert.deepEqual(await store.put(small.id, small.data), {
    id: small.id,
    size: small.data.length,
    stored: true,
  });
  assert.equal((await putInPieces(store, large.id, large.data, 64 * 1024)).stored, true);

  assert.deepEqual(await store.read(small.id), small.data);
  assert.deepEqual(await store.read(large.id), large.data);
  assert.deepEqual(await readRange(store, large.id, 0, 0), large.data.subarray(0, 1));
  assert.deepEqual(
    await readRange(store, large.id, MiB - 3, 2 * MiB + 5),
    large.data.subarray(MiB - 3, 2 * MiB + 6),
  );
  const last = large.data.length - 1;
  assert.deepEqual(await readRange(store, large.id, last, last), large.data.subarray(last));
  assert.throws(
    () => store.createReadStream(store.locate(small.id) as never, 5, small.data.length),
    ValidationError,
  );

  let s = store.stats();
  assert.equal(s.chunks, 2);
  assert.equal(s.usedBytes, small.data.length + large.data.length);
  assert.equal(s.reservedBytes, 0);
  assert.equal(store.locate(small.id)?.length, small.data.length);

  // The same chunk again: checked, not written twice.
  const before = await segmentSizes(dir);
  assert.equal((await store.put(small.id, small.data)).stored, false);
  assert.deepEqual(await segmentSizes(dir), before);
  assert.equal(store.stats().usedBytes, small.data.length + large.data.length);

  assert.equal(await store.delete(small.id), true);
  assert.equal(store.has(small.id), false);
  assert.equal(await store.read(small.id), undefined);
  assert.equal(await store.delete(small.id), false, 'deleting again is a no-op');
  s = store.stats();
  assert.equal(s.chunks, 1);
  assert.equal(s.usedBytes, large.data.length);
  assert.ok(s.deadBytes >= small.data.length + RECORD_HEADER);

  // Put again after delete.
  assert.equal((await store.put(small.id, small.data)).stored, true);
  assert.deepEqual(await store.read(small.id), small.data);
});

test('rejects bad ids and sizes', async (t) => {
  const store = await openStore(await tempDir(t));
  t.after(() => store.close());
  assert.throws(() => store.beginPut('ABC', 10), { name: 'ValidationError', field: 'chunkId' });
  const c = chunk(100, 3);
  assert.throws(() => store.beginPut(c.id, 0), { name: 'ValidationError', field: 'body' });
  assert.throws(() => store.beginPut(c.id, 65 * MiB), { name: 'ValidationError', field: 'body' });
  const h = store.beginPut(c.id, 100);
  await assert.rejects(h.write(bytes(101, 1)), { name: 'ValidationError', field: 'body' });
  await h.abort();
  assert.equal(store.stats().reservedBytes, 0);
});

test('concurrent puts of many chunks do not interleave', async (t) => {
  const dir = await tempDir(t);
  // Few writers and small segments, so uploads wait for writers and segments roll over.
  const store = await openStore(dir, { maxWriters: 3, segmentBytes: 4 * MiB });
  t.after(() => store.close());
  const chunks = Array.from({ length: 120 }, (_, i) =>
    chunk(i % 10 === 0 ? MiB + 1000 * i : 500 + 97 * i, 100 + i),
  );
  const results = await Promise.all(
    chunks.map((c, i) => putInPieces(store, c.id, c.data, 1000 + 4099 * (i % 7))),
  );
  assert.ok(results.every((r) => r.stored));
  for (const c of chunks) assert.deepEqual(await store.read(c.id), c.data);
  const s = store.stats();
  assert.equal(s.chunks, chunks.length);
  assert.equal(
    s.usedBytes,
    chunks.reduce((n, c) => n + c.data.length, 0),
  );
  assert.ok(s.segments > 2, `segments rolled over (${s.segments})`);
  assert.equal(s.deadBytes, 0);
});

test('stalled uploads never block small chunks and deletes', async (t) => {
  const dir = await tempDir(t);
  const store = await openStore(dir, { maxWriters: 3 });
  t.after(() => store.close());
  const big = [chunk(MiB, 60), chunk(MiB, 61), chunk(MiB, 62)];
  // Two streams take two of the three writers, then stall (a slow client).
  const stalled = big.slice(0, 2).map((c) => {
    const h = store.beginPut(c.id, c.data.length);
    return { h, c, first: h.write(c.data.subarray(0, 1000)) };
  });
  await Promise.all(stalled.map((s) => s.first));
  // A third stream has to wait: the last writer is kept for small records.
  const third = store.beginPut((big[2] as { id: string }).id, MiB);
  let thirdWrote = false;
  const thirdWrite = third.write((big[2] as { data: Buffer }).data.subarray(0, 1000)).then(() => {
    thirdWrote = true;
  });
  const smalls = Array.from({ length: 50 }, (_, i) => chunk(2000 + i, 70 + i));
  await Promise.all(smalls.map((c) => store.put(c.id, c.data)));
  assert.equal(await store.delete((smalls[0] as { id: string }).id), true);
  assert.equal(thirdWrote, false, 'the third stream is still waiting');
  // The stalled clients finish; the waiting stream gets a writer.
  for (const { h, c } of stalled) {
    await h.write(c.data.subarray(1000));
    await h.finish();
  }
  await thirdWrite;
  await third.write((big[2] as { data: Buffer }).data.subarray(1000));
  await third.finish();
  for (const c of [...big, ...smalls.slice(1)]) assert.deepEqual(await store.read(c.id), c.data);
});

test('closing the store aborts uploads in progress', async (t) => {
  const dir = await tempDir(t);
  let store = await openStore(dir);
  const keep = chunk(5000, 80);
  await store.put(keep.id, keep.data);
  const big = chunk(2 * MiB, 81);
  const h = store.beginPut(big.id, big.data.length);
  await h.write(big.data.subarray(0, MiB));
  const smallInFlight = store.put(chunk(3000, 82).id, chunk(3000, 82).data);
  await store.close();
  await smallInFlight; // queued before close: completed, not dropped
  await assert.rejects(h.write(big.data.subarray(MiB)));
  store = await openStore(dir);
  t.after(() => store.close());
  assert.equal(store.has(big.id), false);
  assert.equal(store.has(chunk(3000, 82).id), true);
  assert.deepEqual(await store.read(keep.id), keep.data);
  assert.equal(store.stats().chunks, 2);
});

test('restart keeps everything', async (t) => {
  const dir = await tempDir(t);
  const chunks = Array.from({ length: 40 }, (_, i) => chunk(i === 7 ? 2 * MiB : 3000 + i, 300 + i));
  let store = await openStore(dir, { segmentBytes: MiB });
  await Promise.all(chunks.map((c) => store.put(c.id, c.data)));
  await store.delete((chunks[3] as { id: string }).id);
  const stats = store.stats();
  await store.close();

  store = await openStore(dir, { segmentBytes: MiB });
  t.after(() => store.close());
  assert.deepEqual(store.stats(), stats);
  for (const [i, c] of chunks.entries()) assert.equal(store.has(c.id), i !== 3);
  for (const c of chunks.filter((_, i) => i !== 3))
    assert.deepEqual(await store.read(c.id), c.data);
  const more = chunk(5000, 999);
  await store.put(more.id, more.data);
  assert.deepEqual(await store.read(more.id), more.data);
});

test('a second store on the same directory is refused', async (t) => {
  const dir = await tempDir(t);
  const store = await openStore(dir);
  t.after(() => store.close());
  await assert.rejects(openStore(dir), ConflictError);
});

test('a torn record at the tail is dropped at start-up', async (t) => {
  const dir = await tempDir(t);
  const a = chunk(4000, 11);
  const b = chunk(2 * MiB, 12);
  let store = await openStore(dir);
  await store.put(a.id, a.data);
  await store.put(b.id, b.data);
  await store.close();

  // A crash mid-write leaves a record that was never acknowledged past the indexed end: a
  // complete one (written, not yet indexed), then a torn one (header and half the data).
  const sizes = await segmentSizes(dir);
  const [name] = Object.keys(sizes).sort();
  assert.ok(name);
  const path = join(dir, 'segments', name);
  const committed = (await stat(path)).size;
  const lost = chunk(3000, 13);
  const torn = chunk(5000, 14);
  const header = (c: { id: string; data: Buffer }) =>
    encodeHeader({
      type: TYPE_CHUNK,
      length: c.data.length,
      seq: 1e9,
      at: Date.now(),
      id: Buffer.from(c.id, 'hex'),
    });
  await appendFile(path, Buffer.concat([header(lost), lost.data]));
  await appendFile(path, Buffer.concat([header(torn), torn.data.subarray(0, 2000)]));

  const logs: string[] = [];
  store = await openStore(dir, { log: (l) => logs.push(l) });
  t.after(() => store.close());
  assert.equal((await stat(path)).size, committed, 'the tail was truncated');
  assert.ok(logs.some((l) => l.includes('unacknowledged')));
  assert.equal(store.has(lost.id), false);
  assert.equal(store.has(torn.id), false);
  assert.deepEqual(await store.read(a.id), a.data);
  assert.deepEqual(await store.read(b.id), b.data);
  await store.put(torn.id, torn.data);
  assert.deepEqual(await store.read(torn.id), torn.data);
});

test('a hash mismatch leaves nothing behind', async (t) => {
  const dir = await tempDir(t);
  const store = await openStore(dir);
  t.after(() => store.close());
  const keep = chunk(1000, 20);
  await store.put(keep.id, keep.data);
  const before = await segmentSizes(dir);
  const stats = store.stats();

  for (const size of [2000, 3 * MiB]) {
    const real = chunk(size, 21);
    const wrongId = hashHex(bytes(10, 22));
    await assert.rejects(putInPieces(store, wrongId, real.data, 256 * 1024), {
      name: 'ValidationError',
      field: 'chunkId',
      message: 'chunkId: content does not match',
    });
    assert.equal(store.has(wrongId), false);
    assert.equal(store.has(real.id), false);
  }
  assert.deepEqual(store.stats(), stats);
  assert.deepEqual(await segmentSizes(dir), before, 'the streamed record was cut off again');

  // A short body and an abort mid-upload leave nothing either.
  const big = chunk(2 * MiB, 23);
  const h = store.beginPut(big.id, big.data.length);
  await h.write(big.data.subarray(0, MiB));
  await assert.rejects(h.finish(), { name: 'ValidationError', field: 'body' });
  const h2 = store.beginPut(big.id, big.data.length);
  await h2.write(big.data.subarray(0, MiB + 5));
  await h2.abort();
  assert.equal(store.has(big.id), false);
  assert.deepEqual(store.stats(), stats);
  assert.deepEqual(await segmentSizes(dir), before);
  assert.deepEqual(await store.read(keep.id), keep.data);
});

test('rebuildIndex recreates the index from the segments', async (t) => {
  const dir = await tempDir(t);
  const chunks = Array.from({ length: 30 }, (_, i) =>
    chunk(i % 6 === 0 ? MiB + 5 * i : 700 + 13 * i, 500 + i),
  );
  let store = await openStore(dir, { segmentBytes: 2 * MiB });
  await Promise.all(chunks.map((c) => store.put(c.id, c.data)));
  const gone = [chunks[1], chunks[2], chunks[6]] as { id: string; data: Buffer }[];
  for (const c of gone) await store.delete(c.id);
  const back = chunks[2] as { id: string; data: Buffer };
  await store.put(back.id, back.data); // deleted, then stored again: present
  const stats = store.stats();
  const expected = chunks.filter((c) => c === back || !gone.includes(c));
  await store.close();

  // Garbage in the middle of a segment's free tail, as if a write had failed.
  const segs = Object.keys(await segmentSizes(dir)).sort();
  await appendFile(join(dir, 'segments', segs[0] as string), bytes(3000, 77));
  await rm(join(dir, 'index.sqlite'));
  await rm(join(dir, 'index.sqlite-wal'), { force: true });
  await rm(join(dir, 'index.sqlite-shm'), { force: true });

  const report = await rebuildIndex(dir);
  assert.equal(report.chunks, expected.length);
  assert.equal(report.usedBytes, stats.usedBytes);
  assert.equal(report.tombstones, gone.length);
  assert.equal(report.skippedBytes, 3000);
  assert.equal(report.oldIndex, null);

  store = await openStore(dir, { segmentBytes: 2 * MiB });
  t.after(() => store.close());
  assert.equal(store.stats().chunks, expected.length);
  assert.equal(store.stats().usedBytes, stats.usedBytes);
  for (const c of chunks) {
    assert.equal(store.has(c.id), expected.includes(c), `chunk ${chunks.indexOf(c)}`);
  }
  for (const c of expected) assert.deepEqual(await store.read(c.id), c.data);
  // New writes after a rebuild never reuse a seq, so a second rebuild agrees.
  const late = chunk(900, 9001);
  await store.put(late.id, late.data);
  await store.delete(back.id);
  await store.close();
  const again = await rebuildIndex(dir);
  assert.ok(again.oldIndex, 'the previous index is kept aside');
  assert.equal(again.chunks, expected.length);
  store = await openStore(dir, { segmentBytes: 2 * MiB });
  assert.equal(store.has(late.id), true);
  assert.equal(store.has(back.id), false);
});

test('refuses puts beyond the capacity, counting uploads in progress', async (t) => {
  const store = await openStore(await tempDir(t), { capacity: 10_000 });
  t.after(() => store.close());
  const a = chunk(6000, 30);
  const b = chunk(6000, 31);
  const c = chunk(4000, 32);
  await store.put(a.id, a.data);
  await assert.rejects(store.put(b.id, b.data), QuotaError);
  const h = store.beginPut(c.id, c.data.length); // reserves 4000: now full
  assert.throws(() => store.beginPut(chunk(1, 33).id, 1), QuotaError);
  await h.write(c.data);
  await h.finish();
  assert.equal(store.stats().usedBytes, 10_000);
  // A chunk already stored may be sent again when full (it costs nothing).
  assert.equal((await store.put(a.id, a.data)).stored, false);
  await store.delete(a.id);
  await store.put(b.id, b.data);
});

test('a put whose chunk is deleted meanwhile does not claim to store it', async (t) => {
  const store = await openStore(await tempDir(t));
  t.after(() => store.close());
  const a = chunk(3000, 40);
  await store.put(a.id, a.data);
  const h = store.beginPut(a.id, a.data.length);
  assert.equal(h.existed, true);
  await h.write(a.data);
  await store.delete(a.id);
  await assert.rejects(h.finish(), ConflictError);
});

test('parseSize', () => {
  assert.equal(parseSize('1048576'), 1048576);
  assert.equal(parseSize('10G'), 10 * GiB);
  assert.equal(parseSize('500GiB'), 500 * GiB);
  assert.equal(parseSize('2TB'), 2e12);
  assert.equal(parseSize('1.5 MiB'), 1.5 * MiB);
  assert.equal(parseSize('64k'), 65536);
  for (const bad of ['', 'lots', '10 GiG', '-5', '1e3', '9999999999PiB']) {
    assert.throws(() => parseSize(bad), { name: 'ValidationError', field: 'capacity' }, bad);
  }
  assert.throws(() => parseSize('x', 'quota'), { field: 'quota' });
});

test('start-up time does not grow with the number of chunks', async (t) => {
  async function fill(count: number) {
    const dir = await tempDir(t);
    const store = await openStore(dir);
    const t0 = performance.now();
    // Many uploads in flight at once, as on a busy host: they share fsyncs and transactions.
    let next = 0;
    const uploader = async () => {
      while (next < count) {
        const data = Buffer.alloc(16);
        data.writeUInt32BE(next++, 0);
        await store.put(hashHex(data), data);
      }
    };
    await Promise.all(Array.from({ length: 4000 }, uploader));
    const insertMs = performance.now() - t0;
    assert.equal(store.stats().chunks, count);
    await store.close();
    const t1 = performance.now();
    const again = await openStore(dir);
    const openMs = performance.now() - t1;
    assert.equal(again.stats().chunks, count);
    const probe = Buffer.alloc(16);
    probe.writeUInt32BE(count - 1, 0);
    assert.deepEqual(await again.read(hashHex(probe)), probe);
    await again.close();
    return { insertMs, openMs };
  }
  const small = await fill(1_000);
  const large = await fill(100_000);
  console.log(
    `store start-up: ${small.openMs.toFixed(1)} ms with 1,000 chunks, ${large.openMs.toFixed(1)} ms with 100,000 chunks ` +
      `(inserting took ${small.insertMs.toFixed(0)} ms and ${large.insertMs.toFixed(0)} ms)`,
  );
});

test('segment names sort numerically', () => {
  assert.equal(segmentName(1), '000001.seg');
  assert.equal(segmentName(1234567), '1234567.seg');
});

// ---- compaction -----------------------------------------------------------------------------

type Chunk = { id: string; data: Buffer };

/** Segment file bytes on disk, all segments together. */
const diskBytes = async (dir: string) =>
  Object.values(await segmentSizes(dir)).reduce((n, s) => n + s, 0);

/** Exactly `live` is stored, byte for byte, and none of `gone`. */
async function expectChunks(store: ChunkStore, live: Chunk[], gone: Chunk[], label = '') {
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
function expectAccounting(dir: string) {
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
async function snapshot(dir: string, to: string) {
  await cp(dir, to, { recursive: true, filter: (src) => !src.endsWith('store.lock') });
}

/** Drops the index and rebuilds it from the segments, as `rebuild-index` does. */
async function rebuildFromScratch(dir: string) {
  for (const f of ['index.sqlite', 'index.sqlite-wal', 'index.sqlite-shm']) {
    await rm(join(dir, f), { force: true });
  }
  return rebuildIndex(dir);
}

/** Small segments so that a few hundred chunks make many sealed ones. */
const SMALL_SEGMENTS = { segmentBytes: 64 * 1024, maxWriters: 2 } satisfies Partial<StoreOptions>;

/** Chunks of mixed sizes: mostly small, a few streamed, one larger than compaction's window. */
function mixedChunks(n: number, seed: number): Chunk[] {
  return Array.from({ length: n }, (_, i) => {
    const size = i === 17 ? 700 * 1024 : i % 50 === 3 ? 300 * 1024 : 200 + ((i * 7919) % 3000);
    return chunk(size, seed + i);
  });
}

/** Stores `chunks` in order (so segments fill one after another) and deletes every `keep`-th miss. */
async function fillAndDelete(store: ChunkStore, chunks: Chunk[], deleted: (i: number) => boolean) {
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

test('compaction frees the space of deleted chunks and every live chunk reads back the same', async (t) => {
  const dir = await tempDir(t);
  let store = await openStore(dir, SMALL_SEGMENTS);
  const chunks = mixedChunks(400, 10_000);
  // Three in four deleted, but not chunk 17 (the large one, copied in pieces).
  const { live, gone } = await fillAndDelete(store, chunks, (i) => i % 4 !== 0 && i !== 17);
  const before = await diskBytes(dir);
  const stats = store.stats();
  assert.ok(stats.reclaimableBytes > 0, 'sealed segments past the threshold are reported');
  assert.ok(stats.reclaimableBytes <= stats.deadBytes);

  const report = await store.compact();
  assert.ok(report.segmentsCompacted > 0);
  assert.ok(report.bytesMoved > 0);
  const after = await diskBytes(dir);
  assert.ok(after < before * 0.6, `segments shrank on disk: ${before} -> ${after} bytes`);
  assert.ok(report.bytesReclaimed > 0);
  assert.ok(
    Math.abs(before - after - report.bytesReclaimed) <= 64 * 1024,
    `reported ${report.bytesReclaimed} reclaimed, disk shows ${before - after}`,
  );
  const s = store.stats();
  assert.equal(s.reclaimableBytes, 0);
  assert.ok(s.deadBytes < stats.deadBytes);
  assert.ok(s.segments < stats.segments, `${stats.segments} -> ${s.segments} segments`);
  assert.equal(s.segments, Object.keys(await segmentSizes(dir)).length);
  await expectChunks(store, live, gone, 'after compaction');
  assert.deepEqual(await store.compact(), {
    segmentsCompacted: 0,
    bytesMoved: 0,
    bytesReclaimed: 0,
    tombstonesDropped: 0,
  });

  // New writes and deletes after compaction work as before.
  const more = chunk(5000, 99_999);
  await store.put(more.id, more.data);
  await store.delete((live[1] as Chunk).id);
  const live2 = [...live.filter((c) => c !== live[1]), more];
  const gone2 = [...gone, live[1] as Chunk];
  await store.close();
  expectAccounting(dir);

  store = await openStore(dir, SMALL_SEGMENTS);
  await expectChunks(store, live2, gone2, 'after reopening');
  await store.close();
  await rebuildFromScratch(dir);
  store = await openStore(dir, SMALL_SEGMENTS);
  t.after(() => store.close());
  await expectChunks(store, live2, gone2, 'after rebuildIndex');
});

test('a tombstone outlives the older records of its chunk, so rebuildIndex never brings one back', async (t) => {
  const dir = await tempDir(t);
  let store = await openStore(dir, SMALL_SEGMENTS);
  // Segment 1: 60 chunks that stay mostly live; segment 2 and on: fillers, all deleted later.
  const kept = Array.from({ length: 60 }, (_, i) => chunk(1000, 20_000 + i));
  const fillers = Array.from({ length: 120 }, (_, i) => chunk(1000, 21_000 + i));
  for (const c of [...kept, ...fillers]) await store.put(c.id, c.data);
  // The tombstones of these land among the fillers' records, in segments about to be compacted,
  // while the chunks' own records stay in segment 1, which is not.
  const victims = kept.slice(0, 10);
  for (const c of [...victims, ...fillers]) await store.delete(c.id);
  const live = kept.slice(10);
  const gone = [...victims, ...fillers];

  const first = await store.compact();
  assert.ok(first.segmentsCompacted >= 2, `compacted ${first.segmentsCompacted}`);
  assert.ok(first.tombstonesDropped > 0, "the fillers' tombstones had nothing left to cover");
  await expectChunks(store, live, gone, 'after the first compaction');
  await store.close();
  expectAccounting(dir);

  const copy = `${dir}-rebuilt`;
  t.after(() => rm(copy, { recursive: true, force: true }));
  await snapshot(dir, copy);
  await rebuildFromScratch(copy);
  const rebuilt = await openStore(copy, SMALL_SEGMENTS);
  await expectChunks(rebuilt, live, gone, 'rebuilt while segment 1 still holds the victims');
  await rebuilt.close();

  // Now segment 1 goes too (a lower threshold); the victims' records leave with it, and the
  // tombstones become droppable.
  store = await openStore(dir, SMALL_SEGMENTS);
  const second = await store.compact({ minDeadRatio: 0.1 });
  assert.ok(second.segmentsCompacted >= 1);
  await expectChunks(store, live, gone, 'after the second compaction');
  await store.close();
  expectAccounting(dir);
  await rebuildFromScratch(dir);
  store = await openStore(dir, SMALL_SEGMENTS);
  t.after(() => store.close());
  await expectChunks(store, live, gone, 'rebuilt after both compactions');
});

/** The pace is checked after each batch: the last one may run ahead of the rate. */
const COMPACT_BATCH_SLACK = 64 * 1024;

const STEPS: CompactionStep[] = ['copied', 'synced', 'committed', 'emptied', 'unlinked', 'removed'];

test('a crash at any step of compaction loses no chunk and brings back no deleted one', async (t) => {
  const dir = await tempDir(t);
  const store = await openStore(dir, SMALL_SEGMENTS);
  t.after(() => store.close());
  const chunks = mixedChunks(200, 30_000);
  const { live, gone } = await fillAndDelete(store, chunks, (i) => i % 3 !== 0);

  // The directory as it is on disk after each step of the first two segments compacted.
  const snapshots: { step: CompactionStep; dir: string }[] = [];
  const segments = new Set<number>();
  await store.compact({
    onStep: async (step, segment) => {
      segments.add(segment);
      if (segments.size > 2) return;
      const to = `${dir}-crash-${snapshots.length}-${step}`;
      t.after(() => rm(to, { recursive: true, force: true }));
      await snapshot(dir, to);
      snapshots.push({ step, dir: to });
    },
  });
  assert.deepEqual(new Set(snapshots.map((s) => s.step)), new Set(STEPS));
  await expectChunks(store, live, gone, 'the store that did not crash');

  for (const s of snapshots) {
    const label = `crashed after "${s.step}"`;
    let crashed = await openStore(s.dir, SMALL_SEGMENTS);
    await expectChunks(crashed, live, gone, `${label}, reopened`);
    await crashed.compact();
    await expectChunks(crashed, live, gone, `${label}, compacted again`);
    assert.equal(crashed.stats().reclaimableBytes, 0, label);
    await crashed.close();
    expectAccounting(s.dir);
    await rebuildFromScratch(s.dir);
    crashed = await openStore(s.dir, SMALL_SEGMENTS);
    await expectChunks(crashed, live, gone, `${label}, rebuilt`);
    await crashed.close();
  }
});

test('a compaction that fails at any step leaves the store whole, and the next one finishes', async (t) => {
  for (const failAt of STEPS) {
    const dir = await tempDir(t);
    let store = await openStore(dir, SMALL_SEGMENTS);
    const chunks = mixedChunks(120, 40_000);
    const { live, gone } = await fillAndDelete(store, chunks, (i) => i % 3 !== 0);
    const before = await diskBytes(dir);
    await assert.rejects(
      store.compact({
        onStep: (step) => {
          if (step === failAt) throw new Error(`injected failure after ${step}`);
        },
      }),
      /injected failure/,
    );
    await expectChunks(store, live, gone, `failed after "${failAt}"`);
    // The host keeps running: puts and deletes go on; the next run picks up where it stopped.
    const extra = chunk(2500, 41_000);
    await store.put(extra.id, extra.data);
    await store.close();
    expectAccounting(dir);
    store = await openStore(dir, SMALL_SEGMENTS);
    await expectChunks(store, [...live, extra], gone, `reopened after failing at "${failAt}"`);
    const report = await store.compact();
    assert.ok(report.segmentsCompacted > 0, failAt);
    assert.equal(store.stats().reclaimableBytes, 0);
    assert.ok((await diskBytes(dir)) < before);
    await expectChunks(store, [...live, extra], gone, `compacted after failing at "${failAt}"`);
    await store.close();
  }
});

test('chunks deleted, stored again or added while compaction moves them end up as the last operation left them', async (t) => {
  const dir = await tempDir(t);
  let store = await openStore(dir, SMALL_SEGMENTS);
  const chunks = mixedChunks(300, 50_000);
  const { live, gone } = await fillAndDelete(store, chunks, (i) => i % 2 === 1);
  const state = new Map<string, Chunk | null>();
  for (const c of live) state.set(c.id, c);
  for (const c of gone) state.set(c.id, null);

  // Deterministic: while the first batch is copied (bytes written, rows not yet moved), delete
  // live chunks of that very batch (a small segment is one batch), delete and store others
  // again, store deleted ones again, and add new ones.
  let raced = 0;
  const racing = async (step: CompactionStep, segment: number) => {
    if (step !== 'copied' || raced > 0) return;
    const inBatch = live.filter((c) => store.locate(c.id)?.segment === segment);
    if (inBatch.length < 8) return; // a segment of a few large chunks: wait for a busier one
    raced = inBatch.length;
    const ops: Promise<unknown>[] = [];
    for (const [i, c] of inBatch.entries()) {
      if (i % 2 === 0) {
        ops.push(store.delete(c.id));
        state.set(c.id, null);
      } else if (i % 4 === 1) {
        ops.push(store.delete(c.id).then(() => store.put(c.id, c.data)));
      }
    }
    for (const c of gone.slice(0, 20)) {
      ops.push(store.put(c.id, c.data));
      state.set(c.id, c);
    }
    for (let i = 0; i < 20; i++) {
      const c = chunk(1500 + i, 51_000 + i);
      ops.push(store.put(c.id, c.data));
      state.set(c.id, c);
    }
    await Promise.all(ops);
  };
  const first = store.compact({ onStep: racing });

  // Random: more puts and deletes running alongside the rest of the compaction.
  let seed = 7;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const all = [...chunks];
  const churn = (async () => {
    for (let i = 0; i < 300; i++) {
      if (i % 10 === 0) await new Promise((r) => setImmediate(r));
      const c = all[rand(all.length)] as Chunk;
      if (rand(3) === 0) {
        await store.put(c.id, c.data);
        state.set(c.id, c);
      } else {
        await store.delete(c.id);
        state.set(c.id, null);
      }
    }
  })();
  const [report] = await Promise.all([first, churn]);
  assert.ok(raced >= 8, `raced on ${raced} chunks of the batch in flight`);
  assert.ok(report.segmentsCompacted > 0);
  // Fill the open segments so that the tombstones of the races are sealed, then compact nearly
  // everything: a tombstone dropped while a dead copy of its chunk survives would show below,
  // on the rebuild.
  for (let i = 0; i < 150; i++) {
    const c = chunk(1500, 52_000 + i);
    await store.put(c.id, c.data);
    state.set(c.id, c);
  }
  const last = await store.compact({ minDeadRatio: 0.01 });
  assert.ok(last.tombstonesDropped > 0);

  const expected = [...state.values()].filter((c): c is Chunk => c !== null);
  const deleted = [...state.entries()]
    .filter(([, c]) => c === null)
    .map(([id]) => ({ id, data: Buffer.alloc(0) }));
  await expectChunks(store, expected, deleted, 'after compaction with churn');
  await store.close();
  expectAccounting(dir);
  store = await openStore(dir, SMALL_SEGMENTS);
  await expectChunks(store, expected, deleted, 'reopened');
  await store.close();
  await rebuildFromScratch(dir);
  store = await openStore(dir, SMALL_SEGMENTS);
  t.after(() => store.close());
  await expectChunks(store, expected, deleted, 'rebuilt');
});

test('a read that located a chunk before compaction moved it still gets its bytes', async (t) => {
  const dir = await tempDir(t);
  const store = await openStore(dir, SMALL_SEGMENTS);
  t.after(() => store.close());
  const chunks = mixedChunks(100, 60_000);
  const { live } = await fillAndDelete(store, chunks, (i) => i % 4 !== 0);
  const target = live[2] as Chunk;
  const located = store.locate(target.id);
  assert.ok(located);
  // A stream opened before compaction keeps its file; one created after goes to the new place.
  const early = store.createReadStream(located);
  await once(early, 'open');
  const report = await store.compact();
  assert.ok(report.segmentsCompacted > 0);
  assert.notDeepEqual(store.locate(target.id), located, 'the chunk moved');
  const parts: Buffer[] = [];
  for await (const p of early) parts.push(p as Buffer);
  assert.deepEqual(Buffer.concat(parts), target.data);
  assert.deepEqual(await readRange(store, target.id, 5, 99), target.data.subarray(5, 100));
  const late: Buffer[] = [];
  for await (const p of store.createReadStream(located, 5, 99)) late.push(p as Buffer);
  assert.deepEqual(Buffer.concat(late), target.data.subarray(5, 100));
});

test('startCompactor compacts in the background until stopped', async (t) => {
  const dir = await tempDir(t);
  const logs: string[] = [];
  const store = await openStore(dir, { ...SMALL_SEGMENTS, log: (l) => logs.push(l) });
  t.after(() => store.close());
  const { live, gone } = await fillAndDelete(store, mixedChunks(150, 70_000), (i) => i % 3 > 0);
  assert.ok(store.stats().reclaimableBytes > 0);
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  process.on('warning', onWarning);
  t.after(() => process.off('warning', onWarning));
  const compactor = startCompactor(store, { firstRunMs: 0, intervalMs: 5 });
  for (let i = 0; i < 200 && store.stats().reclaimableBytes > 0; i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  await new Promise((r) => setTimeout(r, 200)); // many more runs, with nothing to do
  await compactor.stop();
  assert.deepEqual(warnings, [], 'runs leave nothing behind (no listener piles up)');
  assert.equal(store.stats().reclaimableBytes, 0);
  assert.ok(logs.some((l) => l.includes('compacted')));
  await expectChunks(store, live, gone);
  assert.throws(() => store.compact({ minDeadRatio: 2 }), {
    name: 'ValidationError',
    field: 'minDeadRatio',
  });
  assert.throws(() => store.compact({ maxBytesPerSecond: 0 }), { field: 'maxBytesPerSecond' });
});

test('a byte rate limit spreads compaction out', async (t) => {
  const dir = await tempDir(t);
  const store = await openStore(dir, SMALL_SEGMENTS);
  t.after(() => store.close());
  await fillAndDelete(store, mixedChunks(150, 75_000), (i) => i % 3 > 0 || i % 50 === 3);
  const t0 = performance.now();
  const report = await store.compact({ maxBytesPerSecond: 200_000 });
  const seconds = (performance.now() - t0) / 1000;
  assert.ok(report.bytesMoved > 60_000, `moved ${report.bytesMoved}`);
  assert.ok(
    seconds >= (report.bytesMoved - COMPACT_BATCH_SLACK) / 200_000,
    `${report.bytesMoved} bytes in ${seconds.toFixed(2)} s`,
  );
});

test('an index from before compaction is upgraded and keeps its tombstones', async (t) => {
  const dir = await tempDir(t);
  let store = await openStore(dir, SMALL_SEGMENTS);
  const kept = Array.from({ length: 60 }, (_, i) => chunk(1000, 80_000 + i));
  const fillers = Array.from({ length: 120 }, (_, i) => chunk(1000, 81_000 + i));
  for (const c of [...kept, ...fillers]) await store.put(c.id, c.data);
  for (const c of fillers) await store.delete(c.id);
  await store.close();
  // Back to schema 1, as written by an older host: no graves, no kept_bytes.
  const db = new Database(join(dir, 'index.sqlite'));
  db.exec(`DROP TABLE graves; DROP INDEX segments_waste; DROP INDEX segments_busy;
    DROP TRIGGER segments_added; DROP TRIGGER segments_removed;
    ALTER TABLE segments DROP COLUMN kept_bytes; ALTER TABLE stats DROP COLUMN graves_from;
    ALTER TABLE stats DROP COLUMN segments; PRAGMA user_version = 1;`);
  db.close();

  store = await openStore(dir, SMALL_SEGMENTS);
  const report = await store.compact();
  assert.ok(report.segmentsCompacted > 0);
  // Segment 1, older than graves and still there, might hold records of any chunk.
  assert.equal(report.tombstonesDropped, 0);
  await expectChunks(store, kept, fillers, 'upgraded and compacted');
  await store.close();
  expectAccounting(dir);
  await rebuildFromScratch(dir);
  store = await openStore(dir, SMALL_SEGMENTS);
  t.after(() => store.close());
  await expectChunks(store, kept, fillers, 'rebuilt');
});

test('compaction never removes a segment the index still points into', async (t) => {
  const dir = await tempDir(t);
  let store = await openStore(dir, SMALL_SEGMENTS);
  const chunks = Array.from({ length: 200 }, (_, i) => chunk(1000, 90_000 + i));
  const { live, gone } = await fillAndDelete(store, chunks, (i) => i % 4 !== 0);
  await store.close();

  // Segment 1 holds chunks 0 (live), 1, 2, 3 (dead), 4 (live)... Rewrite the header of chunk 1
  // so that it claims to be longer: the walk jumps over chunk 4 and never sees it.
  const path = join(dir, 'segments', segmentName(1));
  const recordBytes = RECORD_HEADER + 1000;
  const fh = await open(path, 'r+');
  const header = encodeHeader({
    type: TYPE_CHUNK,
    length: 1000 + 3 * recordBytes,
    seq: 1,
    at: Date.now(),
    id: Buffer.from((chunks[1] as Chunk).id, 'hex'),
  });
  await fh.write(header, 0, RECORD_HEADER, recordBytes);
  await fh.close();
  // And segment 2 claims 100 more live bytes than it holds, as after a failed index commit.
  let db = new Database(join(dir, 'index.sqlite'));
  db.exec('UPDATE segments SET dead_bytes = dead_bytes - 100 WHERE id = 2');
  db.exec('UPDATE stats SET dead_bytes = dead_bytes - 100');
  db.close();

  const logs: string[] = [];
  store = await openStore(dir, { ...SMALL_SEGMENTS, log: (l) => logs.push(l) });
  const report = await store.compact();
  assert.ok(report.segmentsCompacted >= 2);
  assert.ok(logs.some((l) => l.includes('000001.seg: live bytes unaccounted')));
  assert.ok(
    logs.some((l) => l.includes('000002.seg: 100 bytes of records that were never indexed')),
  );
  await expectChunks(store, live, gone, 'after compaction');
  await store.close();
  db = new Database(join(dir, 'index.sqlite'), { readonly: true });
  const left = db.prepare('SELECT id FROM segments WHERE id <= 2').pluck().all();
  db.close();
  assert.deepEqual(left, [], 'both segments were compacted');
  expectAccounting(dir);
  store = await openStore(dir, SMALL_SEGMENTS);
  t.after(() => store.close());
  await expectChunks(store, live, gone, 'reopened');
});

test('a chunk deleted while it was being moved stays deleted after its tombstone is compacted and the index rebuilt', async (t) => {
  const dir = await tempDir(t);
  let store = await openStore(dir, SMALL_SEGMENTS);
  const chunks = Array.from({ length: 200 }, (_, i) => chunk(1000, 95_000 + i));
  const { live, gone } = await fillAndDelete(store, chunks, (i) => i % 2 === 1);
  // Compact one segment; while its batch is copied, delete a chunk of it. The copy of that
  // chunk in the output is dead from the start.
  let victim: Chunk | undefined;
  // Stored right after the victim's tombstone, so in the same segment: shows where it went.
  const marker = chunk(1000, 97_000);
  await store.compact({
    maxSegments: 1,
    onStep: async (step, segment) => {
      if (step !== 'copied' || victim) return;
      victim = live.find((c) => store.locate(c.id)?.segment === segment);
      assert.ok(victim);
      await store.delete(victim.id);
      await store.put(marker.id, marker.data);
    },
  });
  assert.ok(victim);
  const tombstoneSegment = store.locate(marker.id)?.segment;
  // Seal that segment (fillers, then deleted), and compact everything past the threshold but
  // the output, which still holds the dead copy: the tombstone must stay.
  const fillers = Array.from({ length: 100 }, (_, i) => chunk(1000, 96_000 + i));
  for (const c of fillers) await store.put(c.id, c.data);
  for (const c of fillers) await store.delete(c.id);
  await store.compact();
  assert.notEqual(
    store.locate(marker.id)?.segment,
    tombstoneSegment,
    'the tombstone was compacted',
  );
  const expectLive = [...live.filter((c) => c !== victim), marker];
  const expectGone = [...gone, ...fillers, victim];
  await expectChunks(store, expectLive, expectGone, 'compacted');
  await store.close();
  expectAccounting(dir);
  await rebuildFromScratch(dir);
  store = await openStore(dir, SMALL_SEGMENTS);
  t.after(() => store.close());
  await expectChunks(store, expectLive, expectGone, 'rebuilt');
});
