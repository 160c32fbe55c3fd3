import { z } from 'zod';
import { nodeId, queryInt } from '../schemas.ts';
import { type RouteSpec, route } from './route.ts';

// The change feed (tag `changes`; [Note: Change feed] in the hub's services/changes.ts): a
// cursor and a long poll over your own tree and the folders shared with you. A change carries
// only what the hub stores in the clear; never a name, metadata or a key.

export const cursor = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,14})$/, 'expected a cursor from /api/changes or /api/changes/latest')
  .meta({ description: 'A position in your change feed; opaque to clients.' });

export const changeInfo = z.object({
  nodeId,
  /** Null for a root folder. */
  parentId: nodeId.nullable(),
  kind: z.enum(['file', 'folder']),
  version: z.number().int().nonnegative(),
  /** A file's current revision; null for folders. */
  revision: z.number().int().nonnegative().nullable(),
  keyVersion: z.number().int().nonnegative(),
  trashed: z.boolean(),
  /**
   * Gone from your view: purged, moved out of the share you saw it through, or (for a shared
   * folder itself) you are no longer a member. A folder's change stands for everything under it.
   */
  deleted: z.boolean(),
  /** The share you see it through; null: your own tree. */
  shareId: nodeId.nullable(),
});
export type ChangeInfo = z.infer<typeof changeInfo>;

export const changeRoutes = {
  latestChange: route({
    method: 'get',
    path: '/api/changes/latest',
    auth: 'session',
    tag: 'changes',
    summary:
      'The cursor of your latest change, without waiting: list the tree, then follow changes from here.',
    response: z.object({ cursor }),
  }),
  changes: route({
    method: 'get',
    path: '/api/changes',
    auth: 'session',
    tag: 'changes',
    summary:
      'Changes to your tree and the folders shared with you after `cursor`, oldest first. With none yet, waits up to `wait` seconds (at most 30) for one; an empty answer keeps the cursor. 410 when the cursor is too old: list the tree again.',
    query: z.object({
      cursor,
      wait: queryInt(30).optional(),
      limit: queryInt(1000).min(1, 'expected at least 1').optional(),
    }),
    response: z.object({
      changes: z.array(changeInfo),
      /** Where to continue from. */
      cursor,
      /** More changes are waiting: ask again at once. */
      more: z.boolean(),
    }),
  }),
} as const satisfies Record<string, RouteSpec>;
