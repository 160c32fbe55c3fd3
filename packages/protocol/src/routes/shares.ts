import { z } from 'zod';
import { accountId, b64, hex64, nodeId, queryInt, version } from '../schemas.ts';
import { type RouteSpec, route } from './route.ts';
import {
  manifest,
  metadata,
  nodeInfo,
  nodeParams,
  nodeSignature,
  sealedKey,
  wrapped,
} from './shapes.ts';

// Shared folders and the rotation of their keys (tag `shares`).

const MAX_SHARE_MEMBERS = 10_000;
const memberList = b64(17 * MAX_SHARE_MEMBERS + 200).min(1, 'expected a signed member list');
export const shareInfo = z.object({
  id: nodeId,
  nodeId,
  ownerId: accountId,
  ownerEmail: z.string(),
  /** The caller's part in the share. */
  role: z.enum(['owner', 'read', 'write']),
  /** The member list signed by the owner (base64url; [Note: Member lists]). */
  memberList,
  keyVersion: z.number().int(),
  /** The folder key versions sealed to the caller. */
  keys: z.array(z.object({ keyVersion: z.number().int(), sealed: sealedKey })),
  /** The members' emails, for display; the signed list is what counts. */
  members: z.array(z.object({ accountId, email: z.string() })),
  folder: nodeInfo,
});
export type ShareInfo = z.infer<typeof shareInfo>;

export const shareRoutes = {
  putShare: route({
    method: 'post',
    path: '/api/shares',
    auth: 'session',
    tag: 'shares',
    summary:
      'Shares a folder you own, or changes who it is shared with: the member list signed with your key (a higher version than the stored one), and the folder key sealed to each member (and to you) for the list’s key version. The hub checks the signature against your key bundle and that every member has a key.',
    body: z
      .object({
        id: nodeId,
        nodeId,
        memberList,
        keys: z
          .array(
            z
              .object({ accountId, keyVersion: z.number().int().min(1), sealed: sealedKey })
              .strict(),
          )
          .max(MAX_SHARE_MEMBERS + 1),
      })
      .strict(),
    response: shareInfo,
  }),
  shares: route({
    method: 'get',
    path: '/api/shares',
    auth: 'session',
    tag: 'shares',
    summary: 'The folders you share (outgoing) and the folders shared with you (incoming).',
    response: z.object({ outgoing: z.array(shareInfo), incoming: z.array(shareInfo) }),
  }),
  deleteShare: route({
    method: 'delete',
    path: '/api/shares/{id}',
    auth: 'session',
    tag: 'shares',
    summary: 'Stops sharing a folder: every member loses access through the hub at once.',
    params: nodeParams,
  }),

  shareTree: route({
    method: 'get',
    path: '/api/shares/{id}/tree',
    auth: 'session',
    tag: 'shares',
    summary:
      'For the owner rotating a share’s keys: every node under the shared folder (trashed ones too, the folder itself included), a page at a time in id order, with every revision’s manifest.',
    params: nodeParams,
    query: z.object({ after: nodeId.optional(), limit: queryInt(2000).optional() }),
    response: z.object({
      nodes: z.array(nodeInfo),
      revisions: z.array(z.object({ nodeId, revision: z.number().int(), manifest })),
      next: nodeId.nullable(),
    }),
  }),
  stageRekey: route({
    method: 'post',
    path: '/api/shares/{id}/rekey',
    auth: 'session',
    tag: 'shares',
    summary:
      'Stages new keys for a share’s nodes and manifests, a batch at a time: nothing changes until a member list with `keyVersion` (one above the share’s) is put, which swaps them all in at once, or 409s if the folder changed meanwhile.',
    params: nodeParams,
    body: z
      .object({
        keyVersion: z.number().int().min(2),
        nodes: z
          .array(
            z
              .object({
                id: nodeId,
                /** The node version the new keys were made from. */
                version,
                wrappedKey: wrapped,
                metadata,
                nameHash: hex64,
                signature: nodeSignature,
              })
              .strict(),
          )
          .max(5000),
        revisions: z
          .array(z.object({ nodeId, revision: z.number().int().min(1), manifest }).strict())
          .max(20000),
      })
      .strict(),
  }),
} as const satisfies Record<string, RouteSpec>;
