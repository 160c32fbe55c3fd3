import { z } from 'zod';
import { b64, byteCount, chunkId, nodeId, recordId, timestamp } from '../schemas.ts';
import { type RouteSpec, route } from './route.ts';
import {
  chunksToPlace,
  excludeHosts,
  fileCommit,
  nodeInfo,
  placements,
  receiptsAnswer,
  receiptsBody,
  wrapped,
} from './shapes.ts';

// File requests: the owner's side and the visitor's (tag `file requests`).

const requestId = recordId.meta({ description: 'A file request id: 16 random bytes in hex.' });
const requestParams = z.object({ id: requestId });
const visitorUploadParams = z.object({ id: requestId, uploadId: recordId });
const requestTitle = b64(4096).min(1, 'expected a sealed title');
const dropSealed = b64(8 * 1024 * 1024).min(1, 'expected a sealed drop');
/** A file request as its owner sees it. */
export const requestInfo = z.object({
  id: requestId,
  folderId: nodeId,
  /** The title, sealed under the request's public key ([Note: File requests]). */
  envelope: requestTitle,
  /** The request's secret key, wrapped under the owner's master key. */
  wrappedKey: wrapped,
  createdAt: timestamp,
  expiresAt: timestamp.nullable(),
  maxFiles: z.number().int().nullable(),
  maxBytes: z.number().int().nullable(),
  filesReceived: z.number().int(),
  bytesReceived: z.number().int(),
  revokedAt: timestamp.nullable(),
  /** Files received and not yet taken in by the owner's client. */
  pending: z.number().int(),
});
export type RequestInfo = z.infer<typeof requestInfo>;
/** A file a visitor sent, as its request's owner fetches it to take it in. */
export const dropInfo = z.object({
  id: recordId,
  nodeId,
  /** Sealed to the request's public key ([Note: File requests]). */
  sealed: dropSealed,
  size: byteCount,
  createdAt: timestamp,
  chunkIds: z.array(chunkId),
});
export type DropInfo = z.infer<typeof dropInfo>;

export const requestRoutes = {
  createRequest: route({
    method: 'post',
    path: '/api/requests',
    auth: 'session',
    tag: 'file requests',
    summary:
      'Makes a file request: an upload-only link into a folder of yours. Visitors send files sealed to its key; they can neither list nor read anything.',
    body: z
      .object({
        id: requestId,
        folderId: nodeId,
        envelope: requestTitle,
        wrappedKey: wrapped,
        expiresAt: timestamp.nullable().optional(),
        maxFiles: z.number().int().min(1).max(1_000_000).nullable().optional(),
        maxBytes: byteCount.min(1).nullable().optional(),
      })
      .strict(),
    response: requestInfo,
  }),
  requests: route({
    method: 'get',
    path: '/api/requests',
    auth: 'session',
    tag: 'file requests',
    summary: 'Your file requests, newest first, with how many received files wait to be taken in.',
    response: z.object({ requests: z.array(requestInfo) }),
  }),
  revokeRequest: route({
    method: 'delete',
    path: '/api/requests/{id}',
    auth: 'session',
    tag: 'file requests',
    summary:
      'Closes a file request: it takes no more files. What it received can still be taken in.',
    params: requestParams,
  }),
  requestDrops: route({
    method: 'get',
    path: '/api/requests/{id}/drops',
    auth: 'session',
    tag: 'file requests',
    summary: 'Files a request received that wait to be taken in (up to 500).',
    params: requestParams,
    response: z.object({ drops: z.array(dropInfo) }),
  }),
  acceptDrops: route({
    method: 'post',
    path: '/api/requests/{id}/accept',
    auth: 'session',
    tag: 'file requests',
    summary:
      'Takes received files into your tree, all or none: each becomes a file with the chunks the visitor stored, under keys and a signature of yours.',
    params: requestParams,
    body: z
      .object({
        files: z
          .array(z.object({ dropId: recordId, file: fileCommit }).strict())
          .min(1)
          .max(500),
      })
      .strict(),
    response: z.object({ nodes: z.array(nodeInfo) }),
  }),
  discardDrop: route({
    method: 'delete',
    path: '/api/requests/{id}/drops/{dropId}',
    auth: 'session',
    tag: 'file requests',
    summary: 'Throws away a received file (one that does not open, say).',
    params: z.object({ id: requestId, dropId: recordId }),
  }),
  requestOpen: route({
    method: 'get',
    path: '/api/r/{id}',
    auth: 'none',
    tag: 'file requests',
    summary:
      'For a visitor: the request’s sealed title and what it still takes. 403 once it is closed, expired or full.',
    params: requestParams,
    response: z.object({
      envelope: requestTitle,
      expiresAt: timestamp.nullable(),
      filesLeft: z.number().int().nullable(),
      bytesLeft: z.number().int().nullable(),
    }),
  }),
  requestUpload: route({
    method: 'post',
    path: '/api/r/{id}/uploads',
    auth: 'none',
    tag: 'file requests',
    summary: 'For a visitor: starts an upload to the request. Its id is the visitor’s to keep.',
    params: requestParams,
    body: z.object({}).strict(),
    response: z.object({ uploadId: recordId, expiresAt: timestamp }),
  }),
  requestPlace: route({
    method: 'post',
    path: '/api/r/{id}/uploads/{uploadId}/chunks',
    auth: 'none',
    tag: 'file requests',
    summary:
      'For a visitor: chooses hosts for chunks (placed for the request’s folder) and returns put tokens.',
    params: visitorUploadParams,
    body: z.object({ chunks: chunksToPlace, exclude: excludeHosts }).strict(),
    response: placements,
  }),
  requestReceipts: route({
    method: 'post',
    path: '/api/r/{id}/uploads/{uploadId}/receipts',
    auth: 'none',
    tag: 'file requests',
    summary: 'For a visitor: records host-signed receipts for chunks of the upload.',
    params: visitorUploadParams,
    body: receiptsBody,
    response: receiptsAnswer,
  }),
  requestSend: route({
    method: 'post',
    path: '/api/r/{id}/uploads/{uploadId}/drops',
    auth: 'none',
    tag: 'file requests',
    summary:
      'For a visitor: hands over files whose chunks are stored, each sealed to the request’s key, all or none. Counted against the request’s limits.',
    params: visitorUploadParams,
    body: z
      .object({
        files: z
          .array(
            z
              .object({
                nodeId,
                sealed: dropSealed,
                chunkIds: z.array(chunkId).min(1).max(100_000),
              })
              .strict(),
          )
          .min(1)
          .max(100),
      })
      .strict(),
    response: z.object({ received: z.number().int() }),
  }),
} as const satisfies Record<string, RouteSpec>;
