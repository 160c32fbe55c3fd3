import { IntegrityError, ValidationError } from '@coffer/errors';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { z } from 'zod';
import { platform } from '#platform';
import { ByteWriter, fromHex, toHex, utf8 } from './bytes.ts';
import { openEnvelope, sealEnvelope } from './envelope.ts';
import { signWithLabel, verifyWithLabel } from './sign.ts';
import {
  type AccountId,
  asKey,
  type FileKey,
  type FolderKey,
  idBytes,
  type MasterKey,
  type NodeId,
  type NodeKey,
  type NodeKind,
  type SigningPublicKey,
  type SigningSecretKey,
} from './types.ts';

/** Where a node key sits in the tree; all of it is bound into the wrapped key. */
export interface NodeKeyPlace {
  nodeId: NodeId;
  parentId: NodeId;
  kind: NodeKind;
  /** Bumped when a folder key is rotated (for example after a share member is removed). */
  keyVersion: number;
}

type KeyOfKind<K extends NodeKind> = K extends 'file' ? FileKey : FolderKey;

const nodeKeySpec = (p: NodeKeyPlace) => ({
  format: 'wrappedKey' as const,
  purpose: 'node-key',
  context: [idBytes(p.nodeId), idBytes(p.parentId), p.kind, p.keyVersion],
});

/** Wraps a child's key under its parent folder's key. */
export function wrapNodeKey(parentKey: FolderKey, childKey: NodeKey, place: NodeKeyPlace) {
  return sealEnvelope(nodeKeySpec(place), parentKey, childKey);
}

export async function unwrapNodeKey<K extends NodeKind>(
  parentKey: FolderKey,
  wrapped: Uint8Array,
  place: NodeKeyPlace & { kind: K },
): Promise<KeyOfKind<K>> {
  const raw = await openEnvelope(nodeKeySpec(place), parentKey, wrapped);
  if (raw.length !== 32) throw new IntegrityError('wrappedKey: key has the wrong length');
  return (place.kind === 'file' ? asKey.file(raw) : asKey.folder(raw)) as KeyOfKind<K>;
}

const rootKeySpec = (accountId: AccountId, rootId: NodeId) => ({
  format: 'wrappedKey' as const,
  purpose: 'root-key',
  context: [idBytes(accountId), idBytes(rootId)],
});

/** An account's root folder key hangs off the master key instead of a parent folder. */
export function wrapRootKey(
  masterKey: MasterKey,
  rootKey: FolderKey,
  accountId: AccountId,
  rootId: NodeId,
) {
  return sealEnvelope(rootKeySpec(accountId, rootId), masterKey, rootKey);
}

export async function unwrapRootKey(
  masterKey: MasterKey,
  wrapped: Uint8Array,
  accountId: AccountId,
  rootId: NodeId,
): Promise<FolderKey> {
  const raw = await openEnvelope(rootKeySpec(accountId, rootId), masterKey, wrapped);
  if (raw.length !== 32) throw new IntegrityError('wrappedKey: key has the wrong length');
  return asKey.folder(raw);
}

// [Note: Name hash]
// Each child carries HMAC-SHA256(K, NFC(name)), K = HKDF(parent folder key, "name-hash"), so
// the hub can refuse two live children with one name in a folder (and a racing create gets
// 409) without learning names. The hub learns only which names in a folder are equal.

export async function nameHash(parentKey: FolderKey, name: string): Promise<string> {
  const problem = nameProblem(name);
  if (problem) throw new ValidationError('name', problem);
  let key = nameHashKeys.get(parentKey);
  if (!key) {
    key = await platform.hkdfSha256(
      parentKey,
      new Uint8Array(0),
      utf8.encode('coffer/v1/name-hash'),
      32,
    );
    nameHashKeys.set(parentKey, key);
  }
  return toHex(hmac(sha256, key, utf8.encode(name.normalize('NFC'))));
}

/**
 * The name-hash key of each folder key in use: every file put into a folder needs it. Keyed
 * by the key's array, which is never written after it is made, and let go with it.
 */
const nameHashKeys = new WeakMap<FolderKey, Uint8Array>();

// ---- metadata ---------------------------------------------------------------------------

const MAX_NAME_BYTES = 255;
/** A thumbnail travels inside the metadata of every listing, so it must stay small. */
export const MAX_THUMBNAIL_BYTES = 8 * 1024;

