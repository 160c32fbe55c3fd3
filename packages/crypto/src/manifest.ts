import { IntegrityError, ValidationError } from '@coffer/errors';
import { ByteReader, ByteWriter, toHex } from './bytes.ts';
import {
  CHUNK_OVERHEAD,
  type ChunkContext,
  type ChunkRef,
  type ContentSummary,
  checkChunkSize,
  MAX_CHUNK_SIZE,
  MIN_CHUNK_SIZE,
} from './content.ts';
import { openEnvelope, sealEnvelope } from './envelope.ts';
import type { Identity } from './identity.ts';
import { signWithLabel, verifyWithLabel } from './sign.ts';
import {
  asKey,
  type ChunkId,
  type FileKey,
  idBytes,
  type NodeId,
  type SigningPublicKey,
} from './types.ts';

// [Note: Manifest]
// One per file revision. The body lists everything needed to read the revision:
//
//   fileId(16) ‖ revision u32 ‖ createdAt u64 ‖ author ed25519 public(32) ‖ contentKey(32)
//   ‖ chunkSize u32 ‖ size u64 ‖ contentHash(32) ‖ count u32 ‖ count × ref
//   ref = flags u8 (bit 0: packed) ‖ chunk id(32) ‖ length u32 ‖ [pack id(32) ‖ offset u64]
//   [‖ 1 u8 ‖ origin fileId(16) ‖ origin revision u32]
//
// The optional origin is for content adopted from someone else's file ([Note: Copies from
// groups]): the chunks keep their ciphertext, so their AAD still names the file and revision
// they were encrypted for, and the new file's manifest says which. The author of the new
// manifest signs the origin with the rest.
//
// The author signs "coffer/v1/manifest\0" ‖ body with Ed25519; body ‖ signature is then sealed
// in a committing envelope under the file key (purpose "manifest", context fileId, revision).
// The signature is inside the envelope, so the hub cannot even tell who wrote a revision.
// A reader who has the file key can decrypt and re-encrypt, but cannot sign as the author.

const SIGNATURE = 'manifest';
const MAX_CHUNKS = 16 * 1024 * 1024;

export interface ManifestData extends ContentSummary {
  fileId: NodeId;
  revision: number;
  createdAt: number;
  /** The file and revision the chunks were encrypted for, when not this one. */
  origin?: ChunkContext;
}

/** The file and revision a manifest's chunks were encrypted for (their AAD names them). */
export const chunkContextOf = (m: ManifestData): ChunkContext =>
  m.origin ?? { fileId: m.fileId, revision: m.revision };

declare const verified: unique symbol;
/** A manifest whose signature checked out against an author the caller trusts. */
export type VerifiedManifest = ManifestData & {
  author: SigningPublicKey;
  readonly [verified]: true;
};

const manifestSpec = (fileId: NodeId, revision: number) => ({
  format: 'manifest' as const,
  purpose: 'manifest',
  context: [idBytes(fileId), revision],
});

function encodeBody(m: ManifestData, author: SigningPublicKey): Uint8Array {
  const w = new ByteWriter()
    .raw(idBytes(m.fileId))
    .u32(m.revision)
    .u64(m.createdAt)
    .raw(author)
    .raw(m.contentKey)
    .u32(m.chunkSize)
    .u64(m.size)
    .raw(idBytes(m.contentHash as ChunkId))
    .u32(m.chunks.length);
  for (const c of m.chunks) {
    w.u8(c.pack ? 1 : 0)
      .raw(idBytes(c.id))
      .u32(c.length);
    if (c.pack) w.raw(idBytes(c.pack.id)).u64(c.pack.offset);
  }
  if (m.origin) w.u8(1).raw(idBytes(m.origin.fileId)).u32(m.origin.revision);
  return w.finish();
}

/** The sizes a manifest claims must add up: every chunk full but the last, summing to size. */
export function checkConsistent(m: Pick<ContentSummary, 'chunks' | 'chunkSize' | 'size'>): void {
  const n = m.chunks.length;
  if (n < 1 || n > MAX_CHUNKS) throw new IntegrityError('manifest: bad chunk count');
  if (m.chunkSize < MIN_CHUNK_SIZE || m.chunkSize > MAX_CHUNK_SIZE)
    throw new IntegrityError('manifest: bad chunk size');
  let total = 0;
  m.chunks.forEach((c, i) => {
    const plain = c.length - CHUNK_OVERHEAD;
    const lastChunk = i === n - 1;
    if (
      plain < 0 ||
      plain > m.chunkSize ||
      (!lastChunk && plain !== m.chunkSize) ||
      (lastChunk && n > 1 && plain === 0)
    ) {
      throw new IntegrityError(`manifest: chunk ${i} has an impossible length`);
    }
    total += plain;
  });
  if (total !== m.size)
    throw new IntegrityError('manifest: chunk lengths do not add up to the size');
}

