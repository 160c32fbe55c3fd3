// The two workloads (one big file, a tree of small files) and the byte-for-byte comparison of a
// download with its source.
//
// The data comes from a xorshift128 generator rather than node:crypto, which the repository's
// boundary check (scripts/check-boundaries.mjs) reserves for packages/crypto. Its output is
// incompressible and never repeats within a run, so no tool gains from compression or
// deduplication.
import { mkdir, open, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

export const MiB = 1024 ** 2;
export const SMALL_FILE_BYTES = 4096;
const FILES_PER_FOLDER = 100;
const WRITE_PIECE = 8 * MiB;

export type WorkloadId = 'big' | 'small';

export interface Workload {
  readonly id: WorkloadId;
  readonly label: string;
  /** A directory holding only this workload: what rclone and restic copy. */
  readonly dir: string;
  /** What Coffer puts: the file itself for `big`, the same directory for `small`. */
  readonly root: string;
  readonly bytes: number;
  readonly files: number;
}

export class XorShift128 {
  private x = 123456789;
  private y = 362436069;
  private z = 521288629;
  private w: number;

  constructor(seed: number) {
    this.w = seed >>> 0 || 88675123;
  }

  /** Fills `buf` (whose length must be a multiple of 4) with the next words of the stream. */
  fill(buf: Uint8Array): void {
    const words = new Uint32Array(buf.buffer, buf.byteOffset, buf.byteLength >>> 2);
    let x = this.x;
    let y = this.y;
    let z = this.z;
    let w = this.w;
    for (let i = 0; i < words.length; i++) {
      const t = x ^ (x << 11);
      x = y;
      y = z;
      z = w;
      w = (w ^ (w >>> 19) ^ (t ^ (t >>> 8))) >>> 0;
      words[i] = w;
    }
    this.x = x;
    this.y = y;
    this.z = z;
    this.w = w;
  }
}

export function sizeLabel(bytes: number): string {
  if (bytes >= 1024 * MiB && bytes % (1024 * MiB) === 0) return `${bytes / (1024 * MiB)} GiB`;
  return `${+(bytes / MiB).toFixed(2)} MiB`;
}

/** One file of `bytes` random bytes, alone in `<under>/big/`. */
export async function makeBig(under: string, bytes: number): Promise<Workload> {
  const dir = join(under, 'big');
  const root = join(dir, 'big.bin');
  await mkdir(dir, { recursive: true });
  const rng = new XorShift128(1);
  // A buffer of its own (byteOffset 0), so that it can be viewed as 32-bit words.
  const piece = new Uint8Array(WRITE_PIECE);
  const file = await open(root, 'w');
  try {
    for (let done = 0; done < bytes; done += WRITE_PIECE) {
      rng.fill(piece);
      await file.write(piece, 0, Math.min(WRITE_PIECE, bytes - done));
    }
  } finally {
    await file.close();
  }
  return { id: 'big', label: `${sizeLabel(bytes)} file`, dir, root, bytes, files: 1 };
}

/** `files` files of 4 KiB, 100 to a folder, in `<under>/small/`. */
export async function makeSmall(under: string, files: number): Promise<Workload> {
  const dir = join(under, 'small');
  const rng = new XorShift128(2);
  const content = new Uint8Array(SMALL_FILE_BYTES);
  const width = String(Math.max(0, Math.ceil(files / FILES_PER_FOLDER) - 1)).length;
  for (let i = 0; i < files; i++) {
    const folder = join(dir, `d${String(Math.floor(i / FILES_PER_FOLDER)).padStart(width, '0')}`);
    if (i % FILES_PER_FOLDER === 0) await mkdir(folder, { recursive: true });
    rng.fill(content);
    const file = await open(join(folder, `f${String(i % FILES_PER_FOLDER).padStart(2, '0')}`), 'w');
    await file.write(content);
    await file.close();
  }
  const label = `${files.toLocaleString('en-US')} × 4 KiB files`;
  return { id: 'small', label, dir, root: dir, bytes: files * SMALL_FILE_BYTES, files };
}

async function readFully(
  file: Awaited<ReturnType<typeof open>>,
  into: Uint8Array,
  position: number,
): Promise<number> {
  let got = 0;
  while (got < into.length) {
    const { bytesRead } = await file.read(into, got, into.length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got;
}

async function sameFile(want: string, got: string, size: number): Promise<boolean> {
  if (size <= MiB) return Buffer.from(await readFile(want)).equals(await readFile(got));
  const [a, b] = await Promise.all([open(want), open(got)]);
  try {
    const bufA = Buffer.allocUnsafe(WRITE_PIECE);
    const bufB = Buffer.allocUnsafe(WRITE_PIECE);
    for (let at = 0; at < size; at += WRITE_PIECE) {
      const n = Math.min(WRITE_PIECE, size - at);
      const [na, nb] = await Promise.all([
        readFully(a, bufA.subarray(0, n), at),
        readFully(b, bufB.subarray(0, n), at),
      ]);
      if (na !== n || nb !== n || !bufA.subarray(0, n).equals(bufB.subarray(0, n))) return false;
    }
    return true;
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
}

/**
 * Compares the file or tree `got` with its source `want`, byte for byte. Returns null when they
 * are identical, otherwise the first difference found.
 */
export async function difference(want: string, got: string): Promise<string | null> {
  const [w, g] = await Promise.all([stat(want), stat(got).catch(() => null)]);
  if (!g) return `${got} is missing`;
  if (w.isFile()) {
    if (!g.isFile()) return `${got} is not a file`;
    if (w.size !== g.size) return `${got} has ${g.size} bytes, expected ${w.size}`;
    return (await sameFile(want, got, w.size)) ? null : `${got} differs from ${want}`;
  }
  if (!g.isDirectory()) return `${got} is not a directory`;
  const [wantNames, gotNames] = await Promise.all([readdir(want), readdir(got)]);
  const known = new Set(wantNames);
  const extra = gotNames.filter((n) => !known.has(n));
  if (extra.length > 0) return `${got} has unexpected entries: ${extra.slice(0, 5).join(', ')}`;
  for (const name of wantNames.sort()) {
    const diff = await difference(join(want, name), join(got, name));
    if (diff) return diff;
  }
  return null;
}
