import { CofferError } from '@coffer/errors';
import type { Hub } from '../context.ts';
import type { MirrorsTable, SubscriptionsTable } from '../db/schema.ts';
import { slices } from '../db/slices.ts';
import { inTransaction } from '../db/transaction.ts';
import { chunksInPlace, planCopyJobs, revisionChunks } from './copy-plans.ts';
import { newRecordId } from './ids.ts';
import { fitBudget, mirrorPolicy } from './mirror-evictions.ts';
import { led } from './periodic.ts';
import { startRounds } from './rounds.ts';

// The mirror loop ([Note: Auto-mirror] in mirrors.ts): every `mirrors.intervalMs`, and soon
// after a shelf entry is put, it starts mirrors of new entries for each subscription, marks
// finished ones ready and plans again those whose jobs ended short.

const ENTRIES_PER_ROUND = 100;
const RESUMES_PER_ROUND = 500;

/** One round: new entries for every subscription, then mirrors still copying. */
export async function mirrorRound(hub: Hub, log: (line: string) => void): Promise<void> {
  const subs = await hub.db.selectFrom('subscriptions').selectAll().execute();
  for (const sub of subs) {
    try {
      for (const e of await newEntries(hub, sub)) await startMirror(hub, sub, e);
    } catch (e) {
      log(`mirrors: ${(e as Error).message}`);
    }
  }
  const copying = await hub.db
    .selectFrom('mirrors')
    .selectAll()
    .where('state', '=', 'copying')
    .orderBy('created_at')
    .limit(RESUMES_PER_ROUND)
    .execute();
  for (const m of copying) await advance(hub, m);
}

/**
 * Entries of the subscription's group with a file, by another author who is still in the
 * group (and the member it follows, if one), published since it began and not mirrored yet.
 */
async function newEntries(hub: Hub, sub: SubscriptionsTable) {
  return hub.db
    .selectFrom('shelf_entries as e')
    .innerJoin('groups as g', 'g.id', 'e.group_id')
    .leftJoin('group_members as m', (j) =>
      j.onRef('m.group_id', '=', 'e.group_id').onRef('m.account_id', '=', 'e.author_id'),
    )
    .leftJoin('mirrors as mi', (j) =>
      j
        .onRef('mi.group_id', '=', 'e.group_id')
        .onRef('mi.entry_id', '=', 'e.entry_id')
        .on('mi.account_id', '=', sub.account_id),
    )
    .select(['e.entry_id', 'e.author_id', 'e.file_node_id', 'e.file_revision'])
    .where('e.group_id', '=', sub.group_id)
    .where('e.file_node_id', 'is not', null)
    .where('e.file_revision', 'is not', null)
    .where('e.author_id', '!=', sub.account_id)
    .where('e.published_at', '>=', sub.created_at)
    .where((eb) =>
      eb.or([eb('e.author_id', '=', eb.ref('g.owner_id')), eb('m.state', '=', 'member')]),
    )
    .$if(sub.member_id !== null, (q) => q.where('e.author_id', '=', sub.member_id as string))
    .where('mi.id', 'is', null)
    .orderBy('e.published_at')
    .orderBy('e.entry_id')
    .limit(ENTRIES_PER_ROUND)
    .execute();
}

type NewEntry = Awaited<ReturnType<typeof newEntries>>[number];

/**
 * Claims the entry for the subscriber (one mirror row per entry, whichever hub process gets
 * there first), makes room in the budget, holds the chunks and plans the copies.
 */
async function startMirror(hub: Hub, sub: SubscriptionsTable, e: NewEntry) {
  const nodeId = e.file_node_id as string;
  const revision = Number(e.file_revision);
  const file = await hub.db
    .selectFrom('nodes')
    .select('trashed_at')
    .where('id', '=', nodeId)
    .where('account_id', '=', e.author_id)
    .executeTakeFirst();
  const chunks =
    file && file.trashed_at === null ? await revisionChunks(hub.db, nodeId, revision) : new Map();
  const bytes = [...chunks.values()].reduce((s, n) => s + n, 0);
  const row: MirrorsTable = {
    id: newRecordId(),
    account_id: sub.account_id,
    group_id: sub.group_id,
    entry_id: e.entry_id,
    node_id: nodeId,
    revision,
    bytes,
    // Nothing to copy (the author dropped the file): recorded as gone, never tried again.
    state: chunks.size === 0 ? 'evicted' : bytes > Number(sub.budget_bytes) ? 'too-big' : 'copying',
    kept: 0,
    jobs: '[]',
    created_at: hub.now(),
  };
  const claimed = await inTransaction(hub.db, async (tx) => {
    const r = await tx
      .insertInto('mirrors')
      .values(row)
      .onConflict((oc) => oc.columns(['account_id', 'group_id', 'entry_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!r || row.state !== 'copying') return false;
    const list = [...chunks];
    for (const part of slices(list)) {
      await tx
        .insertInto('mirror_chunks')
        .values(part.map(([id, size]) => ({ mirror_id: row.id, chunk_id: id, size })))
        .execute();
    }
    return true;
  });
  if (!claimed) return;
  await fitBudget(hub, sub, bytes, row.id);
  await advance(hub, row);
}

/**
 * A copying mirror: ready once every chunk is on the subscriber's servers; otherwise, when no
 * job of it runs (none yet, or they ended short), new jobs. A server that is away makes the
 * planning fail quietly; the next round tries again.
 */
async function advance(hub: Hub, m: MirrorsTable) {
  const policy = mirrorPolicy(hub, m.account_id);
  const held = await hub.db
    .selectFrom('mirror_chunks')
    .select(['chunk_id', 'size'])
    .where('mirror_id', '=', m.id)
    .execute();
  const chunks = new Map(held.map((c) => [c.chunk_id, Number(c.size)]));
  if (await chunksInPlace(hub.db, policy, [...chunks.keys()])) {
    await setMirror(hub, m.id, { state: 'ready' });
    return;
  }
  const jobs = JSON.parse(m.jobs) as string[];
  const running = jobs.length
    ? await hub.db
        .selectFrom('copy_jobs')
        .select('id')
        .where('id', 'in', jobs)
        .where('state', '=', 'running')
        .execute()
    : [];
  if (running.length > 0) return;
  try {
    const fresh = await planCopyJobs(hub, policy, chunks, "subscriber's");
    await setMirror(hub, m.id, { jobs: JSON.stringify(fresh) });
  } catch (e) {
    if (!(e instanceof CofferError)) throw e;
  }
}

/** Updates a mirror that is still copying (an eviction meanwhile wins). */
async function setMirror(hub: Hub, id: string, set: Partial<Pick<MirrorsTable, 'state' | 'jobs'>>) {
  await hub.db
    .updateTable('mirrors')
    .set(set)
    .where('id', '=', id)
    .where('state', '=', 'copying')
    .execute();
}

/** Runs mirror rounds every `mirrors.intervalMs`, and soon after `kick`. */
export function startMirrors(hub: Hub, log: (line: string) => void) {
  return startRounds(
    led(hub, 'mirrors', () => mirrorRound(hub, log)),
    () => hub.config.mirrors.intervalMs,
    (e) => log(`mirrors: ${e.message}`),
  );
}
