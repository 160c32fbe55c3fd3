import { fromBase64Url, type SigningPublicKey } from '@coffer/crypto';
import { NotFoundError, ValidationError } from '@coffer/errors';
import {
  COPY_REPORT_LABEL,
  type CopyProgress,
  copyReportSchema,
  MAX_COPY_REPORT,
  openMessage,
  RECEIPT_LABEL,
  type RouteResponse,
  receiptSchema,
} from '@coffer/protocol';
import type { Hub } from '../context.ts';
import type { CopyJobRow, DbOrTx } from '../db/schema.ts';
import { slices } from '../db/slices.ts';
import { inTransaction } from '../db/transaction.ts';
import { openHostMessage } from './hosts.ts';
import { newRecordId } from './ids.ts';
import { refuseRepeats } from './input.ts';
import { recordReplicas, replicaOf } from './replicas.ts';

// Copy jobs ([Note: Direct copies] in protocol/src/copy-orders.ts): creating one, reading its
// progress, and the destination's reports. The copier (copier.ts) issues and delivers the
// orders.
//
// Who may order a copy onto which host is the caller's business: this module moves ciphertext
// between two hosts and checks only that the chunks exist, that the source holds them and that
// the destination may take data. A route that lets members order copies must check that the
// destination is the member's own server, or the network's hosts (issue 15: "read-only").

export interface CopyJobInput {
  source: string;
  destination: string;
  chunks: readonly { id: string; size: number }[];
}

type JobRow = Pick<
  CopyJobRow,
  | 'id'
  | 'state'
  | 'source_id'
  | 'destination_id'
  | 'chunks_done'
  | 'chunks_total'
  | 'bytes_done'
  | 'bytes_total'
  | 'orders'
  | 'created_at'
  | 'finished_at'
  | 'last_error'
>;

const progressOf = (j: JobRow): CopyProgress => ({
  id: j.id,
  state: j.state,
  source: j.source_id,
  destination: j.destination_id,
  chunks: { done: Number(j.chunks_done), total: Number(j.chunks_total) },
  bytes: { done: Number(j.bytes_done), total: Number(j.bytes_total) },
  orders: Number(j.orders),
  createdAt: Number(j.created_at),
  finishedAt: j.finished_at === null ? null : Number(j.finished_at),
  lastError: j.last_error,
});

/** Hosts that may take new data from a copy (a suspended host keeps what it has, no more). */
const TAKES_DATA = new Set(['active']);

/**
 * Starts copying `chunks` from `source` to `destination`, host to host. Chunks the destination
 * already holds count as done at once. Returns the job's progress; the copier takes it from
 * there.
 */
export async function createCopyJob(hub: Hub, input: CopyJobInput): Promise<CopyProgress> {
  const { source, destination, chunks } = input;
  if (source === destination) {
    throw new ValidationError('destination', 'is the source host; a copy needs two hosts');
  }
  refuseRepeats(
    chunks,
    (c) => c.id,
    (i) => `chunks.${i}.id`,
  );
  const hosts = await hub.db
    .selectFrom('hosts')
    .select(['id', 'state'])
    .where('id', 'in', [source, destination])
    .execute();
  const src = hosts.find((h) => h.id === source);
  const dst = hosts.find((h) => h.id === destination);
  if (!src || src.state === 'exited') throw new NotFoundError('source: no such host');
  if (!dst) throw new NotFoundError('destination: no such host');
  if (!TAKES_DATA.has(dst.state)) {
    throw new ValidationError('destination', `takes no new data (it is ${dst.state})`);
  }
  const ids = chunks.map((c) => c.id);
  const sizes = new Map<string, number>();
  const onSource = new Set<string>();
  const onDestination = new Set<string>();
  for (const part of slices(ids)) {
    for (const r of await hub.db
      .selectFrom('chunks')
      .select(['id', 'size'])
      .where('id', 'in', part)
      .execute())
      sizes.set(r.id, Number(r.size));
    for (const r of await hub.db
      .selectFrom('chunk_replicas')
      .select(['chunk_id', 'host_id'])
      .where('chunk_id', 'in', part)
      .where('host_id', 'in', [source, destination])
      .execute())
      (r.host_id === source ? onSource : onDestination).add(r.chunk_id);
  }
  for (const [i, c] of chunks.entries()) {
    const size = sizes.get(c.id);
    if (size === undefined) throw new ValidationError(`chunks.${i}.id`, 'no such chunk is stored');
    if (size !== c.size) throw new ValidationError(`chunks.${i}.size`, `expected ${size}`);
    if (!onSource.has(c.id) && !onDestination.has(c.id)) {
      throw new ValidationError(`chunks.${i}.id`, 'the source holds no copy of it');
    }
  }
  const now = hub.now();
  const done = chunks.filter((c) => onDestination.has(c.id));
  const finished = done.length === chunks.length;
  const job = {
    id: newRecordId(),
    source_id: source,
    destination_id: destination,
    state: finished ? ('done' as const) : ('running' as const),
    chunks_total: chunks.length,
    bytes_total: chunks.reduce((s, c) => s + c.size, 0),
    chunks_done: done.length,
    bytes_done: done.reduce((s, c) => s + c.size, 0),
    touched_at: now,
    progress_at: now,
    created_at: now,
    finished_at: finished ? now : null,
    last_error: null,
    order_id: null,
    order_text: null,
    order_ends_at: null,
  };
  await inTransaction(hub.db, async (tx) => {
    await tx.insertInto('copy_jobs').values(job).execute();
    if (finished) return;
    const rows = chunks.map((c, position) => ({
      job_id: job.id,
      chunk_id: c.id,
      size: c.size,
      position,
      done: onDestination.has(c.id) ? 1 : 0,
    }));
    for (const part of slices(rows)) {
      await tx.insertInto('copy_job_chunks').values(part).execute();
    }
  });
  if (!finished) hub.kickCopies();
  return progressOf({ ...job, orders: 0 });
}

