import { z } from 'zod';
import { chunkId, hostId, nodeId, recordId, timestamp } from '../schemas.ts';
import { type RouteSpec, route } from './route.ts';
import {
  chunksToPlace,
  excludeHosts,
  fileCommit,
  located,
  nodeInfo,
  placements,
  receiptsAnswer,
  receiptsBody,
} from './shapes.ts';

// Uploads, downloads and bad copies: chunks and their replicas (tag `transfers`).

export const uploadRoutes = {
  createUpload: route({
    method: 'post',
    path: '/api/uploads',
    auth: 'session',
    tag: 'transfers',
    app: { access: 'write' },
    summary: 'Starts an upload session; chunks stored under it survive interruptions.',
    body: z.object({}).strict(),
    response: z.object({ uploadId: recordId, expiresAt: timestamp }),
  }),
  getUpload: route({
    method: 'get',
    path: '/api/uploads/{id}',
    auth: 'session',
    tag: 'transfers',
    app: { access: 'write' },
    summary: 'Which chunks of an upload are already stored with enough receipts.',
    params: z.object({ id: recordId }),
    response: z.object({
      uploadId: recordId,
      expiresAt: timestamp,
      complete: z.array(chunkId),
    }),
  }),
  placeChunks: route({
    method: 'post',
    path: '/api/uploads/{id}/chunks',
    auth: 'session',
    tag: 'transfers',
    app: { access: 'write', nodes: ['body.folders[]'] },
    summary:
      'Chooses hosts for chunks and returns put tokens. The client sends each chunk to the first target, which forwards it along the chain.',
    params: z.object({ id: recordId }),
    body: z
      .object({
        chunks: chunksToPlace,
        exclude: excludeHosts,
        /**
         * The folders whose files will hold these chunks: placement follows their policies
         * (the network's when absent). A commit into a folder checks its policy again.
         */
        folders: z.array(nodeId).max(1024).optional(),
      })
      .strict(),
    response: placements,
  }),
  addReceipts: route({
    method: 'post',
    path: '/api/uploads/{id}/receipts',
    auth: 'session',
    tag: 'transfers',
    app: { access: 'write' },
    summary: 'Records host-signed receipts for chunks of an upload.',
    params: z.object({ id: recordId }),
    body: receiptsBody,
    response: receiptsAnswer,
  }),
  commitUpload: route({
    method: 'post',
    path: '/api/uploads/{id}/commit',
    auth: 'session',
    tag: 'transfers',
    app: { access: 'write', nodes: ['body.files[].nodeId', 'body.files[].parentId'] },
    summary:
      'Creates files or new revisions, all or none. Every chunk must have receipts from the hosts the policy requires; a stale version gets 409.',
    params: z.object({ id: recordId }),
    body: z.object({ files: z.array(fileCommit).min(1).max(1000) }).strict(),
    response: z.object({ nodes: z.array(nodeInfo) }),
  }),
  locateChunks: route({
    method: 'post',
    path: '/api/chunks/locate',
    auth: 'session',
    tag: 'transfers',
    app: { access: 'read' },
    summary: 'Where chunks of your files are, with a get token per replica.',
    body: z.object({ ids: z.array(chunkId).min(1).max(1024) }).strict(),
    response: z.object({ chunks: z.array(located) }),
  }),

  reportChunk: route({
    method: 'post',
    path: '/api/chunks/report',
    auth: 'session',
    tag: 'transfers',
    app: { access: 'read' },
    summary:
      'Reports a replica that failed its integrity check on read. The hub audits that host for that chunk at once and, if the copy is bad, has it replaced from a healthy one.',
    body: z.object({ chunkId, hostId }).strict(),
    response: z.object({ outcome: z.enum(['bad', 'good', 'unreachable']) }),
  }),
} as const satisfies Record<string, RouteSpec>;
