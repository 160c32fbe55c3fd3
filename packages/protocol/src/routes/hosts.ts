import { z } from 'zod';
import { MAX_COPY_REPORT } from '../copy-orders.ts';
import { b64, hostId } from '../schemas.ts';
import { type RouteSpec, route } from './route.ts';
import { hostUsage } from './shapes.ts';

// What hosts send the hub, signed with their host keys, and the hoster's view (tag `hosts`).

export const hostRegistryRoutes = {
  hostHello: route({
    method: 'post',
    path: '/api/hosts/hello',
    auth: 'none',
    tag: 'hosts',
    summary:
      'Registration and heartbeat in one: the host signs its URL, country, capacity and usage with its host key.',
    body: z.object({ hello: z.string().max(8192) }).strict(),
    response: z.object({
      hostId,
      hubPublicKey: b64(64),
      heartbeatMs: z.number().int(),
      /** How often the host should reconcile its store against the hub (hostReconcile). */
      reconcileMs: z.number().int().optional(),
      /** How often the host reports recently stored chunks (hostSweep), and how old they must be. */
      sweep: z
        .object({ intervalMs: z.number().int().positive(), graceMs: z.number().int().min(0) })
        .optional(),
    }),
  }),

  hostExit: route({
    method: 'post',
    path: '/api/hosts/exit',
    auth: 'none',
    tag: 'hosts',
    summary:
      'Graceful exit, signed with the host key: the host gets no new data, its chunks are copied to other hosts, and once none is left it has exited. Idempotent; ask again to follow progress.',
    body: z.object({ exit: z.string().max(8192) }).strict(),
    response: z.object({
      state: z.enum(['exiting', 'exited']),
      /** Chunks still held on this host and not yet copied elsewhere. */
      remaining: z.number().int(),
    }),
  }),

  hostReconcile: route({
    method: 'post',
    path: '/api/hosts/reconcile',
    auth: 'none',
    tag: 'hosts',
    summary:
      'The keep-set, a page at a time, signed with the host key: the chunk ids the hub records on the host after `after`, in id order, in a page signed with the hub key. The host deletes what it holds in that range and the hub does not list (once older than `graceMs`), and reports the listed ids it lacks in its next request; the hub forgets those replicas and repair restores them.',
    body: z.object({ request: z.string().max(600_000) }).strict(),
    /** A keep page (keepPageSchema) signed with the hub key. */
    response: z.object({ page: z.string() }),
  }),
  hostSweep: route({
    method: 'post',
    path: '/api/hosts/sweep',
    auth: 'none',
    tag: 'hosts',
    summary:
      'The orphan sweep, signed with the host key: the host names chunks it stored since its last report (once past the grace period). The answer, signed with the hub key and bound to the request by its nonce, says which to delete (the hub records no copy on this host and no upload in progress holds them) and which to ask about again later (an upload in progress holds them).',
    body: z.object({ report: z.string().max(200_000) }).strict(),
    /** A sweep verdict (sweepVerdictSchema) signed with the hub key. */
    response: z.object({ verdict: z.string() }),
  }),
  hostCopied: route({
    method: 'post',
    path: '/api/hosts/copied',
    auth: 'none',
    tag: 'hosts',
    summary:
      "A copy order's destination reports, signed with its host key, the receipts of the chunks it pulled straight from the source, those it could not copy, and whether it is done with the order ([Note: Direct copies]). The hub checks each receipt against the host's key and records the replicas.",
    body: z.object({ report: z.string().max(MAX_COPY_REPORT) }).strict(),
    response: z.object({
      /** Receipts recorded (chunks of the copy job now done). */
      recorded: z.number().int(),
    }),
  }),
  hostClaim: route({
    method: 'post',
    path: '/api/hosts/claim',
    auth: 'session',
    tag: 'hosts',
    summary:
      "Links a host to your account, for the hoster dashboard. The claim names your account and is signed with the host's key (`coffer host claim`).",
    body: z.object({ claim: z.string().max(8192) }).strict(),
    response: z.object({ hostId }),
  }),
  myHosts: route({
    method: 'get',
    path: '/api/hosts/mine',
    auth: 'session',
    tag: 'hosts',
    summary: 'The hosts you claimed: state, storage, audits, uptime and traffic.',
    response: z.object({ hosts: z.array(z.object(hostUsage)) }),
  }),
} as const satisfies Record<string, RouteSpec>;
