import { z } from 'zod';
import { b64, byteCount } from '../schemas.ts';
import { type RouteSpec, route } from './route.ts';
import { placementPolicy } from './shapes.ts';

// Readiness and what the hub is (tag `meta`).

export const metaRoutes = {
  health: route({
    method: 'get',
    path: '/api/health',
    auth: 'none',
    tag: 'meta',
    summary: 'Readiness: 200 once the hub can serve requests.',
    response: z.object({ ok: z.literal(true) }),
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
