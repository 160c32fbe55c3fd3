import type { Kysely } from 'kysely';
import type { Database } from '../db/index.ts';
import { slices } from '../db/slices.ts';
import { newRecordId } from './ids.ts';

// [Note: Job queue]
// Work that any worker may do, one piece at a time, goes through the `jobs` table: a planner
// (one process, under its loop's lease, [Note: Leases]) queues jobs, and every process that
// runs loops claims them, a few at a time. A claim marks a job running with the claimer's name
// and a lease of JOB_LEASE_MS, in one statement; on PostgreSQL the rows are picked with
// `FOR UPDATE SKIP LOCKED`, so claimers never wait on each other and never get the same job.
// Each claim counts in `attempts`. A job whose claimer died (its lease ran out without it
// finishing) is claimed again by whoever asks next, unless it has had MAX_ATTEMPTS claims
// already: a job that kills its worker every time is marked failed rather than taking down
// worker after worker forever. The claimer renews the leases of the jobs it is running every
// JOB_RENEW_MS, so a long job is not taken from a live worker; it renews only the jobs it
// holds in memory, so a job whose end it could not record (the database away) is not kept
// "running" for good: its lease runs out and it is claimed again. Finishing
// checks the claim is still ours (holder and attempt: a process may claim a job again after its
// own claim lapsed), so a worker that lost its lease (stalled past it) does not overwrite the
// new claimer's outcome. A job that throws is queued again after a backoff, up
// to MAX_ATTEMPTS, then kept as failed with its error. Finished jobs are deleted after a day.
// Handlers must be safe to run twice: a worker killed after doing a job's work but before
// recording it leaves it to be done again.

export const JOB_LEASE_MS = 120_000;
export const JOB_RENEW_MS = 30_000;
export const MAX_ATTEMPTS = 5;
const KEEP_FINISHED_MS = 86_400_000;

export interface ClaimedJob {
  id: string;
  kind: string;
  payload: unknown;
  attempts: number;
}

export type JobHandler = (payload: unknown) => Promise<void>;

/** Queues jobs to run from `runAfter` (now by default). */
export async function enqueueJobs(
  db: Kysely<Database>,
  jobs: readonly { kind: string; payload: unknown; runAfter?: number }[],
  now: number,
): Promise<void> {
  for (const part of slices(jobs)) {
    await db
      .insertInto('jobs')
      .values(
        part.map((j) => ({
          id: newRecordId(),
          kind: j.kind,
          payload: JSON.stringify(j.payload),
          state: 'queued' as const,
          attempts: 0,
          run_after: j.runAfter ?? now,
          holder: null,
          lease_expires_at: null,
          error: null,
          created_at: now,
          finished_at: null,
        })),
      )
      .execute();
  }
}

/** Claims up to `max` jobs of `kinds` that are due, or whose claimer's lease ran out. */
export async function claimJobs(
  db: Kysely<Database>,
  dialect: 'sqlite' | 'postgres',
  holder: string,
  kinds: readonly string[],
  max: number,
  now: number,
): Promise<ClaimedJob[]> {
  if (max <= 0 || kinds.length === 0) return [];
  await db
    .updateTable('jobs')
    .set({
      state: 'failed',
      finished_at: now,
      lease_expires_at: null,
      error: `its claimer stopped before finishing it, ${MAX_ATTEMPTS} times`,
    })
    .where('state', '=', 'running')
    .where('kind', 'in', [...kinds])
    .where('lease_expires_at', '<', now)
    .where('attempts', '>=', MAX_ATTEMPTS)
    .execute();
  const rows = await db
    .updateTable('jobs')
    .set((eb) => ({
      state: 'running' as const,
      holder,
      lease_expires_at: now + JOB_LEASE_MS,
      attempts: eb('attempts', '+', 1),
    }))
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('jobs')
        .select('id')
        .where('kind', 'in', [...kinds])
        .where((w) =>
          w.or([
            w.and([w('state', '=', 'queued'), w('run_after', '<=', now)]),
            w.and([
              w('state', '=', 'running'),
              w('lease_expires_at', '<', now),
              w('attempts', '<', MAX_ATTEMPTS),
            ]),
          ]),
        )
        .orderBy('run_after')
        .limit(max)
        .$if(dialect === 'postgres', (q) => q.forUpdate().skipLocked()),
    )
    .returning(['id', 'kind', 'payload', 'attempts'])
    .execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    payload: JSON.parse(r.payload),
    attempts: Number(r.attempts),
  }));
}

/** A claim: the job, and which of its claims (a process may claim one job again). */
export type Claim = Pick<ClaimedJob, 'id' | 'attempts'>;

