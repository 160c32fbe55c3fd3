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
// and `coffer admin stats` show it.

export type HostAccounting = RouteResponse<'adminStats'>['accounting'][number];

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
  return hosts.map((h) => {
    const stored = Number(h.stored_bytes);
    const replicas = replicaBytes.get(h.id) ?? 0;
    const reported = Number(h.used_bytes);
    return {
      id: h.id,
      country: h.country,
      storedBytes: stored,
      replicaBytes: replicas,
      reportedBytes: reported,
      reportedAt: h.last_seen_at,
      agrees: stored === replicas && reported === replicas,
    };
  });
}
