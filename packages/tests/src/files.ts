import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { open, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Writes `size` bytes of fast pseudo-random data (xorshift) to `path`, deterministic per seed. */
export async function writeRandomFile(path: string, size: number, seed = 1): Promise<void> {
  const fh = await open(path, 'w');
  const block = Buffer.alloc(1024 * 1024);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let done = 0; done < size; ) {
    for (let i = 0; i < block.length; i += 4) {
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      block.writeUInt32LE(x, i);
    }
    const n = Math.min(block.length, size - done);
    await fh.write(block, 0, n);
    done += n;
  }
  await fh.close();
}

/** Byte-for-byte comparison of two files, streaming. */
export async function sameFile(a: string, b: string): Promise<boolean> {
  const [x, y] = [
    createReadStream(a, { highWaterMark: 1 << 20 }),
    createReadStream(b, { highWaterMark: 1 << 20 }),
  ];
  const ix = x[Symbol.asyncIterator]();
  const iy = y[Symbol.asyncIterator]();
  let bx: Buffer = Buffer.alloc(0);
  let by: Buffer = Buffer.alloc(0);
  for (;;) {
    if (bx.length === 0) {
      const r = await ix.next();
      bx = r.done ? Buffer.alloc(0) : (r.value as Buffer);
    }
    if (by.length === 0) {
      const r = await iy.next();
      by = r.done ? Buffer.alloc(0) : (r.value as Buffer);
    }
    if (bx.length === 0 || by.length === 0) {
      x.destroy();
      y.destroy();
      return bx.length === 0 && by.length === 0;
    }
    const n = Math.min(bx.length, by.length);
    if (!bx.subarray(0, n).equals(by.subarray(0, n))) {
      x.destroy();
      y.destroy();
      return false;
    }
    bx = bx.subarray(n);
    by = by.subarray(n);
  }
}

/** Every regular file under `dir`. */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** Which of `needles` occur in any file under `dirs` (and in `files`); answers "needle in file". */
export async function findNeedles(
  places: string[],
  needles: { label: string; bytes: Uint8Array }[],
): Promise<string[]> {
  const found: string[] = [];
  for (const file of places) {
    const data = await readFile(file).catch(() => null);
    if (!data) continue;
    for (const n of needles) if (data.indexOf(n.bytes) !== -1) found.push(`${n.label} in ${file}`);
  }
  return found;
}

/** `n` deterministic bytes (xorshift) that do not repeat in short periods, different per seed. */
export function noiseBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Everything under `dir` by relative path, sorted (folders end in /). */
export async function treeOf(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1) + (e.isDirectory() ? '/' : ''))
    .sort();
}

/**
 * Asserts that two synced folders hold the same tree with the same bytes, sync's own
 * `.coffer` folder aside; returns the tree.
 */
export async function assertSameTrees(a: string, b: string): Promise<string[]> {
  const synced = async (dir: string) => (await treeOf(dir)).filter((p) => !p.startsWith('.coffer'));
  const left = await synced(a);
  assert.deepEqual(left, await synced(b));
  for (const p of left) {
    if (p.endsWith('/')) continue;
    assert.ok((await readFile(join(a, p))).equals(await readFile(join(b, p))), `${p} differs`);
  }
  return left;
}
