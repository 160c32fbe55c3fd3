// npm run bench:crypto: chunk-stream encrypt and decrypt of 1 GiB against OpenSSL's
// single-core AES-256-GCM, measured in the same run. See docs/benchmarks.md.
import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus } from 'node:os';
import {
  CHUNK_OVERHEAD,
  type ChunkId,
  type ContentSummary,
  decryptContent,
  encryptContent,
  newNodeId,
} from '@coffer/crypto';

const GiB = 1024 ** 3;
const total = Number(process.env.BENCH_BYTES ?? GiB);
const PIECE = 1024 * 1024;

/** OpenSSL's own figure for `algorithm` on 16 KiB blocks, in bytes per second. */
function opensslSpeed(algorithm: string): number {
  const out = execFileSync('openssl', ['speed', '-seconds', '3', '-evp', algorithm], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const row = out
    .trim()
    .split('\n')
    .find((l) => l.toLowerCase().startsWith(algorithm.toLowerCase()));
  const cols = row?.trim().split(/\s+/) ?? [];
  const last = cols.at(-1);
  if (!last) throw new Error(`could not parse openssl speed output:\n${out}`);
  return Number.parseFloat(last) * 1000;
}

async function* source(): AsyncGenerator<Uint8Array> {
  const block = new Uint8Array(PIECE);
  // Incompressible-looking filler; AES-GCM and SHA-256 run at the same speed on any bytes.
  let x = 0x9e3779b9;
  for (let i = 0; i < PIECE; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    block[i] = x & 255;
  }
  for (let sent = 0; sent < total; sent += PIECE)
    yield block.subarray(0, Math.min(PIECE, total - sent));
}

const MBps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);

async function main(): Promise<void> {
  const fileId = newNodeId();
  // Start the worker pool first: a client process keeps it for its lifetime.
  for await (const _ of encryptContent(new Uint8Array(8 << 20), { fileId, revision: 0 }).chunks);

  // Ciphertext goes into one preallocated buffer, as it would go to disk or a socket; keeping
  // 256 separate 4 MiB buffers alive would measure V8's GC instead of the crypto.
  const stored = new Uint8Array(total + Math.ceil(total / (4 << 20) + 1) * CHUNK_OVERHEAD);
  const where = new Map<ChunkId, number>();
  let end = 0;
  stored.fill(1); // fault the pages in before the clock starts, as a warm page cache would be

  let t = performance.now();
  const { chunks, summary } = encryptContent(source(), { fileId, revision: 1 });
  for await (const c of chunks) {
    stored.set(c.bytes, end);
    where.set(c.id, end);
    end += c.bytes.length;
    c.release();
  }
  const s: ContentSummary = await summary;
  const encryptMs = performance.now() - t;

  t = performance.now();
  let read = 0;
  // The network layer reads each chunk into a buffer from a pool of reused, already faulted
  // buffers; the decryptor decrypts in place, and the sink hands each buffer back to the pool
  // once it has consumed the plaintext.
  const room = s.chunkSize + CHUNK_OVERHEAD;
  const free = Array.from({ length: 8 }, () => new Uint8Array(room).fill(1));
  const plain = decryptContent({ ...s, fileId, revision: 1 }, async (ref) => {
    const at = where.get(ref.id);
    if (at === undefined) throw new Error('missing chunk');
    const buf = free.pop() ?? new Uint8Array(room);
    buf.set(stored.subarray(at, at + ref.length));
    return buf.subarray(0, ref.length);
  });
  for await (const p of plain) {
    read += p.length;
    free.push(new Uint8Array(p.buffer as ArrayBuffer));
  }
  const decryptMs = performance.now() - t;
  if (read !== total) throw new Error(`decrypted ${read} bytes, expected ${total}`);

  const aes = opensslSpeed('aes-256-gcm');
  const sha = opensslSpeed('sha256');
  const enc = MBps(total, encryptMs);
  const dec = MBps(total, decryptMs);
  const openssl = aes / 1e6;
  // Per byte a chunk costs one AES-GCM pass and two SHA-256 passes (chunk id, content hash),
  // spread over every core: the most this format can reach on this machine.
  const cores = availableParallelism();
  const bound = cores / (1 / aes + 2 / sha) / 1e6;
  const rows = [
    ['machine', `${cores} cores, ${cpus()[0]?.model ?? '?'}, Node ${process.version}`],
    [
      'data',
      `${(total / GiB).toFixed(2)} GiB, ${s.chunks.length} chunks of ${s.chunkSize / 1024 ** 2} MiB`,
    ],
    ['openssl speed aes-256-gcm (1 core)', `${openssl.toFixed(0)} MB/s`],
    ['openssl speed sha256 (1 core)', `${(sha / 1e6).toFixed(0)} MB/s`],
    [
      'format bound (all cores, 1 AES + 2 SHA-256)',
      `${bound.toFixed(0)} MB/s = ${(bound / openssl).toFixed(2)}x openssl`,
    ],
    ['coffer encrypt', `${enc.toFixed(0)} MB/s = ${(enc / openssl).toFixed(2)}x openssl`],
    ['coffer decrypt', `${dec.toFixed(0)} MB/s = ${(dec / openssl).toFixed(2)}x openssl`],
  ];
  for (const [k, v] of rows) console.log(`${k?.padEnd(46)} ${v}`);
}

await main();
