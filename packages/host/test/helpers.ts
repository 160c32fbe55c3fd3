import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSha256 } from '@coffer/crypto';

/** Deterministic pseudo-random bytes (xorshift32): test data, not secrets. */
export function bytes(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

export function hashHex(data: Uint8Array): string {
  const h = createSha256();
  h.update(data);
  return Buffer.from(h.digest()).toString('hex');
}

export function chunk(length: number, seed: number): { id: string; data: Buffer } {
  const data = bytes(length, seed);
  return { id: hashHex(data), data };
}

export async function tempDir(t: { after: (fn: () => Promise<void>) => void }) {
  const dir = await mkdtemp(join(tmpdir(), 'coffer-host-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}
