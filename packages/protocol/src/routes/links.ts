import { z } from 'zod';
import { b64, nodeId, queryInt, recordId, timestamp } from '../schemas.ts';
import { type RouteSpec, route } from './route.ts';
import { linkEnvelope, located, nodeInfo, nodeKind } from './shapes.ts';

// Public links and what a visitor may do with one (tag `links`).

const linkId = recordId.meta({ description: 'A link id: 16 random bytes in hex.' });
const linkParams = z.object({ id: linkId });
/** The signing keys a visitor accepts ([Note: Link authors]), base64url. */
const linkAuthors = b64(4096).min(1, 'expected the link authors');
/** A link as its owner sees it. */
export const linkInfo = z.object({
  id: linkId,
  nodeId,
  kind: nodeKind,
  createdAt: timestamp,
  expiresAt: timestamp.nullable(),
  maxDownloads: z.number().int().nullable(),
  downloads: z.number().int(),
  revokedAt: timestamp.nullable(),
  password: z.boolean(),
});
export type LinkInfo = z.infer<typeof linkInfo>;

export const linkRoutes = {
  createLink: route({
    method: 'post',
    path: '/api/links',
    auth: 'session',
    tag: 'links',
    summary:
      'Makes a public link to a file or folder of yours: its key wrapped for the link (the secret that opens it stays in the URL fragment), with an optional expiry and download limit the hub enforces.',
    body: z
      .object({
        id: linkId,
        nodeId,
        envelope: linkEnvelope,
        authors: linkAuthors,
        expiresAt: timestamp.nullable().optional(),
        maxDownloads: z.number().int().min(1).max(1_000_000).nullable().optional(),
      })
      .strict(),
    response: linkInfo,
  }),
  links: route({
    method: 'get',
    path: '/api/links',
    auth: 'session',
    tag: 'links',
    summary: 'Your links, newest first, revoked and expired ones included.',
    response: z.object({ links: z.array(linkInfo) }),
  }),
  revokeLink: route({
    method: 'delete',
    path: '/api/links/{id}',
    auth: 'session',
    tag: 'links',
    summary: 'Revokes a link: from now on it opens nothing.',
    params: linkParams,
  }),
  linkOpen: route({
    method: 'get',
    path: '/api/l/{id}',
    auth: 'none',
    tag: 'links',
    summary:
      'For a visitor: the link’s envelope and the node it points to. 403 once it is revoked, expired or used up.',
    params: linkParams,
    response: z.object({
      kind: nodeKind,
      envelope: linkEnvelope,
      authors: linkAuthors,
      expiresAt: timestamp.nullable(),
      /** Downloads left before the limit; null without one. */
      downloadsLeft: z.number().int().nullable(),
      node: nodeInfo,
    }),
  }),
  linkChildren: route({
    method: 'get',
    path: '/api/l/{id}/nodes/{nodeId}/children',
    auth: 'none',
    tag: 'links',
    summary: 'For a visitor: the live children of a folder under a folder link, a page at a time.',
    params: z.object({ id: linkId, nodeId }),
    query: z.object({ after: nodeId.optional(), limit: queryInt(5000).optional() }),
    response: z.object({ nodes: z.array(nodeInfo), next: nodeId.nullable() }),
  }),
  linkDownload: route({
    method: 'post',
    path: '/api/l/{id}/download',
    auth: 'none',
    tag: 'links',
    summary:
      'For a visitor: one download of a file under the link (counted against its limit), with the current manifest and where its chunks are. With `preview`, a file of at most 32 MiB is fetched for showing on the link page without counting, within the link’s free previews ([Note: Link previews]).',
    params: linkParams,
    body: z
      .object({
        nodeId,
        /** The ticket of a download under way: fresh chunk tokens, not counted again. */
        ticket: z.string().max(200).optional(),
        /** Fetched to show on the link page, not to keep: not counted ([Note: Link previews]). */
        preview: z.boolean().optional(),
      })
      .strict(),
    response: z.object({
      node: nodeInfo,
      chunks: z.array(located),
      ticket: z.string(),
      /** Downloads left after this one; null without a limit. */
      downloadsLeft: z.number().int().nullable(),
    }),
  }),
} as const satisfies Record<string, RouteSpec>;
