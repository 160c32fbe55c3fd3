import type { RouteResponse } from '@coffer/protocol';
import type { Hub } from '../context.ts';
import { stats } from './admin.ts';
import { led, periodic } from './periodic.ts';
import { belowTargetCounts } from './repair.ts';

// [Note: Network history]
// Every `history.intervalMs` the hub records one row of figures about the network (hosts,
// capacity, usage, counts, chunks below target, repair progress) and drops rows older than
// `history.keepDays`. The operator's charts read them; nothing in them is per user.

export async function sampleNetwork(hub: Hub, copied: number) {
  const s = await stats(hub);
  const below = await belowTargetCounts(hub);
  await hub.db
    .insertInto('network_history')
    .values({
      at: hub.now(),
      hosts: s.hosts,
      hosts_online: s.hostsOnline,
      capacity: s.capacity,
      stored_bytes: s.storedBytes,
      accounts: s.accounts,
      files: s.files,
      chunks: s.chunks,
      under_replicated: below.underReplicated,
      repair_queue: below.repairQueue,
      copied,
    })
    .onConflict((oc) => oc.column('at').doNothing())
    .execute();
  await hub.db
    .deleteFrom('network_history')
    .where('at', '<', hub.now() - hub.config.history.keepDays * 86_400_000)
    .execute();
}

/** Samples now and then every `history.intervalMs`. */
export function startHistory(hub: Hub, log: (line: string) => void) {
  let copiedBefore = hub.repairStatus().copiedTotal;
  // Led with repair: the repair traffic it samples is that process's ([Note: Leases]).
  const round = led(hub, 'repair', async () => {
    const total = hub.repairStatus().copiedTotal;
    await sampleNetwork(hub, Math.max(0, total - copiedBefore));
    copiedBefore = total;
  });
  const first = round().catch((e) => log(`history: ${(e as Error).message}`));
  const loop = periodic('history', hub.config.history.intervalMs, round, log);
  return {
    async stop() {
      await first;
      await loop.stop();
    },
  };
}

/** At most this many points in one answer: older samples are thinned evenly. */
const MAX_POINTS = 2000;

export async function history(
  hub: Hub,
  since: number | undefined,
): Promise<RouteResponse<'adminHistory'>> {
  const rows = await hub.db
    .selectFrom('network_history')
    .selectAll()
    .where('at', '>=', since ?? 0)
    .orderBy('at')
    .execute();
  const step = Math.ceil(rows.length / MAX_POINTS);
  const kept = step > 1 ? rows.filter((_, i) => (rows.length - 1 - i) % step === 0) : rows;
  return {
    points: kept.map((r) => ({
      at: r.at,
      hosts: r.hosts,
      hostsOnline: r.hosts_online,
      capacity: r.capacity,
      storedBytes: r.stored_bytes,
      accounts: r.accounts,
      files: r.files,
      chunks: r.chunks,
      underReplicated: r.under_replicated,
      repairQueue: r.repair_queue,
      copied: r.copied,
    })),
  };
}
