import { sql } from 'kysely';
import type { Hub } from '../context.ts';
import { slices } from '../db/slices.ts';
import { inTransaction } from '../db/transaction.ts';
import { failRunningJobs } from './copy-plans.ts';
import { deleteOnHost } from './gc.ts';
import { hostViews, isOnline } from './host-state.ts';
import { allowedByAny, missingCopies, type Placement } from './placement.ts';
import { chunkPolicies } from './policies.ts';
import { forget, replicasOf } from './replicas.ts';

// Evicting mirrors ([Note: Auto-mirror] in mirrors.ts): their jobs stop, their hold on chunks
// goes, and the subscriber's personal servers drop the copies no other requirement keeps there.

/** Where a subscriber's mirrors go: the network's rules, on the subscriber's personal servers. */
export const mirrorPolicy = (hub: Hub, accountId: string): Placement => ({
  ...hub.config.placement,
  on: 'personal',
  owner: accountId,
});

/**
 * Marks kept the mirrors of `accountId` whose chunks a file of the subscriber's own holds (they
 * copied the entry, which adopts the mirrored chunks): checked here rather than hooked into
 * the copy, so that any file of theirs over the chunks keeps the mirror.
 */
export async function refreshKept(hub: Hub, accountId: string) {
  await hub.db
    .updateTable('mirrors')
    .set({ kept: 1 })
    .where('account_id', '=', accountId)
    .where('kept', '=', 0)
    .where('state', 'in', ['copying', 'ready'])
    .where(
      sql<boolean>`exists (select 1 from mirror_chunks mc
        inner join revision_chunks rc on rc.chunk_id = mc.chunk_id
        inner join nodes n on n.id = rc.node_id
        where mc.mirror_id = mirrors.id and n.account_id = ${accountId})`,
    )
    .execute();
}

/** Bytes of a subscription's mirrors that count toward its budget: not kept, not evicted. */
export async function usedBytes(hub: Hub, accountId: string, groupId: string, except?: string) {
  const rows = await hub.db
    .selectFrom('mirrors')
    .select(['id', 'bytes'])
    .where('account_id', '=', accountId)
    .where('group_id', '=', groupId)
    .where('kept', '=', 0)
    .where('state', 'in', ['copying', 'ready'])
    .$if(except !== undefined, (q) => q.where('id', '!=', except as string))
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ id: r.id, bytes: Number(r.bytes) }));
}

/**
 * Evicts the oldest mirrors of the subscription that were not kept until `incoming` more bytes
 * fit in `budget` (a shrunk budget evicts with `incoming` 0).
 */
export async function fitBudget(
  hub: Hub,
  sub: { account_id: string; group_id: string; budget_bytes: number },
  incoming: number,
  except?: string,
) {
  await refreshKept(hub, sub.account_id);
  const rows = await usedBytes(hub, sub.account_id, sub.group_id, except);
  let used = rows.reduce((s, r) => s + r.bytes, 0);
  const victims: string[] = [];
  for (const r of rows) {
    if (used + incoming <= Number(sub.budget_bytes)) break;
    victims.push(r.id);
    used -= r.bytes;
  }
  await evictMirrors(hub, victims, 'evicted: the budget is full', 'evict');
}

/**
 * Ends mirrors: running jobs fail, the chunk holds go, and the rows become 'evicted' (`evict`)
 * or go (`drop`: the subscription ended). Then each subscriber's personal servers drop the
 * copies of those chunks that no remaining requirement keeps there.
 */
export async function evictMirrors(
  hub: Hub,
  ids: readonly string[],
  why: string,
  mode: 'evict' | 'drop',
) {
  if (ids.length === 0) return;
  const sorted = [...ids].sort();
  const rows = await hub.db
    .selectFrom('mirrors')
    .select(['id', 'account_id', 'jobs'])
    .where('id', 'in', sorted)
    .execute();
  const chunks = await hub.db
    .selectFrom('mirror_chunks as mc')
    .innerJoin('mirrors as m', 'm.id', 'mc.mirror_id')
    .select(['m.account_id', 'mc.chunk_id'])
    .where('mc.mirror_id', 'in', sorted)
    .execute();
  const now = hub.now();
  await inTransaction(hub.db, async (tx) => {
    const jobs = rows.flatMap((r) => JSON.parse(r.jobs) as string[]);
    await failRunningJobs(tx, jobs, now, `mirror ${why}`);
    await tx.deleteFrom('mirror_chunks').where('mirror_id', 'in', sorted).execute();
    if (mode === 'drop') await tx.deleteFrom('mirrors').where('id', 'in', sorted).execute();
    else
      await tx
        .updateTable('mirrors')
        .set({ state: 'evicted', jobs: '[]' })
        .where('id', 'in', sorted)
        .execute();
  });
  const byAccount = new Map<string, Set<string>>();
  for (const c of chunks) {
    const set = byAccount.get(c.account_id) ?? new Set<string>();
    set.add(c.chunk_id);
    byAccount.set(c.account_id, set);
  }
  for (const [account, set] of byAccount) await release(hub, account, [...set]);
}

/**
 * Deletes the copies of `chunks` on the personal servers of `accountId` that no requirement
 * allows there any more, when the chunk meets every remaining requirement without them (the
 * last copy of a chunk someone needs is never deleted here: repair moves it first). A server
 * that is offline or fails keeps its copy, and repair, which moves copies no requirement
 * allows, takes it off later.
 */
async function release(hub: Hub, accountId: string, chunks: readonly string[]) {
  const servers = new Map(
    (await hostViews(hub))
      .filter((h) => h.isPersonal && h.owner_account_id === accountId)
      .map((h) => [h.id, h]),
  );
  if (servers.size === 0) return;
  for (const part of slices(chunks)) {
    const replicas = await replicasOf(hub.db, part);
    const policies = await chunkPolicies(hub, part);
    const sizes = new Map(
      (
        await hub.db.selectFrom('chunks').select(['id', 'size']).where('id', 'in', part).execute()
      ).map((c) => [c.id, Number(c.size)]),
    );
    for (const chunk of part) {
      const required = policies.get(chunk) ?? [hub.config.placement];
      const have = replicas.get(chunk) ?? [];
      for (const r of have) {
        const server = servers.get(r.hostId);
        if (!server || allowedByAny(required, r)) continue;
        const others = have.filter((o) => o.hostId !== r.hostId);
        if (required.some((p) => missingCopies(p, others) > 0)) continue;
        if (!isOnline(hub, server) || !(await deleteOnHost(hub, server.id, server.url, chunk)))
          continue;
        await forget(hub, chunk, server.id, sizes.get(chunk) ?? 0);
      }
    }
  }
}
