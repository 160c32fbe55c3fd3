import { sha256Hex } from '@coffer/crypto';
import { ConflictError, NotFoundError } from '@coffer/errors';
import { HOST, type RouteBody, type RouteResponse } from '@coffer/protocol';
import { sql } from 'kysely';
import type { Caller, Hub } from '../context.ts';
import type { HostRow } from '../db/schema.ts';
import { accessibleChunks } from './access.ts';
import { capability } from './capability.ts';
import { deleteOnHost } from './gc.ts';
import { displayState, inGoodStanding, isOnline, transferTimeoutMs } from './host-state.ts';
import { enqueueJobs } from './jobs.ts';
import { led, periodic } from './periodic.ts';
import { rateLimit } from './rate-limit.ts';
import { forget } from './replicas.ts';

/** Bad-replica reports an account may send per hour: each costs the hub a chunk download. */
const REPORTS_PER_HOUR = 60;

// [Note: Audits]
// Every round, each online host in good standing is asked for `audit.perHost` random chunks
// it holds, whole, with a get token the hub signs for itself. A chunk's id is the SHA-256 of
// its stored bytes, so the hub checks the answer without any key, and a host that lost or
// corrupted the chunk, or never had it, cannot pass: it would have to produce bytes with that
// hash. A failed audit counts against the host, has the host delete its copy and drops that
// replica, so repair restores it from a healthy one (bit rot), on another host if one fits
// ([Note: No copies to a suspect]). `audit.disqualifyAfter` failures in a row disqualify the
// host: none of its replicas count any more, it gets no new data, and repair moves everything.
// A host that cannot be reached is not audited (liveness is the heartbeat's business).
// A failure counts once per copy, whoever found it first. The operator can audit a host now
// (`POST /api/admin/audits`, `coffer admin audit`): one chunk it holds, or a round's picks,
// counted like any audit.

// [Note: Audit interval]
// `audit.intervalMs` defaults to an hour, not a minute. An audit downloads a whole chunk: 4 MiB
// and 20 bytes for a large file's, 4 to 5 MiB for a pack of small files, less only for a file's
// last. At a minute that is about 6 GB a day of upload from every host, more than a home
// link should give away, and for 10,000 hosts 14.4 million chunks (60 TB) a day into the
// hub's workers, 75 times the repair traffic. The hoster network simulation (bench/sim, at
// 60 s, 10 min and 1 h; figures, commands and commits in docs/benchmarks.md) lost no chunk at
// an hour, with the same repair traffic and time below target as at a minute: audits do not
// find dead or departed hosts (heartbeats do) nor honest losses (reconciliation reports them),
// only liars and rot, and a chunk keeps its other copies meanwhile. A liar that drops half its
// data still fails 3 in a row after about 14 audits on average (14 h). What an hour costs: a
// liar's or a rotting disk's bad copies are found later, so with hosts that silently drop 5% of
// their data the chunk-time really held in fewer than 3 countries grew 2.3 times and the
// expected losses from 0.27 to 0.71 a year (of 28 million chunks), none lost; and a new host
// passes vetting's 20 audits in about 20 h. At an hour a host uploads about 100 MB a day for
// audits and the hub downloads about 1 TB a day per 10,000 hosts. An operator who wants bad
// copies found sooner sets a shorter interval; cheaper challenges (a range checked against
// hashes kept at upload) would allow that without the traffic, and are not built.

export interface AuditRound {
  passed: number;
  failed: number;
  disqualified: string[];
}

type Outcome = RouteResponse<'adminAudit'>['audits'][number]['outcome'];

interface Picked {
  chunk_id: string;
  size: number;
}

/** Hosts the rounds audit: online and in good standing. */
const auditable = (hub: Hub, h: HostRow) => inGoodStanding(h) && isOnline(hub, h);

// [Note: Audits as jobs]
// A round is planned by one process (the `audits` lease) and done by all: it queues one
// AUDIT_JOB per auditable host that has none waiting or running ([Note: Job queue]), and every
// worker claims and runs them, so the downloads audits cost spread over the workers. A job
// finds its host again when it runs and audits it only if it is still online and in good
// standing; a second run of the same job audits other random picks, which is harmless.

export const AUDIT_JOB = 'audit-host';