/** Records a job's end, if the claim is still `holder`'s; false when it is not. */
export async function finishJob(
  db: Kysely<Database>,
  claim: Claim,
  holder: string,
  now: number,
  error?: string,
): Promise<boolean> {
  const { id, attempts } = claim;
  const retry = error !== undefined && attempts < MAX_ATTEMPTS;
  const r = await db
    .updateTable('jobs')
    .set(
      error === undefined
        ? { state: 'done', finished_at: now, lease_expires_at: null, error: null }
        : retry
          ? {
              state: 'queued',
              run_after: now + 1000 * 2 ** attempts,
              lease_expires_at: null,
              error,
            }
          : { state: 'failed', finished_at: now, lease_expires_at: null, error },
    )
    .where('id', '=', id)
    .where('attempts', '=', attempts)
    .where('holder', '=', holder)
    .where('state', '=', 'running')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Extends the leases of the claims `holder` is running. */
export async function renewJobs(
  db: Kysely<Database>,
  holder: string,
  claims: readonly Claim[],
  now: number,
) {
  for (const some of slices(claims)) {
    await db
      .updateTable('jobs')
      .set({ lease_expires_at: now + JOB_LEASE_MS })
      .where((eb) =>
        eb(
          eb.refTuple('id', 'attempts'),
          'in',
          some.map((c) => eb.tuple(c.id, c.attempts)),
        ),
      )
      .where('holder', '=', holder)
      .where('state', '=', 'running')
      .execute();
  }
}

const FINISH_TRIES = 3;

/**
 * Claims and runs jobs of the kinds `handlers` knows, up to `concurrency` at once, looking for
 * more every `pollMs` while idle and at once after each job ([Note: Job queue]).
 */
export function startJobRunner(o: {
  db: Kysely<Database>;
  dialect: 'sqlite' | 'postgres';
  holder: string;
  handlers: Record<string, JobHandler>;
  now: () => number;
  log: (line: string) => void;
  concurrency?: number;
  pollMs?: number;
}) {
  const concurrency = o.concurrency ?? 8;
  const kinds = Object.keys(o.handlers);
  const running = new Set<Promise<void>>();
  /** The claims being run, by id and attempt. */
  const claims = new Map<string, Claim>();
  const claimKey = (c: Claim) => `${c.id}:${c.attempts}`;
  let filling: Promise<void> | null = null;
  let stopped = false;
  let lastRenew = o.now();
  let lastPrune = 0;

  const run = async (job: ClaimedJob) => {
    let error: string | undefined;
    try {
      await (o.handlers[job.kind] as JobHandler)(job.payload);
    } catch (e) {
      error = (e as Error).message || String(e);
      o.log(`jobs: ${job.kind} ${job.id} (attempt ${job.attempts}): ${error}`);
    }
    try {
      for (let tries = 1; ; tries++) {
        try {
          if (!(await finishJob(o.db, job, o.holder, o.now(), error))) {
            o.log(`jobs: ${job.kind} ${job.id}: its claim was lost before it finished`);
          }
          return;
        } catch (e) {
          if (tries >= FINISH_TRIES || stopped) throw e;
          await new Promise((r) => setTimeout(r, 1000 * tries));
        }
      }
    } finally {
      claims.delete(claimKey(job));
    }
  };

  const fillOnce = async () => {
    const now = o.now();
    if (now - lastRenew >= JOB_RENEW_MS) {
      lastRenew = now;
      await renewJobs(o.db, o.holder, [...claims.values()], now);
    }
    if (now - lastPrune >= 600_000) {
      lastPrune = now;
      await o.db
        .deleteFrom('jobs')
        .where('state', 'in', ['done', 'failed'])
        .where('finished_at', '<', now - KEEP_FINISHED_MS)
        .execute();
    }
    for (;;) {
      if (stopped) return;
      const free = concurrency - running.size;
      const jobs = await claimJobs(o.db, o.dialect, o.holder, kinds, free, o.now());
      for (const job of jobs) {
        claims.set(claimKey(job), { id: job.id, attempts: job.attempts });
        const p: Promise<void> = run(job)
          .catch((e) => o.log(`jobs: ${(e as Error).message}`))
          .finally(() => {
            running.delete(p);
            fill();
          });
        running.add(p);
      }
      if (jobs.length === 0 || jobs.length < free) return;
    }
  };
  const fill = () => {
    if (stopped || filling) return;
    filling = fillOnce()
      .catch((e) => o.log(`jobs: ${(e as Error).message}`))
      .finally(() => {
        filling = null;
      });
  };
  const timer = setInterval(fill, o.pollMs ?? 500);
  timer.unref();
  fill();
  return {
    /** Looks for jobs now (after queuing some). */
    kick: fill,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await filling;
      await Promise.all(running);
    },
  };
}
