/**
 * @coffer/crypto: every key and every encrypted format of Coffer. Use only what is exported
 * here; nothing else in the repository touches a cryptographic primitive.
 */

export {
  finishLogin,
  finishRegistration,
  formatRecoveryKey,
  newRecoveryKey,
  parseRecoveryKey,
  recoveryProof,
  startLogin,
  startRegistration,
  unwrapMasterKeyWithPassword,
  unwrapMasterKeyWithRecovery,
  wrapMasterKeyWithPassword,
  wrapMasterKeyWithRecovery,
} from './account.ts';
export type { AppAccess, AppGrant } from './apps.ts';
export {
  appGrantOf,
  appGrantSigned,
  appKeyFingerprint,
  openAppFolderKey,
  sealAppFolderKey,
} from './apps.ts';
export { equalBytes, fromBase64Url, fromHex, toBase64Url, toHex } from './bytes.ts';
export { openContactBook, sealContactBook } from './contacts.ts';
export type { ChunkRef, ContentSummary, EncryptedChunk, EncryptOptions } from './content.ts';
export {
  CHUNK_OVERHEAD,
  DEFAULT_CHUNK_SIZE,
  encryptContent,
  encryptSmall,
  hashContent,
  MIN_CHUNK_SIZE,
} from './content.ts';
export type { DecryptOptions, FetchChunk } from './decrypt.ts';
export { decryptContent, decryptWhole } from './decrypt.ts';
export { WRAPPED_KEY_BYTES } from './envelope.ts';
export { openFeedState, sealFeedState } from './feed-state.ts';
export type { GroupRoster } from './groups.ts';
export {
  groupNameKeyVersion,
  MAX_GROUP_MEMBERS,
  newGroupKey,
  openGroupKey,
  openGroupName,
  sealGroupKey,
  sealGroupName,
  signGroupRoster,
  verifyGroupRoster,
} from './groups.ts';
export { createSha256, newSecretToken, randomBytes, serverTag, sha256Hex } from './hashing.ts';
export type { Identity, PinnedKeys, VerifiedKeyBundle, WrappedIdentity } from './identity.ts';
export {
  createKeyBundle,
  fingerprint,
  generateIdentity,
  identityFromSeeds,
  safetyNumber,
  unwrapIdentity,
  verifyKeyBundle,
  wrapIdentity,
} from './identity.ts';
export type { Argon2Params, LinkPlace } from './links.ts';
export {
  DEFAULT_LINK_ARGON2,
  decodeLinkAuthors,
  encodeLinkAuthors,
  encodeLinkSecret,
  LINK_ENVELOPE_BYTES,
  linkNeedsPassword,
  newLinkSecret,
  openLink,
  parseLinkSecret,
  wrapForLink,
} from './links.ts';
export type { ManifestData, VerifiedManifest } from './manifest.ts';
export { chunkContextOf, openManifest, resealManifest, sealManifest } from './manifest.ts';
export type { MemberList, PinnedMemberList, ShareRole } from './members.ts';
export {
  openFolderKeyAsMember,
  sealFolderKeyForMember,
  signMemberList,
  verifyMemberList,
} from './members.ts';
export type { NodeKeyPlace, NodeMetadata, SignedNode } from './nodes.ts';
export {
  decryptMetadata,
  encryptMetadata,
  MAX_THUMBNAIL_BYTES,
  nameHash,
  nameProblem,
  signNode,
  unwrapNodeKey,
  unwrapRootKey,
  verifyNode,
  wrapNodeKey,
  wrapRootKey,
} from './nodes.ts';
export type { Pack } from './packs.ts';
export { buildPack, objectMatchesId, sliceFromPack } from './packs.ts';
export type { RatingPlace } from './ratings.ts';
export {
  MAX_STARS,
  MIN_STARS,
  openRating,
  ratingPlace,
  ratingSigned,
  sealRating,
} from './ratings.ts';
export type {
  DropContent,
  FileRequestKey,
  FileRequestPlace,
  FileRequestTitle,
} from './requests.ts';
export {
  encodeFileRequestKey,
  newFileRequestKey,
  openDrop,
  openFileRequestTitle,
  parseFileRequestKey,
  sealDrop,
  sealFileRequestTitle,
  unwrapFileRequestKey,
  wrapFileRequestKey,
} from './requests.ts';
export type { SealContext } from './share.ts';
export { openSealed, SEALED_KEY_BYTES, sealedBy, sealToRecipient } from './share.ts';
export type { ShelfPlace } from './shelves.ts';
export {
  MAX_SHELF_ENTRY_BODY,
  openShelfEntry,
  sealShelfEntry,
  shelfEntryPlace,
  shelfEntrySigned,
} from './shelves.ts';
export { newSigningKeyPair, signingPublicKey, signWithLabel, verifyWithLabel } from './sign.ts';
export { openSyncState, sealSyncState } from './sync-state.ts';
export type {
  AccountId,
  AgreementPublicKey,
  AgreementSecretKey,
  ChunkId,
  ContentKey,
  ExportKey,
  FileKey,
  FolderKey,
  GroupKey,
  LinkId,
  LinkSecret,
  MasterKey,
  NodeId,
  NodeKey,
  NodeKind,
  RecoveryKey,
  SigningPublicKey,
  SigningSecretKey,
} from './types.ts';
export {
  asKey,
  newAccountId,
  newContentKey,
  newFileKey,
  newFolderKey,
  newLinkId,
  newMasterKey,
  newNodeId,
  parseAccountId,
  parseChunkId,
  parseLinkId,
  parseNodeId,
} from './types.ts';
