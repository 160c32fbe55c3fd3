import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import type { OpenedChunk, Platform, SealedChunkBytes } from './types.ts';

const subtle = globalThis.crypto.subtle;

// WebCrypto wants ArrayBuffer-backed views; this narrows Uint8Array<ArrayBufferLike>.
const buf = (b: Uint8Array): Uint8Array<ArrayBuffer> => b as Uint8Array<ArrayBuffer>;

function importAes(key: Uint8Array, usage: 'encrypt' | 'decrypt'): Promise<CryptoKey> {
  return subtle.importKey('raw', buf(key), 'AES-GCM', false, [usage]);
}

async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle.digest('SHA-256', buf(data)));
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= (a[i] as number) ^ (b[i] as number);
  return d === 0;
}

async function aesGcmEncrypt(key: Uint8Array, iv: Uint8Array, aad: Uint8Array, pt: Uint8Array) {
  const k = await importAes(key, 'encrypt');
  const params = { name: 'AES-GCM', iv: buf(iv), additionalData: buf(aad) };
  return new Uint8Array(await subtle.encrypt(params, k, buf(pt)));
}

async function aesGcmDecrypt(key: Uint8Array, iv: Uint8Array, aad: Uint8Array, sealed: Uint8Array) {
  const k = await importAes(key, 'decrypt');
  try {
    const params = { name: 'AES-GCM', iv: buf(iv), additionalData: buf(aad) };
    return new Uint8Array(await subtle.decrypt(params, k, buf(sealed)));
  } catch {
    return null;
  }
}

export const platform: Platform = {
  name: 'browser',
  // WebCrypto runs each call off the main thread; a few in flight keep the cores busy.
  chunkParallelism: Math.max(2, Math.min(globalThis.navigator?.hardwareConcurrency ?? 2, 8)),

  randomBytes(length) {
    const b = new Uint8Array(length);
    // getRandomValues fills at most 65,536 bytes per call.
    for (let i = 0; i < length; i += 65536) {
      globalThis.crypto.getRandomValues(b.subarray(i, Math.min(i + 65536, length)));
    }
    return b;
  },

  sha256,

  // WebCrypto's Ed25519 is not in every browser Coffer targets.
  ed25519Sign: (message, secret) => ed25519.sign(message, secret),
  ed25519Verify(signature, message, publicKey) {
    try {
      return ed25519.verify(signature, message, publicKey, { zip215: false });
    } catch {
      return false;
    }
  },

  // WebCrypto has no incremental digest.
  createSha256() {
    const h = nobleSha256.create();
    return {
      update: (data) => void h.update(data),
      digest: () => h.digest(),
    };
  },

  async hkdfSha256(ikm, salt, info, length) {
    const k = await subtle.importKey('raw', buf(ikm), 'HKDF', false, ['deriveBits']);
    const params = { name: 'HKDF', hash: 'SHA-256', salt: buf(salt), info: buf(info) };
    return new Uint8Array(await subtle.deriveBits(params, k, length * 8));
  },

  aesGcmEncrypt,
  aesGcmDecrypt,

  async sealChunk({ key, iv, aad, header, buffer, plaintextLength }): Promise<SealedChunkBytes> {
    const plaintext = buffer.subarray(header.length, header.length + plaintextLength);
    const [plaintextHash, sealed] = await Promise.all([
      sha256(plaintext),
      aesGcmEncrypt(key, iv, aad, plaintext),
    ]);
    const object = new Uint8Array(header.length + sealed.length);
    object.set(header, 0);
    object.set(sealed, header.length);
    return { object, id: await sha256(object), plaintextHash };
  },

  async openChunk({
    key,
    iv,
    aad,
    headerLength,
    object,
    expectedId,
    hashPlaintext,
  }): Promise<OpenedChunk> {
    if (!equal(await sha256(object), expectedId)) return { ok: false, reason: 'id-mismatch' };
    const plaintext = await aesGcmDecrypt(key, iv, aad, object.subarray(headerLength));
    if (!plaintext) return { ok: false, reason: 'decrypt-failed' };
    return { ok: true, plaintext, plaintextHash: hashPlaintext ? await sha256(plaintext) : null };
  },
};
