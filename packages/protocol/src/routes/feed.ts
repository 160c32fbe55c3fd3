import { z } from 'zod';
import { accountId, b64, nodeId, queryInt, timestamp } from '../schemas.ts';
import { type RouteSpec, route } from './route.ts';
import { nodeParams, savedVersion } from './shapes.ts';

// The feed: members' ratings of entries in their groups, and each account's private feed
// state (tag `feed`; [Note: Ratings] and [Note: Feed state] in crypto). The feed itself is
// made on the client: the hub never sees a name.

/** A rating ([Note: Ratings]): a small sealed body and a signature. */
const sealedRating = b64(400).min(1, 'expected a sealed rating');
/** The feed state sealed under the master key: at most 192 KiB of JSON in an envelope. */
export const MAX_FEED_STATE_CHARS = 262_400;
const sealedFeedState = b64(MAX_FEED_STATE_CHARS).min(1, 'expected a sealed feed state');
/** Where a page of ratings ends: the entry id and the rater's account id. */
const ratingCursor = z
  .string()
  .regex(/^[0-9a-f]{32}\.[0-9a-f]{32}$/, 'expected ENTRYID.RATERID (32 hex characters each)');

export const ratingInfo = z.object({
  entryId: nodeId,
  raterId: accountId,
  raterEmail: z.string(),
  keyVersion: z.number().int(),
  rating: sealedRating,
  ratedAt: timestamp,
});
export type RatingInfo = z.infer<typeof ratingInfo>;

export const feedRoutes = {
  rateEntry: route({
    method: 'post',
    path: '/api/groups/{id}/ratings',
    auth: 'session',
    tag: 'feed',
    summary:
      'Rates an entry of another member of a group you are in: the rating sealed under the group’s newest key and signed by you. Rating the same entry again replaces your rating. Only current members rate (403 for someone removed, who left or has not accepted yet).',
    params: nodeParams,
    body: z.object({ entryId: nodeId, rating: sealedRating }).strict(),
    response: ratingInfo,
  }),
  groupRatings: route({
    method: 'get',
    path: '/api/groups/{id}/ratings',
    auth: 'session',
    tag: 'feed',
    summary:
      'The ratings of the entries of a group you are in, a page at a time in entry and rater order: only those of the owner and of members who have not left, on entries that are still published.',
    params: nodeParams,
    query: z.object({ after: ratingCursor.optional(), limit: queryInt(5000).optional() }),
    response: z.object({ ratings: z.array(ratingInfo), next: ratingCursor.nullable() }),
  }),
  feedState: route({
    method: 'get',
    path: '/api/feed/state',
    auth: 'session',
    tag: 'feed',
    summary:
      'Your feed state (when you last looked, what you kept and discarded), sealed under your master key, and its version (0 and null before the first save).',
    response: z.object({ version: z.number().int(), state: sealedFeedState.nullable() }),
  }),
  saveFeedState: route({
    method: 'post',
    path: '/api/feed/state',
    auth: 'session',
    tag: 'feed',
    summary:
      'Saves your sealed feed state as `version`, which must be one above the stored version (409 otherwise: another device saved first; read, merge and retry).',
    body: z
      .object({
        version: savedVersion,
        state: sealedFeedState,
      })
      .strict(),
    response: z.object({ version: z.number().int() }),
  }),
} as const satisfies Record<string, RouteSpec>;
