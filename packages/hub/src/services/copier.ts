import {
  COPY_ORDER_CHUNKS,
  COPY_ORDER_LABEL,
  type CopyOrder,
  fromErrorBody,
  HOST,
  signMessage,
} from '@coffer/protocol';
import type { Hub } from '../context.ts';
import type { CopyJobRow, HostRow } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { finishJob } from './copy-orders.ts';
import { hostKeys, isOnline } from './host-state.ts';
import { newRecordId } from './ids.ts';
import { led } from './periodic.ts';
import { startRounds } from './rounds.ts';

// The copier: for each running copy job, a signed order for the chunks that remain, delivered
// to the destination ([Note: Direct copies] in protocol/src/copy-orders.ts). An order ends when
// the destination reports it is done with it, or when it expires; then the next one is issued,
// at once if the last one copied something, else after a pause that doubles with each attempt
// that copied nothing. An order the destination has not reported on for `copies.nudgeMs` is
// delivered again: the destination takes a delivery of an order it is working on as a no-op,
// and one it has forgotten (it restarted) as a fresh start, skipping the chunks it holds. While
// either host is offline the job waits. It fails when either host leaves the network, or after
// `copies.giveUpMs` without progress.

const JOBS_PER_ROUND = 100;
const PARALLEL = 4;
const DELIVERY_TIMEOUT_MS = 10_000;
const MAX_BACKOFF_MS = 5 * 60_000;

type Job = CopyJobRow;

export type Step =
  | { kind: 'wait'; until?: number }
  | { kind: 'nudge' }
  | { kind: 'issue'; stalled: boolean }
  | { kind: 'fail'; why: string };

type HostFacts = Pick<HostRow, 'state'> & { online: boolean };

/** What the copier does with a running job now: pure, for the round and its tests. */
export function nextStep(
  job: Pick<
    Job,
    | 'order_id'
    | 'order_ends_at'
    | 'touched_at'
    | 'progress_at'
    | 'orders'
    | 'chunks_done'
    | 'done_at_order'
    | 'stalls'
  >,
  source: HostFacts | undefined,
  destination: HostFacts | undefined,
  now: number,
  c: { intervalMs: number; nudgeMs: number; giveUpMs: number },
): Step {
  if (!source || source.state === 'exited')
    return { kind: 'fail', why: 'the source left the network' };
  if (!destination || ['exiting', 'exited', 'disqualified'].includes(destination.state)) {
    return { kind: 'fail', why: 'the destination left the network' };
  }
  const current = job.order_id !== null && (job.order_ends_at ?? 0) > now;
  if (current) {
    return now - job.touched_at >= c.nudgeMs && source.online && destination.online
      ? { kind: 'nudge' }
      : { kind: 'wait' };
  }
  if (now - job.progress_at >= c.giveUpMs) {
    return { kind: 'fail', why: `nothing copied for ${Math.round(c.giveUpMs / 60_000)} min` };
  }
  if (!source.online || !destination.online) return { kind: 'wait' };
  const stalled = Number(job.orders) > 0 && Number(job.chunks_done) === Number(job.done_at_order);
  if (stalled) {
    const pause = Math.min(c.intervalMs * 2 ** Number(job.stalls), MAX_BACKOFF_MS);
    const at = (job.order_ends_at ?? 0) + pause;
    if (now < at) return { kind: 'wait', until: at };
  }
  return { kind: 'issue', stalled };
}