/** Queues an audit of each auditable host that has none queued or running; how many. */
export async function planAudits(hub: Hub): Promise<number> {
  const hosts = (
    await hub.db
      .selectFrom('hosts')
      .selectAll()
      .where('state', 'in', ['active', 'suspended'])
      .execute()
  ).filter((h) => auditable(hub, h));
  const waiting = new Set(
    (
      await hub.db
        .selectFrom('jobs')
        .select('payload')
        .where('kind', '=', AUDIT_JOB)
        .where('state', 'in', ['queued', 'running'])
        .execute()
    ).map((j) => (JSON.parse(j.payload) as { hostId: string }).hostId),
  );
  const due = hosts.filter((h) => !waiting.has(h.id));
  await enqueueJobs(
    hub.db,
    due.map((h) => ({ kind: AUDIT_JOB, payload: { hostId: h.id } })),
    hub.now(),
  );
  return due.length;
}

/** Runs one AUDIT_JOB: audits its host if it is still auditable. */
export async function runAuditJob(
  hub: Hub,
  payload: unknown,
  log: (line: string) => void,
): Promise<AuditRound> {
  const hostId = (payload as { hostId?: unknown } | null)?.hostId;
  if (typeof hostId !== 'string') throw new Error(`${AUDIT_JOB}: no hostId in its payload`);
  const round: AuditRound = { passed: 0, failed: 0, disqualified: [] };
  const host = await hub.db
    .selectFrom('hosts')
    .selectAll()
    .where('id', '=', hostId)
    .executeTakeFirst();
  if (!host || !auditable(hub, host)) return round;
  const r = await auditHost(hub, host, await picksOn(hub, host.id));
  for (const { outcome } of r.outcomes) {
    if (outcome === 'passed') round.passed++;
    else if (outcome === 'failed') round.failed++;
  }
  if (round.failed) log(`audit: host ${host.id}: ${round.passed} passed, ${round.failed} failed`);
  if (r.disqualified) {
    round.disqualified.push(host.id);
    log(`audit: host ${host.id} disqualified`);
  }
  return round;
}

/** `audit.perHost` chunks the hub records on the host, at random; or `chunk`, if it does. */
function picksOn(hub: Hub, hostId: string, chunk?: string): Promise<Picked[]> {
  return hub.db
    .selectFrom('chunk_replicas as r')
    .innerJoin('chunks as c', 'c.id', 'r.chunk_id')
    .select(['r.chunk_id', 'c.size'])
    .where('r.host_id', '=', hostId)
    .$if(chunk !== undefined, (q) => q.where('r.chunk_id', '=', chunk as string))
    .orderBy(sql`random()`)
    .limit(hub.config.audit.perHost)
    .execute();
}

/** Audits the picks on one host in turn and records each outcome; stops at disqualification. */
async function auditHost(hub: Hub, host: HostRow, picks: Picked[]) {
  const outcomes: { chunkId: string; outcome: Outcome }[] = [];
  for (const { chunk_id: chunk, size } of picks) {
    const outcome = await challenge(hub, host, chunk, size);
    outcomes.push({ chunkId: chunk, outcome });
    if (outcome === 'unreachable') continue;
    if (await record(hub, host, chunk, size, outcome)) return { outcomes, disqualified: true };
  }
  return { outcomes, disqualified: false };
}

/**
 * The operator audits a host now: the chunk named, or a round's picks. The outcomes count
 * like a round's; only hosts a round would audit are audited.
 */
export async function adminAudit(
  hub: Hub,
  b: RouteBody<'adminAudit'>,
): Promise<RouteResponse<'adminAudit'>> {
  const host = await hub.db
    .selectFrom('hosts')
    .selectAll()
    .where('id', '=', b.hostId)
    .executeTakeFirst();
  if (!host) throw new NotFoundError('hostId: no such host');
  const picks = await picksOn(hub, host.id, b.chunkId);
  if (b.chunkId && !picks.length) {
    throw new NotFoundError('chunkId: the hub records no copy of it on that host');
  }
  if (!auditable(hub, host)) {
    throw new ConflictError(
      `hostId: the host is ${displayState(hub, host)}; only online hosts in good standing are audited`,
    );
  }
  const r = await auditHost(hub, host, picks);
  return { hostId: host.id, audits: r.outcomes, disqualified: r.disqualified };
}

