import { ValidationError } from '@coffer/errors';
import { platform } from '#platform';
import { fromHex, toHex } from './bytes.ts';

declare const brand: unique symbol;
/** A value of T that has been checked to be a K. Only this package's constructors mint them. */
export type Brand<T, K extends string> = T & { readonly [brand]: K };

// Secret keys: each purpose is its own type, so a FolderKey cannot be passed where a
// FileKey or a ContentKey is expected.
export type MasterKey = Brand<Uint8Array, 'MasterKey'>;
export type FolderKey = Brand<Uint8Array, 'FolderKey'>;
export type FileKey = Brand<Uint8Array, 'FileKey'>;
export type GroupKey = Brand<Uint8Array, 'GroupKey'>;
export type NodeKey = FolderKey | FileKey;
export type ContentKey = Brand<Uint8Array, 'ContentKey'>;
export type LinkSecret = Brand<Uint8Array, 'LinkSecret'>;
export type RecoveryKey = Brand<Uint8Array, 'RecoveryKey'>;
/** The key OPAQUE hands the client after a successful login; never leaves the client. */
export type ExportKey = Brand<Uint8Array, 'ExportKey'>;

export type SigningSecretKey = Brand<Uint8Array, 'Ed25519SecretKey'>;
export type SigningPublicKey = Brand<Uint8Array, 'Ed25519PublicKey'>;
export type AgreementSecretKey = Brand<Uint8Array, 'X25519SecretKey'>;
export type AgreementPublicKey = Brand<Uint8Array, 'X25519PublicKey'>;

// Ids travel as lowercase hex strings.
export type NodeId = Brand<string, 'NodeId'>;
export type AccountId = Brand<string, 'AccountId'>;
export type LinkId = Brand<string, 'LinkId'>;
/** SHA-256 of a stored object's bytes: what hosts address chunks and packs by. */
export type ChunkId = Brand<string, 'ChunkId'>;

export type NodeKind = 'file' | 'folder';

const ID_BYTES = 16;

function parseId<T>(value: unknown, field: string, length: number): T {
  if (typeof value !== 'string') throw new ValidationError(field, 'expected a string');
  fromHex(value, field, length);
  return value as T;
}

export const parseNodeId = (v: unknown, field = 'nodeId'): NodeId =>
  parseId<NodeId>(v, field, ID_BYTES);
export const parseAccountId = (v: unknown, field = 'accountId'): AccountId =>
  parseId<AccountId>(v, field, ID_BYTES);
export const parseLinkId = (v: unknown, field = 'linkId'): LinkId =>
  parseId<LinkId>(v, field, ID_BYTES);
export const parseChunkId = (v: unknown, field = 'chunkId'): ChunkId =>
  parseId<ChunkId>(v, field, 32);

export const newNodeId = (): NodeId => toHex(platform.randomBytes(ID_BYTES)) as NodeId;
export const newAccountId = (): AccountId => toHex(platform.randomBytes(ID_BYTES)) as AccountId;
export const newLinkId = (): LinkId => toHex(platform.randomBytes(ID_BYTES)) as LinkId;

export const idBytes = (id: NodeId | AccountId | LinkId | ChunkId): Uint8Array => fromHex(id, 'id');

function keyOf<K>(bytes: Uint8Array, field: string): K {
  if (!(bytes instanceof Uint8Array) || bytes.length !== 32) {
    throw new ValidationError(field, 'expected a 32-byte key');
  }
  return bytes as K;
}

/** Turns raw bytes into typed keys, checking the length. For keys restored from storage. */
export const asKey = {
  master: (b: Uint8Array) => keyOf<MasterKey>(b, 'masterKey'),
  folder: (b: Uint8Array) => keyOf<FolderKey>(b, 'folderKey'),
  file: (b: Uint8Array) => keyOf<FileKey>(b, 'fileKey'),
  content: (b: Uint8Array) => keyOf<ContentKey>(b, 'contentKey'),
  linkSecret: (b: Uint8Array) => keyOf<LinkSecret>(b, 'linkSecret'),
  group: (b: Uint8Array) => keyOf<GroupKey>(b, 'groupKey'),
  signingPublic: (b: Uint8Array) => keyOf<SigningPublicKey>(b, 'signingPublicKey'),
  agreementPublic: (b: Uint8Array) => keyOf<AgreementPublicKey>(b, 'agreementPublicKey'),
};

export const newMasterKey = (): MasterKey => platform.randomBytes(32) as MasterKey;
export const newFolderKey = (): FolderKey => platform.randomBytes(32) as FolderKey;
export const newFileKey = (): FileKey => platform.randomBytes(32) as FileKey;
export const newContentKey = (): ContentKey => platform.randomBytes(32) as ContentKey;