/** One round: finished jobs past their keep time go, running jobs get orders and nudges. */
export async function copyRound(hub: Hub): Promise<void> {
  const now = hub.now();
  const c = hub.config.copies;
  const old = hub.db
    .selectFrom('copy_jobs')
    .select('id')
    .where('state', '!=', 'running')
    .where('finished_at', '<', now - c.keepFinishedMs);
  await hub.db.deleteFrom('copy_job_chunks').where('job_id', 'in', old).execute();
  await hub.db
    .deleteFrom('copy_jobs')
    .where('state', '!=', 'running')
    .where('finished_at', '<', now - c.keepFinishedMs)
    .execute();
  const jobs = await hub.db
    .selectFrom('copy_jobs')
    .selectAll()
    .where('state', '=', 'running')
    .where('next_try_at', '<=', now)
    .where((eb) =>
      eb.or([
        eb('order_id', 'is', null),
        eb('order_ends_at', '<=', now),
        eb('touched_at', '<=', now - c.nudgeMs),
      ]),
    )
    .orderBy('touched_at')
    .limit(JOBS_PER_ROUND)
    .execute();
  const hosts = await hostKeys(hub, [
    ...new Set(jobs.flatMap((j) => [j.source_id, j.destination_id])),
  ]);
  const facts = (id: string) => {
    const h = hosts.get(id);
    return h && { state: h.state, online: isOnline(hub, h) };
  };
  const queue = [...jobs];
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      for (let job = queue.shift(); job && hub.leads('copier'); job = queue.shift()) {
        const step = nextStep(job, facts(job.source_id), facts(job.destination_id), now, c);
        const source = hosts.get(job.source_id);
        const destination = hosts.get(job.destination_id);
        if (step.kind === 'fail') {
          await inTransaction(hub.db, (tx) => finishJob(tx, job.id, 'failed', now, step.why));
        } else if (step.kind === 'wait' && step.until !== undefined) {
          await hub.db
            .updateTable('copy_jobs')
            .set({ next_try_at: step.until })
            .where('id', '=', job.id)
            .execute();
        } else if (step.kind === 'nudge' && job.order_text && destination) {
          await deliver(hub, job.id, job.order_text, destination);
        } else if (step.kind === 'issue' && source && destination) {
          await issue(hub, job, step.stalled, source, destination);
        }
      }
    }),
  );
}

/** Signs the next order of a job (if no other hub process got there first) and delivers it. */
async function issue(hub: Hub, job: Job, stalled: boolean, source: HostRow, dest: HostRow) {
  const chunks = await hub.db
    .selectFrom('copy_job_chunks')
    .select(['chunk_id', 'size'])
    .where('job_id', '=', job.id)
    .where('done', '=', 0)
    .orderBy('position')
    .limit(COPY_ORDER_CHUNKS)
    .execute();
  const now = hub.now();
  if (chunks.length === 0) {
    await inTransaction(hub.db, (tx) => finishJob(tx, job.id, 'done', now));
    return;
  }
  const order: CopyOrder = {
    v: 1,
    id: newRecordId(),
    source: source.id,
    sourceUrl: source.url,
    dest: dest.id,
    destKey: dest.public_key,
    chunks: chunks.map((c) => ({ id: c.chunk_id, size: Number(c.size) })),
    exp: now + hub.config.copies.orderTtlMs,
  };
  const text = signMessage(COPY_ORDER_LABEL, order, hub.signingKey);
  const claimed = await hub.db
    .updateTable('copy_jobs')
    .set({
      order_id: order.id,
      order_text: text,
      order_ends_at: order.exp,
      orders: Number(job.orders) + 1,
      done_at_order: Number(job.chunks_done),
      stalls: stalled ? Number(job.stalls) + 1 : 0,
      next_try_at: 0,
      touched_at: now,
    })
    .where('id', '=', job.id)
    .where('state', '=', 'running')
    .where((eb) =>
      job.order_id === null ? eb('order_id', 'is', null) : eb('order_id', '=', job.order_id),
    )
    .executeTakeFirst();
  if (claimed.numUpdatedRows !== 1n) return;
  await deliver(hub, job.id, text, dest);
}

/** Hands the order to the destination; a failure is noted, and the next nudge tries again. */
async function deliver(hub: Hub, job: string, order: string, dest: HostRow) {
  let error: string | null = null;
  try {
    const res = await fetch(dest.url + HOST.copyOrdersPath, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ order }),
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    const body = await res.json().catch(() => undefined);
    if (!res.ok)
      error = `the destination refused the order: ${fromErrorBody(res.status, body, 'destination').message}`;
  } catch (e) {
    error = `the destination could not be reached: ${(e as Error).message}`;
  }
  await hub.db
    .updateTable('copy_jobs')
    .set({ touched_at: hub.now(), ...(error ? { last_error: error } : {}) })
    .where('id', '=', job)
    .execute();
}

/** Runs copier rounds every `copies.intervalMs`, and soon after `kick`. */
export function startCopier(hub: Hub, log: (line: string) => void) {
  return startRounds(
    led(hub, 'copier', () => copyRound(hub)),
    () => hub.config.copies.intervalMs,
    (e) => log(`copies: ${e.message}`),
  );
}
