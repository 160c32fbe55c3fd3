import assert from 'node:assert/strict';
import { once } from 'node:events';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { encodeHeader, RECORD_HEADER, segmentName, TYPE_CHUNK } from '../src/format.ts';
import { type CompactionStep, startCompactor } from '../src/store/index.ts';
import { chunk, tempDir } from './helpers.ts';

import {
  type Chunk,
  diskBytes,
  expectAccounting,
  expectChunks,
  fillAndDelete,
  mixedChunks,
  openStore,
  readRange,
  rebuildFromScratch,
  SMALL_SEGMENTS,
  segmentSizes,
  snapshot,
} from './store-helpers.ts';

// The chunk store's compaction: space comes back, and no crash or race loses a chunk or
// brings a deleted one back.

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
