import assert from 'node:assert/strict';
import { appendFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConflictError, QuotaError, ValidationError } from '@coffer/errors';
import { encodeHeader, RECORD_HEADER, segmentName, TYPE_CHUNK } from '../src/format.ts';
import { rebuildIndex } from '../src/store/index.ts';
import { bytes, chunk, hashHex, tempDir } from './helpers.ts';

import { MiB, openStore, putInPieces, readRange, segmentSizes } from './store-helpers.ts';

// The chunk store: puts, reads, deletes, restarts, crashes and capacity.

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

test('a write of several pieces at once stores them in order, small and streamed', async (t) => {
  const dir = await tempDir(t);
  const store = await openStore(dir);
  t.after(() => store.close());
  for (const [size, seed] of [
    [3 * MiB + 17, 3],
    [100_000, 4],
  ] as const) {
    const c = chunk(size, seed);
    const h = store.beginPut(c.id, c.data.length);
    // Batches of uneven pieces, an empty one among them, as the copy puller hands them over.
    for (let at = 0; at < c.data.length; ) {
      const pieces = [0, 65_536, 1, 0, 300_001].map((n) => {
        const piece = c.data.subarray(at, at + n);
        at += piece.length;
        return piece;
      });
      await h.write(pieces);
    }
    assert.equal((await h.finish()).stored, true);
    assert.deepEqual(await store.read(c.id), c.data);
  }
  const c = chunk(1000, 5);
  const h = store.beginPut(c.id, c.data.length);
  await assert.rejects(h.write([c.data, c.data.subarray(0, 1)]), {
    name: 'ValidationError',
    field: 'body',
  });
  await h.abort();
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
