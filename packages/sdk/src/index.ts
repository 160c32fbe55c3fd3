/**
 * @coffer/sdk: the client library for Node and browsers. Sessions, the encrypted tree, and
 * streaming transfers to and from hosts, verifying everything the hub and hosts send.
 * Imports crypto, protocol and errors; never the hub or host packages.
 *
 * Third-party apps see the client (`CofferClient`, and `PublicLink` and `FileRequest` for
 * visitors without an account), its types and the errors; everything else is internal.
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
  type QuotaFigures,
  RateLimitedError,
  SecondFactorRequiredError,
  ValidationError,
} from '@coffer/errors';
export type { Account, AccountUsage } from './account.ts';
export type { AppClient, SavedApp } from './apps/app-client.ts';
export type { AppRequest, Apps, GrantedApp } from './apps/apps.ts';
export type { ConnectAppOptions } from './apps/connect.ts';
export { connectApp, resumeApp } from './apps/connect.ts';
export type { ChangeInfo, ChangePage, Changes, NextOptions } from './changes.ts';
export { CofferClient } from './client.ts';
export type { Contact, ContactKeys } from './contacts.ts';
export type { Entry } from './entries.ts';
export { byKindThenName, toEntry } from './entries.ts';
export type { SendOptions } from './file-request.ts';
export { FileRequest } from './file-request.ts';
export { formatBytes } from './format.ts';
export { atomFeed } from './groups/atom.ts';
export type {
  CatalogEntry,
  CatalogQuery,
  CatalogSort,
  EntryRating,
  Kind,
} from './groups/catalog.ts';
export { CATALOG_SORTS, Catalog, findItem, KINDS, kindOf } from './groups/catalog.ts';
export type { CopyOptions, CopyProgress, CopyResult } from './groups/copies.ts';
export type { Feed, FeedView } from './groups/feed.ts';
export type { FeedEntry } from './groups/feed-rules.ts';
export type { Group, GroupMember, GroupMemberState, MemberServer } from './groups/groups.ts';
export type { SubscribeOptions, Subscription } from './groups/mirrors.ts';
export { parseStars } from './groups/ratings.ts';
export type { PublishOptions } from './groups/shelves.ts';
export { singleCopy } from './hosting.ts';
export type { OpenNode } from './keys.ts';
export type { CreatedLink, LinkOptions } from './links.ts';
export type { FreshnessPins, Pin } from './pins.ts';
export { memoryPins } from './pins.ts';
export { PublicLink } from './public-link.ts';
export type { CollectResult, OwnRequest, RequestOptions } from './requests.ts';
export type { RetryPolicy } from './retry.ts';
export type { RetryCounts, RetryEvent } from './retry-count.ts';
export type { SecondFactor, SecondFactorStatus } from './second-factor.ts';
export type {
  ClientOptions,
  ResumeOptions,
  SavedSession,
  SecondFactorSource,
} from './session.ts';
export type { IncomingShare, OutgoingShare, ShareMember } from './shares/types.ts';
export type { SessionSyncState, SyncRootReport, SyncState } from './sync-state.ts';
export type { UploadSource } from './transfers/chunk-store.ts';
export type { Download, DownloadOptions, Version } from './transfers/download.ts';
export type { Progress, TransferOptions } from './transfers/progress.ts';
export type { SmallFile, SmallFilesOptions } from './transfers/small-files.ts';
export { chunkSizeFor, SMALL_FILE_LIMIT } from './transfers/small-files.ts';
export type { ChunkCache } from './transfers/transfers.ts';
export type { ResumeState, ResumeStore, UploadOptions } from './transfers/upload.ts';
export type { TrashContents, TrashedEntry } from './trash.ts';
