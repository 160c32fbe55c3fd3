// The chunk work both the Node main thread (small chunks) and the worker threads run.
// Plain JavaScript (types in node-chunk.d.mts), so worker threads load it without a
// TypeScript loader: each worker then costs a few MB and starts in milliseconds.
import { createCipheriv, createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';

// [Note: Fused chunk passes]
// A chunk needs AES-GCM, SHA-256 of its ciphertext (the chunk id) and SHA-256 of its
// plaintext (the content-hash leaf). Running all three over one 64 KiB slice at a time keeps
// the slice in L2 cache; one pass of each over a whole 4 MiB chunk runs at half the speed
// because every pass streams the chunk from memory again. The output goes back over the
// input, so no chunk-sized memory is allocated (see SealChunkJob).
const SLICE = 64 * 1024;

/** @param {import('./types.ts').SealChunkJob} job @returns {import('./types.ts').SealedChunkBytes} */
export function sealChunkSync(job) {
  const { key, iv, aad, header, buffer, plaintextLength } = job;
  const start = header.length;
  const end = start + plaintextLength;
  const object = buffer.subarray(0, end + 16);
  object.set(header, 0);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const idHash = createHash('sha256').update(header);
  const plainHash = createHash('sha256');
  for (let i = start; i < end; i += SLICE) {
    const slice = object.subarray(i, Math.min(i + SLICE, end));
    plainHash.update(slice);
    const out = cipher.update(slice);
    object.set(out, i);
    idHash.update(out);
  }
  cipher.final();
  const tag = cipher.getAuthTag();
  object.set(tag, end);
  idHash.update(tag);
  return {
    object,
    id: new Uint8Array(idHash.digest()),
    plaintextHash: new Uint8Array(plainHash.digest()),
  };
}

/** @param {import('./types.ts').OpenChunkJob} job @returns {import('./types.ts').OpenedChunk} */
export function openChunkSync(job) {
  const { key, iv, aad, headerLength, object, expectedId, hashPlaintext } = job;
  if (object.length < headerLength + 16) return { ok: false, reason: 'decrypt-failed' };
  const bodyEnd = object.length - 16;
  const idHash = createHash('sha256').update(object.subarray(0, headerLength));
  // Decryption overwrites the ciphertext, so each slice is hashed for the id just before.
  const plainHash = hashPlaintext ? createHash('sha256') : null;
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(aad);
  decipher.setAuthTag(object.subarray(bodyEnd));
  for (let i = headerLength; i < bodyEnd; i += SLICE) {
    const slice = object.subarray(i, Math.min(i + SLICE, bodyEnd));
    idHash.update(slice);
    const out = decipher.update(slice);
    object.set(out, i);
    plainHash?.update(out);
  }
  idHash.update(object.subarray(bodyEnd));
  const id = idHash.digest();
  // The id is checked first: a host that served other bytes is told apart from a key holder
  // who wrote a bad chunk.
  if (id.length !== expectedId.length || !timingSafeEqual(id, expectedId)) {
    return { ok: false, reason: 'id-mismatch' };
  }
  try {
    decipher.final();
  } catch {
    return { ok: false, reason: 'decrypt-failed' };
  }
  return {
    ok: true,
    plaintext: object.subarray(headerLength, bodyEnd),
    plaintextHash: plainHash ? new Uint8Array(plainHash.digest()) : null,
  };
}