/** A copy job's progress, for as long as it runs and `copies.keepFinishedMs` after. */
export async function copyProgress(hub: Hub, id: string): Promise<CopyProgress> {
  const job = await hub.db
    .selectFrom('copy_jobs')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!job) throw new NotFoundError('id: no such copy job (finished jobs are kept a day)');
  return progressOf(job);
}

/**
 * A destination's report on an order: each receipt is checked against the destination's key
 * and recorded as a replica, and marks its chunk done in every running job copying it to that
 * host (receipts of an earlier order of the job count too). `finished` ends the job's current
 * order, so the copier issues the next one for what remains.
 */
export async function copyReport(hub: Hub, text: string): Promise<RouteResponse<'hostCopied'>> {
  const { host, message } = await openHostMessage(
    hub,
    COPY_REPORT_LABEL,
    'report',
    text,
    copyReportSchema,
    MAX_COPY_REPORT,
  );
  const key = fromBase64Url(host.public_key, 'public_key', 32) as SigningPublicKey;
  const receipts = message.receipts.map((r, i) => {
    const field = `report.receipts.${i}`;
    const receipt = openMessage(RECEIPT_LABEL, field, r, receiptSchema, key);
    if (receipt.host !== host.id) throw new ValidationError(`${field}.host`, 'is another host');
    return { receipt, text: r };
  });
  const now = hub.now();
  let recorded = 0;
  await inTransaction(hub.db, async (tx) => {
    const wanted = await jobChunksTo(tx, host.id, [
      ...new Set(receipts.map((r) => r.receipt.chunk)),
    ]);
    const fresh = receipts.filter(({ receipt: r }) => wanted.get(r.chunk)?.size === r.size);
    await recordReplicas(
      tx,
      fresh.map(({ receipt, text }) => replicaOf(receipt, text)),
    );
    recorded = await markDone(tx, host.id, [...new Set(fresh.map((r) => r.receipt.chunk))], now);
    const failed = message.failed.length
      ? `${message.failed.length} chunk(s) not copied: ${message.failed[0]?.message}`
      : null;
    await tx
      .updateTable('copy_jobs')
      .set({
        touched_at: now,
        ...(failed ? { last_error: failed } : {}),
        ...(message.finished ? { order_ends_at: now } : {}),
      })
      .where('order_id', '=', message.order)
      .where('destination_id', '=', host.id)
      .where('state', '=', 'running')
      .execute();
  });
  if (message.finished) hub.kickCopies();
  return { recorded };
}

/** Chunks of running jobs copying to `host` that are not done yet, with their sizes. */
async function jobChunksTo(tx: DbOrTx, host: string, ids: readonly string[]) {
  const out = new Map<string, { size: number }>();
  for (const part of slices(ids)) {
    for (const r of await tx
      .selectFrom('copy_job_chunks as c')
      .innerJoin('copy_jobs as j', 'j.id', 'c.job_id')
      .select(['c.chunk_id', 'c.size'])
      .where('j.destination_id', '=', host)
      .where('j.state', '=', 'running')
      .where('c.done', '=', 0)
      .where('c.chunk_id', 'in', part)
      .execute())
      out.set(r.chunk_id, { size: Number(r.size) });
  }
  return out;
}

/**
 * Marks the chunks done in every running job copying them to `host`, adds them to the jobs'
 * progress and finishes the jobs that are complete. Returns how many job chunks it marked.
 */
async function markDone(tx: DbOrTx, host: string, ids: readonly string[], now: number) {
  if (ids.length === 0) return 0;
  const jobs = tx
    .selectFrom('copy_jobs')
    .select('id')
    .where('destination_id', '=', host)
    .where('state', '=', 'running');
  const marked: { job_id: string; size: number }[] = [];
  for (const part of slices(ids)) {
    marked.push(
      ...(await tx
        .updateTable('copy_job_chunks')
        .set({ done: 1 })
        .where('job_id', 'in', jobs)
        .where('chunk_id', 'in', part)
        .where('done', '=', 0)
        .returning(['job_id', 'size'])
        .execute()),
    );
  }
  const byJob = new Map<string, { chunks: number; bytes: number }>();
  for (const m of marked) {
    const e = byJob.get(m.job_id) ?? { chunks: 0, bytes: 0 };
    e.chunks++;
    e.bytes += Number(m.size);
    byJob.set(m.job_id, e);
  }
  // In job id order, like every transaction that updates several jobs.
  for (const [job, add] of [...byJob].sort(([a], [b]) => a.localeCompare(b))) {
    const row = await tx
      .updateTable('copy_jobs')
      .set((eb) => ({
        chunks_done: eb('chunks_done', '+', add.chunks),
        bytes_done: eb('bytes_done', '+', add.bytes),
        progress_at: now,
      }))
      .where('id', '=', job)
      .returning(['chunks_done', 'chunks_total'])
      .executeTakeFirstOrThrow();
    if (Number(row.chunks_done) >= Number(row.chunks_total)) await finishJob(tx, job, 'done', now);
  }
  return marked.length;
}

/** Ends a job: its chunk rows go at once; the row stays for its progress until purged. */
export async function finishJob(
  tx: DbOrTx,
  job: string,
  state: 'done' | 'failed',
  now: number,
  why?: string,
) {
  await tx
    .updateTable('copy_jobs')
    .set({ state, finished_at: now, ...(why ? { last_error: why } : {}) })
    .where('id', '=', job)
    .execute();
  await tx.deleteFrom('copy_job_chunks').where('job_id', '=', job).execute();
}
