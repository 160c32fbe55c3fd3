/**
 * @coffer/sdk: the client library for Node and browsers. Sessions, the encrypted tree, and
 * streaming transfers to and from hosts, verifying everything the hub and hosts send.
 * Imports crypto, protocol and errors; never the hub or host packages.
 */

export {
  AuthError,
  CofferError,
  ConflictError,
  ConnectionError,
  DecryptionError,
  ForbiddenError,
  IntegrityError,
  KeyChangedError,
  NotFoundError,
  QuotaError,
  RateLimitedError,
  ValidationError,
} from '@coffer/errors';
export type { ClientOptions, Entry, SavedSession } from './client.ts';
export { byKindThenName, CofferClient, splitPath, toEntry } from './client.ts';
export type { Contact, ContactKeys } from './contacts.ts';
export { Contacts } from './contacts.ts';
export { formatBytes } from './format.ts';
export { HubClient } from './hub-client.ts';
export type { OpenNode } from './keys.ts';
export type { CreatedLink, LinkOptions } from './links.ts';
export { Links, linkUrl, PublicLink, parseLinkUrl } from './links.ts';
export type { CollectResult, OwnRequest, RequestOptions, SendOptions } from './requests.ts';
export { FileRequest, FileRequests, parseRequestUrl, requestUrl } from './requests.ts';
export type { RetryPolicy } from './retry.ts';
export { DEFAULT_RETRY } from './retry.ts';
export type { IncomingShare, OutgoingShare, ShareMember } from './shares.ts';
export { Shares } from './shares.ts';
export type {
  DownloadOptions,
  Progress,
  ResumeState,
  ResumeStore,
  SmallFile,
  TransferOptions,
  UploadOptions,
  UploadSource,
} from './transfers.ts';
export { ChunkSource, downloadFile, openFileManifest, SMALL_FILE_LIMIT } from './transfers.ts';
