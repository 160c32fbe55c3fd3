import { z } from 'zod';
import { byteCount, chunkId, nodeId, recordId, timestamp } from '../schemas.ts';
import { type RouteSpec, route } from './route.ts';
import { fileCommit, manifest, nodeInfo } from './shapes.ts';

// Copies from groups (tag `group-copies`; [Note: Copies from groups] in the hub's
// services/group-copies.ts): a member copies the file a shelf entry offers, host to host, into
// a folder of their own, then adopts it as their own file.

const groupEntryParams = z.object({ id: nodeId, entryId: nodeId });
const copyParams = z.object({ id: recordId });
const progress = z.object({ done: byteCount, total: byteCount });

export const groupCopyInfo = z.object({
  copyId: recordId,
  groupId: nodeId,
  entryId: nodeId,
  folderId: nodeId,
  /** The file and revision the hub copies: the member checks it is the one the entry names. */
  file: z.object({ nodeId, revision: z.number().int().min(1) }),
  /** The author's sealed manifest of that revision, to verify before adopting the copy. */
  manifest,
  chunks: z.array(z.object({ id: chunkId, size: byteCount })),
  /** copying: hosts are at it; ready: every chunk is where the folder's policy wants it. */
  state: z.enum(['copying', 'ready', 'failed']),
  bytes: progress,
  lastError: z.string().nullable(),
  expiresAt: timestamp,
});
export type GroupCopyInfo = z.infer<typeof groupCopyInfo>;

export const groupCopyRoutes = {
  copyShelfEntry: route({
    method: 'post',
    path: '/api/groups/{id}/shelf/{entryId}/copies',
    auth: 'session',
    tag: 'group-copies',
    summary:
      'Copies the file an entry of another member’s shelf offers into a folder of yours: the hub orders host-to-host copies of its chunks onto the hosts your folder’s policy names (your personal servers, or the network’s). Asking again for the same entry and folder returns the copy in progress.',
    params: groupEntryParams,
    body: z.object({ folderId: nodeId }).strict(),
    response: groupCopyInfo,
  }),
  groupCopy: route({
    method: 'get',
    path: '/api/group-copies/{id}',
    auth: 'session',
    tag: 'group-copies',
    summary: 'A copy of yours in progress: how far it is, and whether it is ready to adopt.',
    params: copyParams,
    response: groupCopyInfo,
  }),
  groupCopies: route({
    method: 'get',
    path: '/api/group-copies',
    auth: 'session',
    tag: 'group-copies',
    summary: 'Your copies in progress (not adopted or cancelled yet).',
    response: z.object({ copies: z.array(groupCopyInfo) }),
  }),
  adoptGroupCopy: route({
    method: 'post',
    path: '/api/group-copies/{id}/adopt',
    auth: 'session',
    tag: 'group-copies',
    summary:
      'Makes a ready copy your own file: your node, key and signed manifest over the copied chunks, in the copy’s folder. Ends the copy.',
    params: copyParams,
    body: z.object({ file: fileCommit }).strict(),
    response: z.object({ node: nodeInfo }),
  }),
  cancelGroupCopy: route({
    method: 'delete',
    path: '/api/group-copies/{id}',
    auth: 'session',
    tag: 'group-copies',
    summary: 'Stops a copy of yours and lets go of what it copied so far.',
    params: copyParams,
  }),
} as const satisfies Record<string, RouteSpec>;
