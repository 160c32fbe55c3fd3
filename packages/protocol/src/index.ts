/**
 * @coffer/protocol: what travels between clients, the hub and hosts. Route schemas, wire
 * errors, capability tokens, receipts and host messages. Imports only crypto and errors.
 */

export type { ClientErrorLog, ClientErrorLogOptions } from './client-errors.ts';
export { clientErrorLog, forLog, isBrokenBody } from './client-errors.ts';
export type { CopyOrder, CopyPull, CopyReport } from './copy-orders.ts';
export {
  COPY_ORDER_CHUNKS,
  COPY_ORDER_LABEL,
  COPY_PULL_LABEL,
  COPY_REPORT_LABEL,
  copyOrderSchema,
  copyPullSchema,
  copyReportSchema,
  MAX_COPY_ORDER,
  MAX_COPY_REPORT,
  PULL_WINDOW_MS,
  verifyCopyOrder,
} from './copy-orders.ts';
export type { ErrorBody } from './errors.ts';
export { errorBody, fromErrorBody, malformedRequestAnswer, STATUS, toErrorBody } from './errors.ts';
export { HOST, hostRoutes } from './host-api.ts';
export { buildOpenApi } from './openapi.ts';
export type { AccountInfo, PendingGrant, SessionGrant } from './routes/accounts.ts';
export type { CopyProgress } from './routes/admin.ts';
export type { AppInfo } from './routes/apps.ts';
export type { ChangeInfo } from './routes/changes.ts';
export type { RatingInfo } from './routes/feed.ts';
export { MAX_FEED_STATE_CHARS } from './routes/feed.ts';
export type { GroupCopyInfo } from './routes/group-copies.ts';
export type { GroupInfo, GroupServer, ShelfEntryInfo } from './routes/groups.ts';
export type {
  RouteBody,
  RouteInput,
  RouteName,
  RouteParams,
  RouteQuery,
  RouteResponse,
  Routes,
  RouteTag,
  TaggedRouteName,
} from './routes/index.ts';
export { routes } from './routes/index.ts';
export type { LinkInfo } from './routes/links.ts';
export type { MirrorInfo, SubscriptionInfo } from './routes/mirrors.ts';
export type { DropInfo, RequestInfo } from './routes/requests.ts';
export type { AppScope, Auth, RouteSpec } from './routes/route.ts';
export type {
  EffectivePolicy,
  FileCommit,
  FolderPolicy,
  NodeInfo,
  PlacementPolicy,
  Replica,
  StorageSite,
} from './routes/shapes.ts';
export {
  effectivePolicy,
  folderPolicy,
  placementPolicy,
  storageSite,
} from './routes/shapes.ts';
export type { ShareInfo } from './routes/shares.ts';
export type { SyncStateInfo } from './routes/sync-state.ts';
export { MAX_SYNC_STATE_CHARS } from './routes/sync-state.ts';
export type { RevisionInfo } from './routes/tree.ts';
export * as schemas from './schemas.ts';
export type {
  Capability,
  CapabilityOp,
  HostClaim,
  HostDisk,
  HostExit,
  HostHello,
  HostReconcile,
  HostSweep,
  KeepPage,
  Receipt,
  SweepVerdict,
} from './signed.ts';
export {
  CAPABILITY_LABEL,
  capabilitySchema,
  HOST_CLAIM_LABEL,
  HOST_EXIT_LABEL,
  HOST_HELLO_LABEL,
  HOST_RECONCILE_LABEL,
  HOST_SWEEP_LABEL,
  hostClaimSchema,
  hostDisk,
  hostExitSchema,
  hostHelloSchema,
  hostIdFromKey,
  hostReconcileSchema,
  hostSweepSchema,
  KEEP_PAGE_LABEL,
  keepPageSchema,
  MAX_SIGNED_PAGE,
  openMessage,
  peekMessage,
  RECEIPT_LABEL,
  RECONCILE_PAGE,
  receiptSchema,
  SWEEP_PAGE,
  SWEEP_VERDICT_LABEL,
  signCapability,
  signMessage,
  signReceipt,
  sweepVerdictSchema,
  verifyCapability,
} from './signed.ts';
export { formatBytes, parseSize } from './size.ts';
export {
  formatUserCode,
  newUserCode,
  normalizeUserCode,
  USER_CODE_ALPHABET,
  USER_CODE_LENGTH,
} from './user-code.ts';
