import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '@coffer/errors';
import { parseSize, placementPolicy, schemas } from '@coffer/protocol';
import { z } from 'zod';

const databaseConfig = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sqlite'), path: z.string().min(1) }).strict(),
  z
    .object({
      kind: z.literal('postgres'),
      url: z.string().startsWith('postgres', 'expected a postgres:// URL'),
      schema: z.string().optional(),
    })
    .strict(),
]);

/**
 * Copies of every chunk, each in another country, unless the operator's `placement` says
 * otherwise. Three, not two: [Note: Three replicas by default] in docs/architecture.md (bench/sim
 * lost chunks at two under a year of churn on 10,000 hosts, none at three).
 */
export const DEFAULT_REPLICAS = 3;

/** The hub's config file (JSON). Every field has a default except where data lives. */
export const hubConfigSchema = z
  .object({
    dataDir: z.string().min(1),
    port: z.number().int().min(0).max(65535).default(4000),
    bind: z.string().default('127.0.0.1'),
    /** How clients and hosts reach the hub; defaults to http://bind:port (https with tls). */
    publicUrl: schemas.httpUrl.optional(),
    /** Serve HTTPS: PEM files of the certificate (chain) and its private key. */
    tls: z
      .object({ cert: z.string().min(1), key: z.string().min(1) })
      .strict()
      .optional(),
    /**
     * The most an account may store (its files, their versions and its trash), as bytes or a
     * size such as "10GiB"; uploads past it are refused with a QuotaError. Absent: unlimited.
     */
    accountQuota: z
      .union([z.number(), z.string()])
      .transform((v, ctx) => {
        try {
          return parseSize(v, 'accountQuota');
        } catch {
          ctx.addIssue({ code: 'custom', message: 'expected bytes or a size such as 10GiB' });
          return z.NEVER;
        }
      })
      .optional(),
    /** A "Support this network" link shown to signed-in users (web app, `coffer whoami`). */
    donationUrl: schemas.httpUrl
      .refine((u) => u.startsWith('https://'), 'expected an https:// URL')
      .optional(),
    /** Default: SQLite at dataDir/hub.sqlite. */
    database: databaseConfig.optional(),
    /** What this process does ([Note: Hub roles] in roles.ts): api, worker, or all of it. */
    role: z.enum(['api', 'worker', 'all']).default('all'),
    placement: placementPolicy.default({ replicas: DEFAULT_REPLICAS }),
    sessionTtlHours: z
      .number()
      .positive()
      .default(24 * 30),
    tokenTtlSeconds: z.number().int().min(10).default(3600),
    /** An upload not committed within this many hours expires, and its chunks are collected. */
    uploadTtlHours: z.number().positive().default(24),
    heartbeatMs: z.number().int().min(100).default(10_000),
    offlineAfterMs: z.number().int().min(100).default(60_000),
    login: z
      .object({
        perEmail: z.number().int().min(1).default(10),
        perAddress: z.number().int().min(1).default(100),
        windowSeconds: z.number().int().min(1).default(900),
      })
      .strict()
      .default({ perEmail: 10, perAddress: 100, windowSeconds: 900 }),
    /** Apps: the device flow ([Note: Guessing user codes] in services/app-limits.ts). */
    apps: z
      .object({
        /** Failed user-code look-ups the whole network allows per window. */
        failedCodes: z.number().int().min(1).default(500),
        failedCodesWindowSeconds: z.number().int().min(1).default(3600),
        /** App requests alive at once from one client address (an IPv6 /64). */
        pendingPerAddress: z.number().int().min(1).default(10),
        /**
         * Capability tokens issued to an app token live this long (at most tokenTtlSeconds),
         * the window a revoked app keeps ([Note: Capabilities for apps]).
         */
        capabilityTtlSeconds: z.number().int().min(10).default(300),
      })
      .strict()
      .default({
        failedCodes: 500,
        failedCodesWindowSeconds: 3600,
        pendingPerAddress: 10,
        capabilityTtlSeconds: 300,
      }),
    /**
     * The second factor ([Note: Second factor on the hub]): after `backoffAfter` wrong codes in
     * a row each attempt waits `backoffMs`, doubling; after `lockoutAfter` the account's codes
     * are refused for `lockoutMinutes` (a recovery code still works). `issuer` names the network
     * in authenticator apps. `keyFile`: where the key that seals TOTP secrets lives (32 bytes,
     * base64url, made when missing), so a copy of the database alone does not open them; every
     * hub process of the network must read the same. When absent the key is a row of
     * `hub_secrets`, in the database beside what it seals.
     */
    secondFactor: z
      .object({
        issuer: z.string().min(1).max(60).default('Coffer'),
        backoffAfter: z.number().int().min(1).default(5),
        backoffMs: z.number().int().min(1).default(2000),
        lockoutAfter: z.number().int().min(2).default(10),
        lockoutMinutes: z.number().positive().default(15),
        keyFile: z.string().min(1).optional(),
      })
      .strict()
      .default({
        issuer: 'Coffer',
        backoffAfter: 5,
        backoffMs: 2000,
        lockoutAfter: 10,
        lockoutMinutes: 15,
      }),
    /**
     * manual: a new host waits in the pending state for `coffer admin hosts approve ID`;
     * auto: it takes data as soon as it says hello.
     */
    hostApproval: z.enum(['auto', 'manual']).default('manual'),
    /** Garbage collection of purged and abandoned chunks on the hosts. */
    gc: z
      .object({
        intervalMs: z.number().int().min(100).default(60_000),
        /** Chunks per round. */
        batch: z.number().int().min(1).max(100_000).default(1000),
      })
      .strict()
      .default({ intervalMs: 60_000, batch: 1000 }),
    /** Repair of chunks below their replica target ([Note: Repair]). */
    repair: z
      .object({
        intervalMs: z.number().int().min(100).default(30_000),
        /** A host not seen for this long is lost: its replicas stop counting. */
        lostAfterMs: z
          .number()
          .int()
          .min(100)
          .default(4 * 3_600_000),
        /** Chunks per round: the repair rate limit. */
        batch: z.number().int().min(1).max(100_000).default(100),
      })
      .strict()
      .default({ intervalMs: 30_000, lostAfterMs: 4 * 3_600_000, batch: 100 }),
    /** Proofs that hosts still hold what they stored ([Note: Audits]). */
    audit: z
      .object({
        /** An hour: at a minute, audit downloads were 75x repair traffic ([Note: Audit interval]). */
        intervalMs: z.number().int().min(100).default(3_600_000),
        /** Chunks checked per host per round, each downloaded whole and hashed. */
        perHost: z.number().int().min(1).max(1000).default(1),
        timeoutMs: z.number().int().min(100).default(30_000),
        /** Failed audits in a row that disqualify a host. */
        disqualifyAfter: z.number().int().min(1).default(3),
      })
      .strict()
      .default({ intervalMs: 3_600_000, perHost: 1, timeoutMs: 30_000, disqualifyAfter: 3 }),
    /**
     * A new host is unvetted until it has passed `audits` audits; until then it takes about
     * `share` of new chunks (more only when vetted hosts cannot satisfy the policy).
     */
    vetting: z
      .object({
        audits: z.number().int().min(0).default(20),
        share: z.number().min(0).max(1).default(0.05),
      })
      .strict()
      .default({ audits: 20, share: 0.05 }),
    /** Hosts compare their stores with the hub's records ([Note: Reconciliation]). */
    reconcile: z
      .object({
        intervalMs: z.number().int().min(100).default(86_400_000),
        /** Chunks stored more recently than this are kept: their receipts may be on the way. */
        graceMs: z
          .number()
          .int()
          .min(0)
          .default(6 * 3_600_000),
      })
      .strict()
      .default({ intervalMs: 86_400_000, graceMs: 6 * 3_600_000 }),
    /** Hosts report the chunks they stored lately; the hub names the orphans ([Note: Orphan sweep]). */
    orphans: z
      .object({
        intervalMs: z
          .number()
          .int()
          .min(100)
          .default(20 * 60_000),
        /** Chunks stored more recently than this are not reported yet. */
        graceMs: z
          .number()
          .int()
          .min(0)
          .default(10 * 60_000),
      })
      .strict()
      .default({ intervalMs: 20 * 60_000, graceMs: 10 * 60_000 }),
    /**
     * Addresses of reverse proxies in front of the hub. A request from one of them is
     * counted against the client address it names in X-Forwarded-For (login and sign-up
     * limits); from anywhere else the header is ignored, so clients cannot pick an address.
     */
    trustedProxies: z.array(z.ipv4().or(z.ipv6())).max(64).default([]),
    /** Direct host-to-host copies ([Note: Direct copies] in protocol/src/copy-orders.ts). */
    copies: z
      .object({
        /** How often jobs are looked at (a new order, a nudge); reports and new jobs kick it. */
        intervalMs: z.number().int().min(50).default(2_000),
        /** A copy order expires this long after it is signed. */
        orderTtlMs: z
          .number()
          .int()
          .min(1_000)
          .max(3_600_000)
          .default(5 * 60_000),
        /** A running order the destination has not reported on for this long is delivered again. */
        nudgeMs: z.number().int().min(100).default(15_000),
        /** A job that copies nothing for this long fails. */
        giveUpMs: z.number().int().min(1_000).default(86_400_000),
        /** A finished job's progress stays readable this long, then the job is deleted. */
        keepFinishedMs: z.number().int().min(0).default(86_400_000),
      })
      .strict()
      .default({
        intervalMs: 2_000,
        orderTtlMs: 5 * 60_000,
        nudgeMs: 15_000,
        giveUpMs: 86_400_000,
        keepFinishedMs: 86_400_000,
      }),
    /** Auto-mirror ([Note: Auto-mirror] in services/mirrors.ts); a new shelf entry kicks it. */
    mirrors: z
      .object({
        /** How often subscriptions are looked at for new entries, evictions and resumes. */
        intervalMs: z.number().int().min(50).default(5_000),
      })
      .strict()
      .default({ intervalMs: 5_000 }),
    /** Samples of the network for the operator's charts. */
    history: z
      .object({
        intervalMs: z.number().int().min(100).default(300_000),
        keepDays: z.number().positive().default(90),
      })
      .strict()
      .default({ intervalMs: 300_000, keepDays: 90 }),
    /** The built web app (packages/web/dist), served at /. Without it / explains the CLI. */
    webDir: z.string().optional(),
    /** Where the operator token is kept; created (0600) on first start. */
    operatorTokenFile: z.string().optional(),
  })
  .strict();

export type HubConfig = z.output<typeof hubConfigSchema>;
export type HubConfigInput = z.input<typeof hubConfigSchema>;

export function parseHubConfig(input: unknown, source = 'config'): HubConfig {
  return schemas.parseOrThrow(hubConfigSchema, input, source);
}

/** Reads a config file and lays `overrides` (from command-line flags) over it. */
export function loadHubConfig(file: string | undefined, overrides: Partial<HubConfigInput>) {
  let fromFile: Record<string, unknown> = {};
  if (file) {
    try {
      fromFile = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new ValidationError('config', `cannot read ${file} as JSON: ${(e as Error).message}`);
    }
  }
  return parseHubConfig({ ...fromFile, ...overrides }, file ?? 'config');
}

export const databaseOf = (c: HubConfig) =>
  c.database ?? { kind: 'sqlite' as const, path: join(c.dataDir, 'hub.sqlite') };
