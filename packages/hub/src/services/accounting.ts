import type { RouteResponse } from '@coffer/protocol';
import { sql } from 'kysely';
import type { Hub } from '../context.ts';

// [Note: Accounting]
// Each host's bytes are known three ways, and after any load they must agree:
//   - storedBytes, the hub's running figure, changed with the replica records in one
//     transaction and folded in before it is shown ([Note: Stored bytes] in stored-bytes.ts);
//     placement reads it;
//   - replicaBytes, the sum of the sizes of the chunks the hub's replica records name on it,
//     computed here (one grouped pass over the records, for the operator's eyes only);
//   - reportedBytes, what the host said in its last signed hello: the sum of the lengths of
//     the chunks in its store's index. Not the disk it uses: record headers, deleted records
//     compaction has not reclaimed yet and the index itself are its own overhead, which its
//     /metrics shows apart (coffer_host_dead_bytes).
// The first two differ only through a bug. The third runs ahead of the records while chunks
// are on their way (stored, receipts not yet at the hub) and while orphans wait for the sweep
// ([Note: Orphan sweep] in orphans.ts), and lags by one heartbeat; once uploads settle and the
// sweep has run, it is equal too. A difference that lasts is drift: the operator's dashboard
// and `coffer admin stats` show it. So that the dashboard does not cry wolf during every
// upload, a difference counts as lasting only once it has been seen for longer than an orphan
// can take to be swept, plus two heartbeats; the hub remembers since when it has seen one.

export type HostAccounting = RouteResponse<'adminStats'>['accounting'][number];

/** Per hub, since when each host's figures have differed. */
const differing = new WeakMap<Hub, Map<string, number>>();

const settleMs = (hub: Hub) =>
  hub.config.orphans.intervalMs + hub.config.orphans.graceMs + 2 * hub.config.heartbeatMs;

/** The three figures of every host. */
export async function hostAccounting(hub: Hub): Promise<HostAccounting[]> {
  const hosts = await hub.db
    .selectFrom('hosts')
    .select(['id', 'country', 'stored_bytes', 'used_bytes', 'last_seen_at'])
    .orderBy('country')
    .orderBy('id')
    .execute();
  const sums = await hub.db
    .selectFrom('chunk_replicas as r')
    .innerJoin('chunks as c', 'c.id', 'r.chunk_id')
    .select(['r.host_id', sql<number>`sum(c.size)`.as('bytes')])
    .groupBy('r.host_id')
    .execute();
  const replicaBytes = new Map(sums.map((s) => [s.host_id, Number(s.bytes ?? 0)]));
  const since = differing.get(hub) ?? new Map<string, number>();
  differing.set(hub, since);
  const now = hub.now();
  return hosts.map((h) => {
    const stored = Number(h.stored_bytes);
    const replicas = replicaBytes.get(h.id) ?? 0;
    const reported = Number(h.used_bytes);
    const agrees = stored === replicas && reported === replicas;
    if (agrees) since.delete(h.id);
    else if (!since.has(h.id)) since.set(h.id, now);
    const differsSince = since.get(h.id) ?? null;
    return {
      id: h.id,
      country: h.country,
      storedBytes: stored,
      replicaBytes: replicas,
      reportedBytes: reported,
      reportedAt: h.last_seen_at,
      agrees,
      differsSince,
      lasting: differsSince !== null && now - differsSince > settleMs(hub),
    };
  });
}