/** Signs and encrypts a manifest. The author is the uploader's identity. */
export async function sealManifest(
  fileKey: FileKey,
  data: ManifestData,
  author: Identity,
): Promise<Uint8Array> {
  checkChunkSize(data.chunkSize);
  try {
    checkConsistent(data);
  } catch (e) {
    throw new ValidationError('manifest', e instanceof Error ? e.message : String(e));
  }
  const body = encodeBody(data, author.signingPublic);
  const signature = signWithLabel(SIGNATURE, body, author.signingSecret);
  return sealEnvelope(
    manifestSpec(data.fileId, data.revision),
    fileKey,
    new ByteWriter().raw(body).raw(signature).finish(),
  );
}

function decodeBody(body: Uint8Array): ManifestData & { author: SigningPublicKey } {
  const r = new ByteReader(body, 'manifest');
  const fileId = toHex(r.raw(16)) as NodeId;
  const revision = r.u32();
  const createdAt = r.u64();
  const author = r.raw(32).slice() as SigningPublicKey;
  const contentKey = asKey.content(r.raw(32).slice());
  const chunkSize = r.u32();
  const size = r.u64();
  const contentHash = toHex(r.raw(32));
  const count = r.u32();
  if (count > MAX_CHUNKS) throw new IntegrityError('manifest: bad chunk count');
  const chunks: ChunkRef[] = [];
  for (let i = 0; i < count; i++) {
    const flags = r.u8();
    if (flags > 1) throw new IntegrityError('manifest: unknown chunk flags');
    const ref: ChunkRef = { id: toHex(r.raw(32)) as ChunkId, length: r.u32() };
    if (flags === 1) ref.pack = { id: toHex(r.raw(32)) as ChunkId, offset: r.u64() };
    chunks.push(ref);
  }
  let origin: ChunkContext | undefined;
  if (!r.atEnd) {
    if (r.u8() !== 1) throw new IntegrityError('manifest: unknown trailer');
    origin = { fileId: toHex(r.raw(16)) as NodeId, revision: r.u32() };
  }
  r.end();
  return {
    fileId,
    revision,
    createdAt,
    author,
    contentKey,
    chunkSize,
    size,
    contentHash,
    chunks,
    ...(origin ? { origin } : {}),
  };
}

/**
 * Decrypts a manifest the hub served as revision `revision` of `fileId`, checks the author's
 * signature and asks `isTrustedAuthor` whether that author may write this file (the owner, or
 * a read-write member of a share it sits in). Any failure is an IntegrityError or a
 * DecryptionError; a manifest that passes is a VerifiedManifest.
 */
export async function openManifest(
  fileKey: FileKey,
  envelope: Uint8Array,
  expected: { fileId: NodeId; revision: number },
  isTrustedAuthor: (author: SigningPublicKey) => boolean,
): Promise<VerifiedManifest> {
  const { m, signed } = await decryptManifest(fileKey, envelope, expected);
  if (!signed) throw new IntegrityError('manifest: bad signature');
  if (m.fileId !== expected.fileId || m.revision !== expected.revision) {
    throw new IntegrityError('manifest: signed for another file or revision');
  }
  if (!isTrustedAuthor(m.author))
    throw new IntegrityError('manifest: signed by an author who may not write this file');
  checkConsistent(m);
  return m as VerifiedManifest;
}

async function decryptManifest(
  fileKey: FileKey,
  envelope: Uint8Array,
  expected: { fileId: NodeId; revision: number },
) {
  const plaintext = await openEnvelope(
    manifestSpec(expected.fileId, expected.revision),
    fileKey,
    envelope,
  );
  if (plaintext.length < 64) throw new IntegrityError('manifest: too short');
  const body = plaintext.subarray(0, plaintext.length - 64);
  const m = decodeBody(body);
  const signed = verifyWithLabel(
    SIGNATURE,
    body,
    plaintext.subarray(plaintext.length - 64),
    m.author,
  );
  return { m, signed, plaintext };
}

/**
 * Moves a revision's manifest to its file's new key (a folder key rotation). It is sealed again
 * as it was, its author's signature kept, unless `resignIf` says its author may no longer write
 * here (a removed writer): then, if that signature checks out, `owner` signs it instead,
 * vouching for what the removed writer wrote while they could.
 */
export async function resealManifest(
  from: FileKey,
  to: FileKey,
  envelope: Uint8Array,
  expected: { fileId: NodeId; revision: number },
  o: { resignIf: (author: SigningPublicKey) => boolean; owner: Identity },
): Promise<Uint8Array> {
  const { m, signed, plaintext } = await decryptManifest(from, envelope, expected);
  if (
    signed &&
    o.resignIf(m.author) &&
    m.fileId === expected.fileId &&
    m.revision === expected.revision
  ) {
    const { author: _, ...data } = m;
    return sealManifest(to, data, o.owner);
  }
  return sealEnvelope(manifestSpec(expected.fileId, expected.revision), to, plaintext);
}
