import { z } from 'zod';
import {
  byteCount,
  chunkId,
  country,
  hostId,
  hostTags,
  queryInt,
  recordId,
  timestamp,
} from '../schemas.ts';
import { type RouteSpec, route } from './route.ts';
import { hostState, hostUsage, nodeParams } from './shapes.ts';

// The operator's routes (tag `admin`).

/** Chunks in one copy job. */
export const MAX_COPY_JOB_CHUNKS = 20_000;

/** A copy job's progress ([Note: Direct copies]): what a progress bar polls. */
export const copyProgress = z.object({
  id: recordId,
  state: z.enum(['running', 'done', 'failed']),
  source: hostId,
  destination: hostId,
  chunks: z.object({ done: z.number().int(), total: z.number().int() }),
  bytes: z.object({ done: byteCount, total: byteCount }),
  /** Orders issued so far: more than one when the copy resumed or was long. */
  orders: z.number().int(),
  createdAt: timestamp,
  finishedAt: timestamp.nullable(),
  /** Why the last attempt fell short, or why the job failed. */
  lastError: z.string().nullable(),
});
export type CopyProgress = z.infer<typeof copyProgress>;

export const adminRoutes = {
  adminHosts: route({
    method: 'get',
    path: '/api/admin/hosts',
    auth: 'operator',
    tag: 'admin',
    summary: 'Every registered host, with its state and usage.',
    response: z.object({
      hosts: z.array(
        z.object({
          ...hostUsage,
          /** The country the host declares, when the operator set another one. */
          declaredCountry: country.nullable(),
          countryConfirmed: z.boolean(),
          tags: hostTags,
          tagsConfirmed: z.boolean(),
          online: z.boolean(),
        }),
      ),
    }),
  }),
  adminUpdateHost: route({
    method: 'patch',
    path: '/api/admin/hosts/{id}',
    auth: 'operator',
    tag: 'admin',
    summary:
      "Confirms or sets a host's country and tags (the host can no longer change them), or suspends it (no new data) and lifts the suspension.",
    params: z.object({ id: hostId }),
    body: z
      .object({
        country: country.optional(),
        tags: hostTags.optional(),
        suspended: z.boolean().optional(),
      })
      .strict(),
    response: z.object({
      id: hostId,
      state: hostState,
      country,
      tags: hostTags,
    }),
  }),
  adminApproveHost: route({
    method: 'post',
    path: '/api/admin/hosts/{id}/approve',
    auth: 'operator',
    tag: 'admin',
    summary: 'Lets a pending host take data (with `hostApproval: manual` in the hub config).',
    params: z.object({ id: hostId }),
    response: z.object({ id: hostId, state: z.literal('active') }),
  }),
  adminAudit: route({
    method: 'post',
    path: '/api/admin/audits',
    auth: 'operator',
    tag: 'admin',
    summary:
      'Audits a host now ([Note: Audits]) rather than when the rounds happen upon it: the chunk named, or `audit.perHost` chunks it holds, as a round picks them. The outcomes count as any audit does (a failed one drops that copy, so repair restores it). Only online hosts in good standing are audited (409 otherwise).',
    body: z.object({ hostId, chunkId: chunkId.optional() }).strict(),
    response: z.object({
      hostId,
      audits: z.array(z.object({ chunkId, outcome: z.enum(['passed', 'failed', 'unreachable']) })),
      /** The failures disqualified the host. */
      disqualified: z.boolean(),
    }),
  }),
  adminStats: route({
    method: 'get',
    path: '/api/admin/stats',
    auth: 'operator',
    tag: 'admin',
    summary: 'Counts across the network.',
    response: z.object({
      accounts: z.number().int(),
      files: z.number().int(),
      folders: z.number().int(),
      revisions: z.number().int(),
      chunks: z.number().int(),
      storedBytes: byteCount,
      hosts: z.number().int(),
      hostsOnline: z.number().int(),
      capacity: byteCount,
      /**
       * The real disks under the hosts ([Note: Declared and real space]), from the hosts that
       * report them; hosts on one machine that report the same disk count it once.
       */
      disk: z.object({
        freeBytes: byteCount,
        sizeBytes: byteCount,
        /** Hosts that reported their disk (older hosts do not). */
        reporting: z.number().int(),
        /** Hosts whose declared capacity, less what they store, exceeds their free space. */
        overcommitted: z.number().int(),
      }),
      repair: z.object({
        /** Chunks below target found by the last round (at most one round's batch). */
        underReplicated: z.number().int(),
        copiedLastRound: z.number().int(),
        failedLastRound: z.number().int(),
        copiedTotal: z.number().int(),
        lastRoundAt: timestamp.nullable(),
      }),
      /**
       * Each host's bytes three ways ([Note: Accounting] in the hub's services/accounting.ts):
       * the hub's running figure, the sum of its replica records, and what the host reported
       * holding in its last hello. `agrees` is false when they differ.
       */
      accounting: z.array(
        z.object({
          id: hostId,
          country,
          storedBytes: byteCount,
          replicaBytes: byteCount,
          reportedBytes: byteCount,
          reportedAt: timestamp,
          agrees: z.boolean(),
          /** Since when the figures have differed, as far as this hub has seen; null: they agree. */
          differsSince: timestamp.nullable(),
          /**
           * They have differed for longer than chunks in flight and orphans awaiting the sweep
           * explain: a drift to look into, which the operator's dashboard warns about.
           */
          lasting: z.boolean(),
        }),
      ),
      /** Hosts whose figures differ. */
      drifting: z.number().int(),
    }),
  }),
  adminHistory: route({
    method: 'get',
    path: '/api/admin/history',
    auth: 'operator',
    tag: 'admin',
    summary:
      'Samples of the network over time (one every `history.intervalMs`), oldest first: hosts, capacity, usage, counts and repair.',
    query: z.object({ since: queryInt(Number.MAX_SAFE_INTEGER).optional() }).strict(),
    response: z.object({
      points: z.array(
        z.object({
          at: timestamp,
          hosts: z.number().int(),
          hostsOnline: z.number().int(),
          capacity: byteCount,
          storedBytes: byteCount,
          accounts: z.number().int(),
          files: z.number().int(),
          chunks: z.number().int(),
          /** Live chunks below their target. */
          underReplicated: z.number().int(),
          /** Of those, chunks repair can work on now (a copy is online). */
          repairQueue: z.number().int(),
          /** Repair copies made since the previous sample. */
          copied: z.number().int(),
        }),
      ),
    }),
  }),
  adminCreateCopy: route({
    method: 'post',
    path: '/api/admin/copies',
    auth: 'operator',
    tag: 'admin',
    summary:
      'Starts a direct copy of chunks from one host to another, host to host: the hub orders the destination to pull them from the source and records the copies from its receipts. For operators and tests; groups order copies through their own routes.',
    body: z
      .object({
        source: hostId,
        destination: hostId,
        chunks: z
          .array(z.object({ id: chunkId, size: byteCount }).strict())
          .min(1)
          .max(MAX_COPY_JOB_CHUNKS),
      })
      .strict(),
    response: copyProgress,
  }),
  adminCopy: route({
    method: 'get',
    path: '/api/admin/copies/{id}',
    auth: 'operator',
    tag: 'admin',
    summary: "A copy job's progress: chunks and bytes done of the total, and its state.",
    params: z.object({ id: recordId }),
    response: copyProgress,
  }),
  adminPlacement: route({
    method: 'get',
    path: '/api/admin/placement/{id}',
    auth: 'operator',
    tag: 'admin',
    summary: "Where every chunk of a file's current revision is stored.",
    params: nodeParams,
    response: z.object({
      chunks: z.array(z.object({ id: chunkId, hosts: z.array(z.object({ id: hostId, country })) })),
    }),
  }),
} as const satisfies Record<string, RouteSpec>;
