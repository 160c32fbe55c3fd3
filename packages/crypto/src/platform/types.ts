/**
 * One encrypted chunk to produce, in place: `buffer` holds the plaintext at
 * [header.length, header.length + plaintextLength) and has room for the header before it and
 * the 16-byte tag after it. Fresh memory is expensive (every new page is a fault), so chunks
 * are encrypted where they lie and their buffers recycled.
 */
export interface SealChunkJob {
  key: Uint8Array;
  iv: Uint8Array;
  aad: Uint8Array;
  header: Uint8Array;
  /** Transferred to a worker and back: the caller must use only the returned `object`. */
  buffer: Uint8Array;
  plaintextLength: number;
}

export interface SealedChunkBytes {
  /** header ‖ ciphertext ‖ tag: the bytes a host stores, in the memory of `buffer`. */
  object: Uint8Array;
  /** SHA-256 of `object`. */
  id: Uint8Array;
  /** SHA-256 of the plaintext, a leaf of the content hash. */
  plaintextHash: Uint8Array;
}

export interface OpenChunkJob {
  key: Uint8Array;
  iv: Uint8Array;
  aad: Uint8Array;
  headerLength: number;
  /** Decrypted in place; transferred to a worker and back. */
  object: Uint8Array;
  expectedId: Uint8Array;
  hashPlaintext: boolean;
}

/** The result, or why it failed; workers cannot throw typed errors across threads. */
export type OpenedChunk =
  | {
      ok: true /** In the memory of `object`. */;
      plaintext: Uint8Array;
      plaintextHash: Uint8Array | null;
    }
  | { ok: false; reason: 'id-mismatch' | 'decrypt-failed' };

/**
 * The primitives the rest of the package builds on. Node backs them with node:crypto and a
 * pool of worker threads; browsers with WebCrypto. Vectors prove the two agree.
 */
export interface Platform {
  readonly name: 'node' | 'browser';
  randomBytes(length: number): Uint8Array;
  sha256(data: Uint8Array): Promise<Uint8Array>;
  /** Incremental SHA-256, for bytes that arrive as a stream (a host receiving a chunk). */
  createSha256(): { update(data: Uint8Array): void; digest(): Uint8Array };
  hkdfSha256(
    ikm: Uint8Array,
    salt: Uint8Array,
    info: Uint8Array,
    length: number,
  ): Promise<Uint8Array>;
  /** Returns ciphertext ‖ 16-byte tag. */
  aesGcmEncrypt(
    key: Uint8Array,
    iv: Uint8Array,
    aad: Uint8Array,
    plaintext: Uint8Array,
  ): Promise<Uint8Array>;
  /** Returns the plaintext, or null when the tag does not verify (callers throw typed errors). */
  aesGcmDecrypt(
    key: Uint8Array,
    iv: Uint8Array,
    aad: Uint8Array,
    sealed: Uint8Array,
  ): Promise<Uint8Array | null>;
  /** RFC 8032 Ed25519 over 32-byte seeds and public keys; verify is strict (no ZIP-215). */
  ed25519Sign(message: Uint8Array, secret: Uint8Array): Uint8Array;
  ed25519Verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
  sealChunk(job: SealChunkJob): Promise<SealedChunkBytes>;
  openChunk(job: OpenChunkJob): Promise<OpenedChunk>;
  /** How many chunk jobs keep every core busy. */
  readonly chunkParallelism: number;
}
