import { z } from 'zod';
import { accountId, b64, country, nodeId, queryInt, timestamp } from '../schemas.ts';
import { type RouteSpec, route } from './route.ts';
import { nodeParams, sealedKey } from './shapes.ts';

// Private groups: rosters, group keys and invitations (tag `groups`; [Note: Groups] in crypto).

const MAX_GROUP_MEMBERS = 1000;
/** The owner's signed roster ([Note: Groups]): 16 bytes per member and a header. */
const roster = b64(Math.ceil(((16 * MAX_GROUP_MEMBERS + 200) * 4) / 3)).min(
  1,
  'expected a signed roster',
);
/** The group's name, sealed under its key: at most 200 bytes of text in an envelope. */
const sealedName = b64(450).min(1, 'expected a sealed name');

export const groupMemberState = z.enum(['invited', 'member', 'declined', 'left']);

export const groupInfo = z.object({
  id: nodeId,
  ownerId: accountId,
  ownerEmail: z.string(),
  /** The caller's part in the group. */
  role: z.enum(['owner', 'member', 'invited']),
  /** The roster signed by the owner (base64url). */
  roster,
  /** The newest group key version. */
  keyVersion: z.number().int(),
  name: sealedName,
  /** The group key versions sealed to the caller. */
  keys: z.array(z.object({ keyVersion: z.number().int(), sealed: sealedKey })),
  /** Who was invited and what they answered, for display; the signed roster is what counts. */
  members: z.array(z.object({ accountId, email: z.string(), state: groupMemberState })),
  createdAt: timestamp,
});
export type GroupInfo = z.infer<typeof groupInfo>;

/** A shelf entry ([Note: Shelf entries]): a sealed body of at most 28 KiB and a signature. */
const sealedEntry = b64(38_800).min(1, 'expected a sealed entry');
const groupEntryParams = z.object({ id: nodeId, entryId: nodeId });

export const shelfEntryInfo = z.object({
  entryId: nodeId,
  authorId: accountId,
  authorEmail: z.string(),
  version: z.number().int(),
  keyVersion: z.number().int(),
  entry: sealedEntry,
  publishedAt: timestamp,
  updatedAt: timestamp,
});
export type ShelfEntryInfo = z.infer<typeof shelfEntryInfo>;

/**
 * A personal server of someone in a group, as the group's members see it: whose it is, its
 * country and whether it is online. Never its address, id or key ([Note: Group servers]).
 */
export const groupServer = z.object({ accountId, country, online: z.boolean() });
export type GroupServer = z.infer<typeof groupServer>;

export const groupRoutes = {
  putGroup: route({
    method: 'post',
    path: '/api/groups',
    auth: 'session',
    tag: 'groups',
    summary:
      'Creates a group, or changes who is in it: the roster signed with your key (a higher version than the stored one), the name sealed under the group key, and the group key sealed to each new member (and to you) for the roster’s key version. New members are invited; they accept or decline.',
    body: z
      .object({
        id: nodeId,
        roster,
        name: sealedName,
        keys: z
          .array(
            z
              .object({ accountId, keyVersion: z.number().int().min(1), sealed: sealedKey })
              .strict(),
          )
          .max(MAX_GROUP_MEMBERS + 1),
      })
      .strict(),
    response: groupInfo,
  }),
  groups: route({
    method: 'get',
    path: '/api/groups',
    auth: 'session',
    tag: 'groups',
    summary: 'The groups you own or are in, and the invitations waiting for your answer.',
    response: z.object({ groups: z.array(groupInfo) }),
  }),
  answerGroupInvite: route({
    method: 'post',
    path: '/api/groups/{id}/answer',
    auth: 'session',
    tag: 'groups',
    summary: 'Accepts or declines an invitation to a group.',
    params: nodeParams,
    body: z.object({ accept: z.boolean() }).strict(),
  }),
  leaveGroup: route({
    method: 'delete',
    path: '/api/groups/{id}/membership',
    auth: 'session',
    tag: 'groups',
    summary: 'Leaves a group you are in. The owner’s next roster leaves you out.',
    params: nodeParams,
  }),
  putShelfEntry: route({
    method: 'post',
    path: '/api/groups/{id}/shelf',
    auth: 'session',
    tag: 'groups',
    summary:
      'Publishes an entry on your shelf in a group, or a newer version of one of yours: sealed under the group key and signed by you. Only its author changes an entry (403 otherwise).',
    params: nodeParams,
    body: z
      .object({
        entryId: nodeId,
        entry: sealedEntry,
        /** The file of yours the entry offers for copying (a revision you keep). */
        file: z
          .object({ nodeId, revision: z.number().int().min(1) })
          .strict()
          .optional(),
      })
      .strict(),
    response: shelfEntryInfo,
  }),
  withdrawShelfEntry: route({
    method: 'delete',
    path: '/api/groups/{id}/shelf/{entryId}',
    auth: 'session',
    tag: 'groups',
    summary: 'Takes one of your entries off your shelf (403 for anyone else’s).',
    params: groupEntryParams,
  }),
  groupCatalog: route({
    method: 'get',
    path: '/api/groups/{id}/shelf',
    auth: 'session',
    tag: 'groups',
    summary:
      'Every shelf of a group you are in, a page at a time in entry id order: the entries of the owner and of the members who have not left.',
    params: nodeParams,
    query: z.object({ after: nodeId.optional(), limit: queryInt(2000).optional() }),
    response: z.object({ entries: z.array(shelfEntryInfo), next: nodeId.nullable() }),
  }),
  groupServers: route({
    method: 'get',
    path: '/api/groups/{id}/servers',
    auth: 'session',
    tag: 'groups',
    summary:
      'The personal servers of the owner and the members of a group you are in: for each, only whose it is, its country and whether it is online; never its address, id or key.',
    params: nodeParams,
    response: z.object({ servers: z.array(groupServer) }),
  }),
  deleteGroup: route({
    method: 'delete',
    path: '/api/groups/{id}',
    auth: 'session',
    tag: 'groups',
    summary: 'Ends a group you own, for every member at once.',
    params: nodeParams,
  }),
} as const satisfies Record<string, RouteSpec>;
