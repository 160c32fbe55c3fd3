import { z } from 'zod';
import { accountId, b64, nodeId, timestamp } from '../schemas.ts';
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
  deleteGroup: route({
    method: 'delete',
    path: '/api/groups/{id}',
    auth: 'session',
    tag: 'groups',
    summary: 'Ends a group you own, for every member at once.',
    params: nodeParams,
  }),
} as const satisfies Record<string, RouteSpec>;
