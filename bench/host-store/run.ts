// `node --import tsx bench/host-store/run.ts`: the host's chunk store.
//  1. Start-up: stores of 10k, 100k and 1M small chunks are built, closed and opened again;
//     the time to open (and to serve a first read) is compared with the smallest store's. The
//     store promises that it does not grow with the chunk count.
//  2. Compaction: sealed segments 60% deleted (1 KiB chunks, and 1 MiB ones) are compacted; the copy rate is compared with a
//     plain read-and-write copy of the same number of bytes on the same disk, in the same run,
//     and the longest event-loop stall during compaction is reported (uploads wait that long).
// Data goes under os.tmpdir() (TMPDIR) and is deleted afterwards. See docs/benchmarks.md.
//
//   BENCH_STORE_COUNTS   10000,100000,1000000   chunk counts for start-up
//   BENCH_STORE_CHUNK    1024                   chunk size in bytes for start-up
//   BENCH_STORE_OPENS    5                      opens per store (the median is shown)
//   BENCH_COMPACT_MB     256                    MiB written per compaction case
import { mkdtemp, open, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createSha256 } from '@coffer/crypto';
import { ChunkStore, type StoreOptions } from '@coffer/host/store';

const MiB = 1024 * 1024;
const COUNTS = (process.env.BENCH_STORE_COUNTS ?? '10000,100000,1000000')
  .split(',')
  .map((s) => Number(s.trim()));
const CHUNK = Number(process.env.BENCH_STORE_CHUNK ?? 1024);
const OPENS = Number(process.env.BENCH_STORE_OPENS ?? 5);
const COMPACT_MB = Number(process.env.BENCH_COMPACT_MB ?? 256);
const CAPACITY = 2 ** 50;
/** Compaction cases: segments of an eighth of the data, so that most of them are sealed. */
const SEGMENT = Math.max(1, Math.floor(COMPACT_MB / 8)) * MiB;

const root = await mkdtemp(join(tmpdir(), 'coffer-bench-store-'));

/** Incompressible filler (xorshift32); each chunk is a slice of it stamped with its index. */
const pool = (() => {
  const b = Buffer.alloc(4 * MiB);
  let x = 2463534242;
  for (let i = 0; i < b.length; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b.writeUInt32LE(x >>> 0, i);
  }
  return b;
})();

function chunkBytes(i: number, size: number): Buffer {
  const start = (i * 4099) % (pool.length - size);
  const data = Buffer.from(pool.subarray(start, start + size));
  data.writeDoubleLE(i, 0);
  return data;
}

function idOf(data: Uint8Array): string {
  const h = createSha256();
  h.update(data);
  return Buffer.from(h.digest()).toString('hex');
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const ms = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1));
const mbs = (bytes: number, msTaken: number) => bytes / 1e6 / (msTaken / 1000);

async function dirBytes(dir: string): Promise<number> {
  let n = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) n += (await stat(join(e.parentPath, e.name))).size;
  }
  return n;
}

/** Puts `count` chunks with many uploads in flight, as a busy host would see them. */
async function fill(store: ChunkStore, count: number, size: number, from = 0): Promise<string[]> {
  const ids: string[] = new Array(count);
  let next = 0;
  const uploader = async () => {
    while (next < count) {
      const i = next++;
      const data = chunkBytes(from + i, size);
      const id = idOf(data);
      ids[i] = id;
      await store.put(id, data);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(count, size > 256 * 1024 ? 16 : 2000) }, uploader),
  );
  return ids;
}

// ---- 1. start-up ------------------------------------------------------------------------------

interface StartUp {
  chunks: number;
  buildS: number;
  indexMiB: number;
  dataMiB: number;
  openMs: number;
  firstReadMs: number;
}

async function startUp(count: number): Promise<StartUp> {
  const dir = join(root, `startup-${count}`);
  const store = await ChunkStore.open({ dir, capacity: CAPACITY });
  const t0 = performance.now();
  const ids = await fill(store, count, CHUNK);
  const buildS = (performance.now() - t0) / 1000;
  await store.close();
  const opens: number[] = [];
  const reads: number[] = [];
  for (let i = 0; i < OPENS; i++) {
    const t1 = performance.now();
    const s = await ChunkStore.open({ dir, capacity: CAPACITY });
    const t2 = performance.now();
    const probe = ids[(i * 7919 + 13) % ids.length] as string;
    const data = await s.read(probe);
    const t3 = performance.now();
    if (!data || data.length !== CHUNK) throw new Error('first read failed');
    if (s.stats().chunks !== count) throw new Error('wrong chunk count after open');
    opens.push(t2 - t1);
    reads.push(t3 - t2);
    await s.close();
  }
  const index = await stat(join(dir, 'index.sqlite'));
  const all = await dirBytes(dir);
  await rm(dir, { recursive: true, force: true });
  return {
    chunks: count,
    buildS,
    indexMiB: index.size / MiB,
    dataMiB: (all - index.size) / MiB,
    openMs: median(opens),
    firstReadMs: median(reads),
  };
}

// ---- 2. compaction ----------------------------------------------------------------------------

interface Compaction {
  label: string;
  movedMiB: number;
  reclaimedMiB: number;
  segments: number;
  seconds: number;
  movedMBs: number;
  peerMBs: number;
  maxStallMs: number;
  p99StallMs: number;
  /** The same, while the chunks were uploaded: what the store's own commits cost. */
  uploadMaxStallMs: number;
  uploadP99StallMs: number;
}

/**
 * Copies `bytes` from `src` (from its start again whenever it runs out) to a new file with
 * 8 MiB reads and writes, then fdatasyncs it.
 */
