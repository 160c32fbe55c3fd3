import { z } from 'zod';
import { b64, byteCount } from '../schemas.ts';
import { type RouteSpec, route } from './route.ts';
import { placementPolicy } from './shapes.ts';

// Liveness, readiness and what the hub is (tag `meta`).

const readiness = z.object({
  ready: z.boolean(),
  /** When not ready: what is missing, in words. */
  reason: z.string().optional(),
});

export const metaRoutes = {
  health: route({
    method: 'get',
    path: '/api/health',
    auth: 'none',
    tag: 'meta',
    summary: 'Liveness: 200 whenever the hub process serves requests, hosts or not.',
    response: z.object({ ok: z.literal(true) }),
  }),
  ready: route({
    method: 'get',
    path: '/api/ready',
    auth: 'none',
    tag: 'meta',
    summary:
      "Readiness: 200 `{ready: true}` once an upload can be placed under the network's placement policy (enough online, approved hosts with room, in enough distinct countries); 503 `{ready: false, reason}` naming what is missing. For load balancers and start-up scripts.",
    response: readiness,
    otherStatus: {
      status: 503,
      description: 'Not ready: `reason` says what is missing.',
      when: (answer) => (answer as { ready?: boolean }).ready === false,
    },
  }),
  info: route({
    method: 'get',
    path: '/api/info',
    auth: 'none',
    tag: 'meta',
    summary: "The hub's public key (capability tokens) and its placement policy.",
    response: z.object({
      name: z.literal('coffer-hub'),
      version: z.string(),
      hubPublicKey: b64(64),
      policy: placementPolicy,
      maxChunkSize: byteCount,
    }),
  }),
} as const satisfies Record<string, RouteSpec>;
