import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  hkdfSync,
  type KeyObject,
  sign as nodeSign,
  verify as nodeVerify,
  randomFillSync,
} from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { openChunkSync, sealChunkSync } from './node-chunk.mjs';
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

// [Note: Ed25519 in Node]
// OpenSSL's Ed25519 is ~30x faster than JavaScript here, and every chunk costs the hub and
// hosts several signatures (tokens, receipts). Raw 32-byte keys become KeyObjects through
// their fixed PKCS#8 / SPKI prefixes (RFC 8410), cached since the same few keys recur.
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');
const keyCache = new Map<string, KeyObject>();
// The same array (an account's signing key) comes back for every file; this skips the
// encoding of the lookup key. Keyed by the array, so a caller who changes it in place would
// see a stale key: key arrays are never written after they are made.
const byArray = { private: new WeakMap<Uint8Array, KeyObject>(), public: new WeakMap() };
function cachedKey(kind: 'private' | 'public', raw: Uint8Array): KeyObject {
  const seen = byArray[kind].get(raw);
  if (seen) return seen;
  const k = keyObject(kind, raw);
  byArray[kind].set(raw, k);
  return k;
}
function keyObject(kind: 'private' | 'public', raw: Uint8Array): KeyObject {
  const id = kind + Buffer.from(raw).toString('base64');
  let k = keyCache.get(id);
  if (!k) {
    const der = Buffer.concat([kind === 'private' ? PKCS8_ED25519 : SPKI_ED25519, raw]);
    k =
      kind === 'private'
        ? createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })
        : createPublicKey({ key: der, format: 'der', type: 'spki' });
    if (keyCache.size > 1024) keyCache.clear();
    keyCache.set(id, k);
  }
  return k;
}

// A small file needs a dozen random values (ids, keys, salts) of 16 to 32 bytes, and each
// randomFillSync call costs more than the bytes: small requests are served from a pool
// refilled from the CSPRNG 4 KiB at a time (as node:crypto's randomUUID does).
const RANDOM_PIECE = 64;
const randomPool = new Uint8Array(4096);
let randomAt = randomPool.length;

export const platform: Platform = {
  name: 'node',
  chunkParallelism: POOL_SIZE + 1,

  randomBytes(length) {
    if (length > RANDOM_PIECE) {
      const b = new Uint8Array(length);
      randomFillSync(b);
      return b;
    }
    if (randomAt + length > randomPool.length) {
      randomFillSync(randomPool);
      randomAt = 0;
    }
    // A copy, and the pool's bytes are never handed out twice.
    const b = randomPool.slice(randomAt, randomAt + length);
    randomPool.fill(0, randomAt, randomAt + length);
    randomAt += length;
    return b;
  },

  ed25519Sign(message, secret) {
    return new Uint8Array(nodeSign(null, message, cachedKey('private', secret)));
  },

  ed25519Verify(signature, message, publicKey) {
    if (signature.length !== 64 || publicKey.length !== 32) return false;
    // RFC 8032 requires S < L; OpenSSL checks it too, but say it here so both platforms agree.
    try {
      return nodeVerify(null, message, cachedKey('public', publicKey), signature);
    } catch {
      return false;
    }
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