async function challenge(hub: Hub, host: HostRow, chunk: string, size: number): Promise<Outcome> {
  const token = capability(hub, { host: host.id, op: 'get', chunk, max: size });
  let res: Response;
  try {
    res = await fetch(host.url + HOST.chunkPath(chunk), {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(transferTimeoutMs(hub.config.audit.timeoutMs, size, host)),
    });
  } catch {
    return 'unreachable';
  }
  try {
    if (res.status !== 200) {
      await res.arrayBuffer();
      // A host that answers but cannot produce the chunk has failed; one that is overloaded
      // or restarting has not.
      return res.status === 503 || res.status === 429 ? 'unreachable' : 'failed';
    }
    const bytes = new Uint8Array(await res.arrayBuffer());
    return bytes.length === size && (await sha256Hex(bytes)) === chunk ? 'passed' : 'failed';
  } catch {
    return 'failed';
  }
}

/** Records an outcome; true when it disqualified the host. */
async function record(hub: Hub, host: HostRow, chunk: string, size: number, outcome: Outcome) {
  if (outcome === 'passed') {
    await hub.db
      .updateTable('hosts')
      .set((eb) => ({ audits_passed: eb('audits_passed', '+', 1), failed_streak: 0 }))
      .where('id', '=', host.id)
      .execute();
    return false;
  }
  // The host's copy is bad: have it deleted, so a later repair copy to this host writes fresh
  // bytes instead of finding the chunk "already stored". A liar may ignore this; its audits
  // will keep failing.
  await deleteOnHost(hub, host.id, host.url, chunk);
  // A failure counts once per copy: when an operator's audit and a round fail the same copy
  // at once, only the one that drops the replica counts it.
  if (!(await forget(hub, chunk, host.id, size))) return false;
  const row = await hub.db
    .updateTable('hosts')
    .set((eb) => ({
      audits_failed: eb('audits_failed', '+', 1),
      failed_streak: eb('failed_streak', '+', 1),
    }))
    .where('id', '=', host.id)
    .returning(['failed_streak'])
    .executeTakeFirst();
  if ((row?.failed_streak ?? 0) < hub.config.audit.disqualifyAfter) return false;
  await hub.db
    .updateTable('hosts')
    .set({ state: 'disqualified' })
    .where('id', '=', host.id)
    .execute();
  return true;
}

/**
 * A client found a replica whose bytes do not match its id on read. The client may be wrong or
 * lying, so the hub checks for itself with an audit of that chunk on that host; a bad copy is
 * handled as a failed audit, so repair replaces it now rather than when an audit happens upon it.
 * A good copy is not counted as a passed audit (clients must not vet hosts).
 */
export async function reportChunk(
  hub: Hub,
  c: Caller,
  b: RouteBody<'reportChunk'>,
): Promise<RouteResponse<'reportChunk'>> {
  // An app's reports count on their own, so an app cannot use up its account's.
  const reporter = c.app ? `app:${c.app.id}` : c.accountId;
  await rateLimit(hub, `report:${reporter}`, REPORTS_PER_HOUR, 3_600_000);
  if (!(await accessibleChunks(hub.db, c, [b.chunkId])).has(b.chunkId)) {
    throw new NotFoundError('chunkId: no such chunk in your files');
  }
  const row = await hub.db
    .selectFrom('chunk_replicas as r')
    .innerJoin('hosts as h', 'h.id', 'r.host_id')
    .innerJoin('chunks as c', 'c.id', 'r.chunk_id')
    .selectAll('h')
    .select('c.size as chunk_size')
    .where('r.chunk_id', '=', b.chunkId)
    .where('r.host_id', '=', b.hostId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('hostId: that host holds no copy of this chunk');
  const { chunk_size: size, ...host } = row;
  const outcome = await challenge(hub, host, b.chunkId, size);
  if (outcome === 'unreachable') return { outcome: 'unreachable' };
  if (outcome === 'passed') return { outcome: 'good' };
  await record(hub, host, b.chunkId, size, 'failed');
  return { outcome: 'bad' };
}

/** Plans audit rounds every `audit.intervalMs` ([Note: Audits as jobs]). */
export function startAuditor(hub: Hub, log: (line: string) => void) {
  return periodic(
    'audit',
    hub.config.audit.intervalMs,
    led(hub, 'audits', async () => {
      if ((await planAudits(hub)) > 0) hub.kickJobs();
    }),
    log,
  );
}