/** Why a name is not acceptable, or null when it is. */
export function nameProblem(name: string): string | null {
  if (name.length === 0) return 'must not be empty';
  if (name === '.' || name === '..') return 'must not be "." or ".."';
  if (name.includes('/') || name.includes('\u0000')) return 'must not contain "/" or NUL';
  if (utf8.encode(name).length > MAX_NAME_BYTES)
    return `must be at most ${MAX_NAME_BYTES} bytes of UTF-8`;
  return null;
}

const metadataSchema = z
  .object({
    name: z.string().refine((n) => nameProblem(n) === null),
    size: z.number().int().nonnegative().optional(),
    mtime: z.number().int().nonnegative().optional(),
    mime: z.string().max(255).optional(),
    /** The executable bit (files), kept by sync; absent when not set. */
    exec: z.literal(true).optional(),
    contentHash: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
    /** A small preview image (WebP), base64url, made by the uploading client. */
    thumb: z
      .string()
      .max(Math.ceil((MAX_THUMBNAIL_BYTES * 4) / 3))
      .regex(/^[A-Za-z0-9_-]*$/)
      .optional(),
  })
  .strict();

export type NodeMetadata = z.infer<typeof metadataSchema>;

/** Plaintext is padded to a multiple of this, so lengths leak only coarsely. */
const METADATA_BLOCK = 64;

const metadataSpec = (nodeId: NodeId, kind: NodeKind) => ({
  format: 'metadata' as const,
  purpose: 'metadata',
  context: [idBytes(nodeId), kind],
});

export function encryptMetadata(
  nodeKey: NodeKey,
  metadata: NodeMetadata,
  place: { nodeId: NodeId; kind: NodeKind },
): Promise<Uint8Array> {
  const problem = nameProblem(metadata.name);
  if (problem) throw new ValidationError('name', problem);
  const parsed = metadataSchema.safeParse(metadata);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ValidationError(issue?.path.join('.') || 'metadata', issue?.message ?? 'invalid');
  }
  const json = utf8.encode(JSON.stringify(parsed.data));
  // Pad with spaces, which JSON.parse ignores.
  const padded = new Uint8Array(
    Math.ceil((json.length + 1) / METADATA_BLOCK) * METADATA_BLOCK,
  ).fill(0x20);
  padded.set(json);
  return sealEnvelope(metadataSpec(place.nodeId, place.kind), nodeKey, padded);
}

export async function decryptMetadata(
  nodeKey: NodeKey,
  envelope: Uint8Array,
  place: { nodeId: NodeId; kind: NodeKind },
): Promise<NodeMetadata> {
  const plaintext = await openEnvelope(metadataSpec(place.nodeId, place.kind), nodeKey, envelope);
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(plaintext));
  } catch {
    throw new IntegrityError('metadata: not valid JSON');
  }
  const parsed = metadataSchema.safeParse(value);
  if (!parsed.success) throw new IntegrityError('metadata: does not match the schema');
  return parsed.data;
}

// ---- node signatures --------------------------------------------------------------------

// [Note: Node signatures]
// Every node a client writes (a folder made, a file committed, a rename or move) carries its
// author's Ed25519 signature over "coffer/v1/node\0" ‖ nodeId ‖ parentId ‖ kind u8 ‖ authorId
// ‖ len ‖ wrappedKey ‖ len ‖ metadata ‖ nameHash(32). Members of a share check it against the
// writers the owner's member list names, so a node written by anyone else (a read-only
// member, a removed one, the hub) is refused. The hub cannot re-attribute a signature, and
// cannot change any signed field.

export interface SignedNode {
  nodeId: NodeId;
  parentId: NodeId;
  kind: NodeKind;
  authorId: AccountId;
  wrappedKey: Uint8Array;
  metadata: Uint8Array;
  nameHash: string;
}

const NODE_LABEL = 'node';

function nodeBody(n: SignedNode): Uint8Array {
  return new ByteWriter()
    .raw(idBytes(n.nodeId))
    .raw(idBytes(n.parentId))
    .u8(n.kind === 'file' ? 1 : 2)
    .raw(idBytes(n.authorId))
    .bytes(n.wrappedKey)
    .bytes(n.metadata)
    .raw(fromHex(n.nameHash, 'nameHash', 32))
    .finish();
}

export function signNode(n: SignedNode, secret: SigningSecretKey): Uint8Array {
  return signWithLabel(NODE_LABEL, nodeBody(n), secret);
}

/** IntegrityError unless `signature` is `author`'s over exactly these fields. */
export function verifyNode(n: SignedNode, signature: Uint8Array, author: SigningPublicKey): void {
  if (signature.length !== 64 || !verifyWithLabel(NODE_LABEL, nodeBody(n), signature, author))
    throw new IntegrityError(`node ${n.nodeId}: not signed by its author`);
}
