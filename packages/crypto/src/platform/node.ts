import {
  createCipheriv,
  createDecipheriv,
  createHash,
  hkdfSync,
  randomFillSync,
} from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { openChunkSync, sealChunkSync } from './node-chunk.ts';
import type {
  OpenChunkJob,
  OpenedChunk,
  Platform,
  SealChunkJob,
  SealedChunkBytes,
} from './types.ts';

/** Below this a chunk is cheaper to process inline than to post to a worker. */
const INLINE_LIMIT = 256 * 1024;
const POOL_SIZE = Math.max(1, Math.min(availableParallelism(), 4));

interface Pending {
  resolve: (v: never) => void;
  reject: (e: Error) => void;
}

class PooledWorker {
  readonly worker: Worker;
  readonly pending = new Map<number, Pending>();

  constructor() {
    this.worker = new Worker(new URL('./chunk-worker.mjs', import.meta.url));
    this.worker.unref();
    this.worker.on('message', (msg: { id: number; result?: never; error?: string }) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (this.pending.size === 0) this.worker.unref();
      if (msg.error !== undefined) p.reject(new Error(`chunk worker: ${msg.error}`));
      else p.resolve(msg.result as never);
    });
    this.worker.on('error', (e) => this.failAll(e));
    this.worker.on('exit', () => this.failAll(new Error('chunk worker exited')));
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
    pool.splice(pool.indexOf(this), 1);
  }
}

const pool: PooledWorker[] = [];
let nextRequest = 0;

/** A view that owns its whole buffer, so it can be transferred without copying. */
function transferable(b: Uint8Array): Uint8Array {
  return b.byteOffset === 0 &&
    b.byteLength === b.buffer.byteLength &&
    b.buffer instanceof ArrayBuffer
    ? b
    : b.slice();
}

function runInPool<T>(
  op: 'seal' | 'open',
  job: SealChunkJob | OpenChunkJob,
  big: Uint8Array,
): Promise<T> {
  let w = pool.reduce<PooledWorker | undefined>(
    (best, x) => (!best || x.pending.size < best.pending.size ? x : best),
    undefined,
  );
  if (!w || (w.pending.size > 0 && pool.length < POOL_SIZE)) {
    w = new PooledWorker();
    pool.push(w);
  }
  const worker = w;
  const id = nextRequest++;
  return new Promise<T>((resolve, reject) => {
    worker.pending.set(id, { resolve: resolve as (v: never) => void, reject });
    worker.worker.ref();
    worker.worker.postMessage({ id, op, job }, [big.buffer as ArrayBuffer]);
  });
}

export const platform: Platform = {
  name: 'node',
  chunkParallelism: POOL_SIZE + 1,

  randomBytes(length) {
    const b = new Uint8Array(length);
    randomFillSync(b);
    return b;
  },

  async sha256(data) {
    return new Uint8Array(createHash('sha256').update(data).digest());
  },

  createSha256() {
    const h = createHash('sha256');
    return {
      update: (data) => void h.update(data),
      digest: () => new Uint8Array(h.digest()),
    };
  },

  async hkdfSha256(ikm, salt, info, length) {
    // The async form goes through the libuv pool, which costs more than the derivation.
    return new Uint8Array(hkdfSync('sha256', ikm, salt, info, length));
  },

  async aesGcmEncrypt(key, iv, aad, plaintext) {
    const c = createCipheriv('aes-256-gcm', key, iv);
    c.setAAD(aad);
    const out = Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  },

  async aesGcmDecrypt(key, iv, aad, sealed) {
    if (sealed.length < 16) return null;
    const d = createDecipheriv('aes-256-gcm', key, iv);
    d.setAAD(aad);
    d.setAuthTag(sealed.subarray(sealed.length - 16));
    const body = d.update(sealed.subarray(0, sealed.length - 16));
    try {
      d.final();
    } catch {
      return null;
    }
    return new Uint8Array(body.buffer, body.byteOffset, body.length);
  },

  async sealChunk(job): Promise<SealedChunkBytes> {
    if (job.plaintextLength < INLINE_LIMIT) return sealChunkSync(job);
    const buffer = transferable(job.buffer);
    return runInPool('seal', { ...job, buffer }, buffer);
  },

  async openChunk(job): Promise<OpenedChunk> {
    if (job.object.length < INLINE_LIMIT) return openChunkSync(job);
    const object = transferable(job.object);
    return runInPool('open', { ...job, object }, object);
  },
};
