import { NotFoundError } from '@coffer/errors';
import type { Hub } from '../context.ts';
import type { DbOrTx } from '../db/schema.ts';
import { createCopyJob, finishJob } from './copy-orders.ts';
import { type HostView, hostViews, inGoodStanding, isOnline } from './host-state.ts';
import { choosePlacement, type Holding, missingCopies, type Placement } from './placement.ts';
import { replicasOf } from './replicas.ts';
import { noPlacement } from './upload-placement.ts';

// Planning host-to-host copies of a file's chunks for a policy: what a member's copy from a
// group ([Note: Copies from groups]) and a subscriber's mirror ([Note: Auto-mirror]) share.

export interface Chunk {
  id: string;
  size: number;
}

/** The distinct chunks of a file revision, with their sizes, in file order. */
export async function revisionChunks(db: DbOrTx, nodeId: string, revision: number) {
  const refs = await db
    .selectFrom('revision_chunks as rc')
    .innerJoin('chunks as ch', 'ch.id', 'rc.chunk_id')
    .select(['rc.chunk_id', 'ch.size'])
    .where('rc.node_id', '=', nodeId)
    .where('rc.revision', '=', revision)
    .orderBy('rc.position')
    .execute();
  return new Map(refs.map((r) => [r.chunk_id, Number(r.size)]));
}

/**
 * Orders copy jobs for every chunk that falls short of `policy`: destinations as an upload's
 * placement would choose them, each fed from a host holding the chunk (the one holding most of
 * them, online first), one job per source and destination. Returns the new jobs' ids; throws
 * (naming `chunks.N`) when a chunk has no destination or no source.
 */
export async function planCopyJobs(
  hub: Hub,
  policy: Placement,
  chunks: ReadonlyMap<string, number>,
  whose: string,
): Promise<string[]> {
  const hosts = await hostViews(hub);
  const byId = new Map(hosts.map((h) => [h.id, h]));
  const replicas = await replicasOf(hub.db, [...chunks.keys()]);
  const holds = new Map<string, number>();
  for (const list of replicas.values())
    for (const r of list) holds.set(r.hostId, (holds.get(r.hostId) ?? 0) + 1);
  const reserved = new Map<string, number>();
  const plan = new Map<string, { source: string; destination: string; chunks: Chunk[] }>();
  let position = 0;
  for (const [id, size] of chunks) {
    const have = replicas.get(id) ?? [];
    if (missingCopies(policy, have) === 0) continue;
    const field = `chunks.${position++}`;
    const targets = choosePlacement(hosts, policy, size, have, new Set(), reserved);
    if (!targets)
      throw noPlacement(hosts, policy, size, have, new Set(), reserved, { field, whose });
    const source = bestSource(hub, have, byId, holds);
    if (!source)
      throw new NotFoundError(`${field}: no host in good standing holds this chunk any more`);
    for (const t of targets) {
      reserved.set(t.id, (reserved.get(t.id) ?? 0) + size);
      const key = `${source.id} ${t.id}`;
      const job = plan.get(key) ?? { source: source.id, destination: t.id, chunks: [] };
      job.chunks.push({ id, size });
      plan.set(key, job);
    }
  }
  const jobs: string[] = [];
  for (const j of plan.values()) jobs.push((await createCopyJob(hub, j)).id);
  return jobs;
}

function bestSource(
  hub: Hub,
  have: readonly Holding[],
  byId: ReadonlyMap<string, HostView>,
  holds: ReadonlyMap<string, number>,
) {
  return have
    .map((r) => byId.get(r.hostId))
    .filter((h): h is HostView => h !== undefined && inGoodStanding(h) && h.state !== 'exited')
    .map((h) => ({ h, score: Number(isOnline(hub, h)) * 1e9 + (holds.get(h.id) ?? 0) }))
    .sort((a, b) => b.score - a.score)[0]?.h;
}

/** Fails those of `jobs` still running, so the copier issues no further order for them. */
export async function failRunningJobs(
  tx: DbOrTx,
  jobs: readonly string[],
  now: number,
  why: string,
) {
  if (jobs.length === 0) return;
  const running = await tx
    .selectFrom('copy_jobs')
    .select('id')
    .where('id', 'in', [...jobs].sort())
    .where('state', '=', 'running')
    .orderBy('id')
    .execute();
  for (const j of running) await finishJob(tx, j.id, 'failed', now, why);
}

/** Whether every chunk meets `policy` where it is now. */
export async function chunksInPlace(db: DbOrTx, policy: Placement, chunks: readonly string[]) {
  const replicas = await replicasOf(db, chunks);
  return chunks.every((id) => missingCopies(policy, replicas.get(id)) === 0);
}
