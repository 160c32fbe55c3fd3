/**
 * @coffer/protocol: what travels between clients, the hub and hosts. Route schemas, wire
 * errors, capability tokens, receipts and host messages. Imports only crypto and errors.
 */

export type {
  AccountInfo,
  Auth,
  FileCommit,
  NodeInfo,
  PlacementPolicy,
  Replica,
  RevisionInfo,
  RouteBody,
  RouteInput,
  RouteName,
  RouteParams,
  RouteQuery,
  RouteResponse,
  RouteSpec,
  Routes,
  SessionGrant,
} from './api.ts';
export { placementPolicy, routes } from './api.ts';
export type { ErrorBody } from './errors.ts';
export { errorBody, fromErrorBody, malformedRequestAnswer, STATUS, toErrorBody } from './errors.ts';
export { HOST, hostRoutes } from './host-api.ts';
export { buildOpenApi } from './openapi.ts';
export * as schemas from './schemas.ts';
export type { Capability, CapabilityOp, HostExit, HostHello, Receipt } from './signed.ts';
export {
  CAPABILITY_LABEL,
  capabilitySchema,
  HOST_EXIT_LABEL,
  HOST_HELLO_LABEL,
  hostExitSchema,
  hostHelloSchema,
  hostIdFromKey,
  openMessage,
  peekMessage,
  RECEIPT_LABEL,
  receiptSchema,
  signCapability,
  signMessage,
  signReceipt,
  verifyCapability,
} from './signed.ts';
