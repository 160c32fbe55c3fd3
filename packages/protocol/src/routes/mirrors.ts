import { z } from 'zod';
import { accountId, byteCount, nodeId, timestamp } from '../schemas.ts';
import { type RouteSpec, route } from './route.ts';

// Auto-mirror (tag `mirrors`; [Note: Auto-mirror] in the hub's services/mirrors.ts): a member
// subscribes to a group, or to one member's shelf in it, with a budget, and the hub copies new
// entries' files to the member's personal servers, host to host, evicting the oldest ones the
// member did not keep when the budget is full.

const groupParams = z.object({ id: nodeId });

export const subscriptionInfo = z.object({
  groupId: nodeId,
  /** Only this member's shelf; null for every member's. */
  memberId: accountId.nullable(),
  budget: byteCount,
  /** Bytes of the mirrors that count toward the budget (not kept, not evicted). */
  used: byteCount,
  /** Entries mirrored and still there (kept ones included). */
  mirrored: z.number().int().nonnegative(),
  createdAt: timestamp,
});
export type SubscriptionInfo = z.infer<typeof subscriptionInfo>;

export const mirrorInfo = z.object({
  groupId: nodeId,
  entryId: nodeId,
  /**
   * copying: hosts are at it; ready: on your personal servers; evicted: removed to make room;
   * too-big: larger than the whole budget, never copied.
   */
  state: z.enum(['copying', 'ready', 'evicted', 'too-big']),
  bytes: byteCount,
  /** You hold a file of your own over its chunks: it is never evicted. */
  kept: z.boolean(),
  createdAt: timestamp,
});
export type MirrorInfo = z.infer<typeof mirrorInfo>;

export const mirrorRoutes = {
  subscribe: route({
    method: 'post',
    path: '/api/groups/{id}/subscription',
    auth: 'session',
    tag: 'mirrors',
    summary:
      'Subscribes you to a group’s new entries (or one member’s): from now on each is copied to your personal servers, host to host, within `budget` bytes, the oldest you did not keep evicted first. Subscribing again changes the member and the budget.',
    params: groupParams,
    body: z
      .object({
        budget: byteCount.min(1, 'expected at least one byte'),
        memberId: accountId.nullable().optional(),
      })
      .strict(),
    response: subscriptionInfo,
  }),
  unsubscribe: route({
    method: 'delete',
    path: '/api/groups/{id}/subscription',
    auth: 'session',
    tag: 'mirrors',
    summary:
      'Ends your subscription to a group: mirrors you did not keep are evicted from your servers.',
    params: groupParams,
  }),
  subscriptions: route({
    method: 'get',
    path: '/api/subscriptions',
    auth: 'session',
    tag: 'mirrors',
    summary: 'Your subscriptions, each with the bytes it uses of its budget.',
    response: z.object({ subscriptions: z.array(subscriptionInfo) }),
  }),
  mirrors: route({
    method: 'get',
    path: '/api/mirrors',
    auth: 'session',
    tag: 'mirrors',
    summary: 'Entries mirrored for your subscriptions, and where each stands.',
    response: z.object({ mirrors: z.array(mirrorInfo) }),
  }),
} as const satisfies Record<string, RouteSpec>;