async function rawCopy(src: string, bytes: number): Promise<number> {
  const dst = join(root, 'raw-copy');
  const from = await open(src, 'r');
  const to = await open(dst, 'w');
  const buf = Buffer.alloc(8 * MiB);
  const size = (await from.stat()).size;
  const t = performance.now();
  for (let done = 0; done < bytes; ) {
    const at = done % size;
    const n = Math.min(buf.length, bytes - done, size - at);
    const { bytesRead } = await from.read(buf, 0, n, at);
    if (bytesRead !== n) throw new Error('short read');
    await to.write(buf, 0, n, done);
    done += n;
  }
  await to.datasync();
  const took = performance.now() - t;
  await from.close();
  await to.close();
  await rm(dst);
  return mbs(bytes, took);
}

/** The largest file in `dir`. */
async function largest(dir: string): Promise<string> {
  let best = { path: '', size: -1 };
  for (const f of await readdir(dir)) {
    const size = (await stat(join(dir, f))).size;
    if (size > best.size) best = { path: join(dir, f), size };
  }
  return best.path;
}

async function compaction(label: string, size: number): Promise<Compaction> {
  const dir = join(root, `compact-${size}`);
  const o: StoreOptions = { dir, capacity: CAPACITY, segmentBytes: SEGMENT, maxWriters: 2 };
  const store = await ChunkStore.open(o);
  const count = Math.ceil((COMPACT_MB * MiB) / size);
  const uploading = monitorEventLoopDelay({ resolution: 5 });
  uploading.enable();
  const ids = await fill(store, count, size);
  uploading.disable();
  // 60% deleted, spread evenly: every segment ends up 60% dead.
  await Promise.all(
    Array.from({ length: 64 }, async (_, w) => {
      for (let i = w; i < ids.length; i += 64) {
        if (i % 5 < 3) await store.delete(ids[i] as string);
      }
    }),
  );
  await store.close();
  // The disk's rate, for comparison: as many bytes as compaction will move, read from a
  // segment and written to a new file (both in the page cache, as the segments are).
  const peerMBs = await rawCopy(
    await largest(join(dir, 'segments')),
    Math.floor(COMPACT_MB * MiB * 0.4),
  );
  const again = await ChunkStore.open(o);
  const stall = monitorEventLoopDelay({ resolution: 5 });
  stall.enable();
  const t = performance.now();
  const r = await again.compact();
  const seconds = (performance.now() - t) / 1000;
  stall.disable();
  const left = again.stats();
  if (left.chunks !== ids.length - ids.filter((_, i) => i % 5 < 3).length) {
    throw new Error('chunks lost in compaction');
  }
  await again.close();
  await rm(dir, { recursive: true, force: true });
  return {
    label,
    movedMiB: r.bytesMoved / MiB,
    reclaimedMiB: r.bytesReclaimed / MiB,
    segments: r.segmentsCompacted,
    seconds,
    movedMBs: mbs(r.bytesMoved, seconds * 1000),
    peerMBs,
    maxStallMs: stall.max / 1e6,
    p99StallMs: stall.percentile(99) / 1e6,
    uploadMaxStallMs: uploading.max / 1e6,
    uploadP99StallMs: uploading.percentile(99) / 1e6,
  };
}

try {
  console.log(`# Host chunk store (${new Date().toISOString().slice(0, 10)})\n`);
  const rows: StartUp[] = [];
  for (const n of COUNTS) {
    process.stderr.write(`start-up: building a store of ${n} chunks of ${CHUNK} B...\n`);
    rows.push(await startUp(n));
  }
  const base = rows[0] as StartUp;
  console.log(`## Start-up (chunks of ${CHUNK} B; median of ${OPENS} opens, warm page cache)\n`);
  console.log(
    '| chunks | built in | segments on disk | index | open | open vs smallest | first read |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.chunks.toLocaleString('en')} | ${r.buildS.toFixed(1)} s | ${r.dataMiB.toFixed(0)} MiB | ${r.indexMiB.toFixed(1)} MiB | ${ms(r.openMs)} ms | ${(r.openMs / base.openMs).toFixed(2)}× | ${ms(r.firstReadMs)} ms |`,
    );
  }

  const cases: Compaction[] = [];
  for (const [label, size] of [
    ['1 KiB chunks', 1024],
    ['1 MiB chunks', MiB],
  ] as const) {
    process.stderr.write(`compaction: ${label}...\n`);
    cases.push(await compaction(label, size));
  }
  console.log(
    `\n## Compaction (${COMPACT_MB} MiB in ${SEGMENT / MiB} MiB segments, 60% deleted; peer: as many bytes read from a segment and written to a new file with fs, then fdatasync)\n`,
  );
  console.log(
    '| chunks | segments | moved | reclaimed | took | moved MB/s | raw copy MB/s | ratio | event-loop stall: longest / p99 | same while uploading |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const c of cases) {
    console.log(
      `| ${c.label} | ${c.segments} | ${c.movedMiB.toFixed(0)} MiB | ${c.reclaimedMiB.toFixed(0)} MiB | ${c.seconds.toFixed(1)} s | ${c.movedMBs.toFixed(0)} | ${c.peerMBs.toFixed(0)} | ${(c.movedMBs / c.peerMBs).toFixed(2)}× | ${ms(c.maxStallMs)} / ${ms(c.p99StallMs)} ms | ${ms(c.uploadMaxStallMs)} / ${ms(c.uploadP99StallMs)} ms |`,
    );
  }
} finally {
  await rm(root, { recursive: true, force: true });
}
