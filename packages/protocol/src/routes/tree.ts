import { z } from 'zod';
import { byteCount, chunkId, hex64, nodeId, queryInt, timestamp, version } from '../schemas.ts';
import { type RouteSpec, route } from './route.ts';
import {
  effectivePolicy,
  folderPolicy,
  manifest,
  metadata,
  nodeInfo,
  nodeParams,
  nodeSignature,
  wrapped,
} from './shapes.ts';

// The encrypted tree: nodes, revisions, the trash and folder policies (tag `tree`).

export const revisionInfo = z.object({
  revision: z.number().int(),
  size: byteCount,
  createdAt: timestamp,
  manifest,
  chunkIds: z.array(chunkId),
});
export type RevisionInfo = z.infer<typeof revisionInfo>;

const policyAnswer = z.object({
  /** The policy set on this folder itself; null when it only inherits. */
  own: folderPolicy.nullable(),
  /** What applies here: the network's policy tightened by this folder and its ancestors. */
  effective: effectivePolicy,
  /**
   * Your personal servers in good standing: each holds a copy of what is kept on them. To an
   * app token, 0 unless this folder is kept on them.
   */
  personalServers: z.number().int().min(0),
});

const versioned = z.object({ version }).strict();

export const treeRoutes = {
  getNode: route({
    method: 'get',
    path: '/api/nodes/{id}',
    auth: 'session',
    tag: 'tree',
    app: { access: 'read', nodes: ['params.id'] },
    summary: 'One node.',
    params: nodeParams,
    query: z.object({ include: z.enum(['manifest']).optional() }),
    response: nodeInfo,
  }),
  children: route({
    method: 'get',
    path: '/api/nodes/{id}/children',
    auth: 'session',
    tag: 'tree',
    app: { access: 'read', nodes: ['params.id'] },
    summary: 'The live (not trashed) children of a folder, a page at a time.',
    params: nodeParams,
    query: z.object({
      /** Only the live child with this name hash (see [Note: Name hash] in crypto). */
      nameHash: hex64.optional(),
      after: nodeId.optional(),
      limit: queryInt(5000).optional(),
      include: z.enum(['manifest']).optional(),
    }),
    response: z.object({ nodes: z.array(nodeInfo), next: nodeId.nullable() }),
  }),
  createFolder: route({
    method: 'post',
    path: '/api/nodes',
    auth: 'session',
    tag: 'tree',
    app: { access: 'write', nodes: ['body.id', 'body.parentId'] },
    summary: 'Creates a folder. 409 if a live sibling has the same name hash.',
    body: z
      .object({
        id: nodeId,
        parentId: nodeId,
        nameHash: hex64,
        wrappedKey: wrapped,
        metadata,
        signature: nodeSignature.optional(),
        /** The key version of the parent folder the key was wrapped under (409 if stale). */
        parentKeyVersion: z.number().int().min(1).optional(),
      })
      .strict(),
    response: nodeInfo,
  }),
  updateNode: route({
    method: 'patch',
    path: '/api/nodes/{id}',
    auth: 'session',
    tag: 'tree',
    app: { access: 'write', below: ['params.id'], nodes: ['body.parentId'] },
    summary: 'Renames and/or moves a node. 409 if `version` is stale or the name is taken.',
    params: nodeParams,
    body: z
      .object({
        version,
        parentId: nodeId.optional(),
        nameHash: hex64,
        wrappedKey: wrapped,
        metadata,
        signature: nodeSignature.optional(),
        /** The key version of the parent folder the key was wrapped under (409 if stale). */
        parentKeyVersion: z.number().int().min(1).optional(),
      })
      .strict(),
    response: nodeInfo,
  }),
  trashNode: route({
    method: 'post',
    path: '/api/nodes/{id}/trash',
    auth: 'session',
    tag: 'tree',
    app: { access: 'write', below: ['params.id'] },
    summary: 'Moves a node (and everything under it) to the trash.',
    params: nodeParams,
    body: versioned,
    response: nodeInfo,
  }),
  restoreNode: route({
    method: 'post',
    path: '/api/nodes/{id}/restore',
    auth: 'session',
    tag: 'tree',
    app: { access: 'write', below: ['params.id'] },
    summary: 'Brings a node back from the trash. 409 if its name is now taken.',
    params: nodeParams,
    body: versioned,
    response: nodeInfo,
  }),
  purgeNode: route({
    method: 'delete',
    path: '/api/nodes/{id}',
    auth: 'session',
    tag: 'tree',
    app: { access: 'write', below: ['params.id'] },
    summary: 'Deletes a trashed node for good, with its revisions and everything under it.',
    params: nodeParams,
    query: z.object({ version: queryInt(2 ** 31) }),
  }),
  trash: route({
    method: 'get',
    path: '/api/trash',
    auth: 'session',
    tag: 'tree',
    summary:
      'Nodes trashed directly (not those trashed with a folder), each with the bytes it holds (every revision of everything under it), and the total.',
    response: z.object({
      nodes: z.array(nodeInfo),
      /** For each node, in the same order: the stored bytes purging it frees. */
      held: z.array(z.object({ id: nodeId, bytes: byteCount })),
      /** The stored bytes the whole trash holds. */
      bytes: byteCount,
    }),
  }),
  emptyTrash: route({
    method: 'post',
    path: '/api/trash/empty',
    auth: 'session',
    tag: 'tree',
    summary:
      'Deletes for good everything in your trash trashed at or before `upTo` (the newest `trashedAt` you listed), all or none.',
    body: z.object({ upTo: timestamp }).strict(),
    response: z.object({ purged: z.number().int().min(0) }),
  }),
  revisions: route({
    method: 'get',
    path: '/api/nodes/{id}/revisions',
    auth: 'session',
    tag: 'tree',
    app: { access: 'read', nodes: ['params.id'] },
    summary: 'Every revision of a file, newest first.',
    params: nodeParams,
    response: z.object({ revisions: z.array(revisionInfo) }),
  }),

  getFolderPolicy: route({
    method: 'get',
    path: '/api/nodes/{id}/policy',
    auth: 'session',
    tag: 'tree',
    app: { access: 'read', nodes: ['params.id'] },
    summary: "A folder's placement policy: its own and the one in effect.",
    params: nodeParams,
    response: policyAnswer,
  }),
  setFolderPolicy: route({
    method: 'patch',
    path: '/api/nodes/{id}/policy',
    auth: 'session',
    tag: 'tree',
    summary:
      'Sets (or, with null, removes) the placement policy of a folder you own. Stored chunks move to match it through repair.',
    params: nodeParams,
    body: z.object({ policy: folderPolicy.nullable() }).strict(),
    response: policyAnswer,
  }),
} as const satisfies Record<string, RouteSpec>;
