import { NotFoundError } from '@coffer/errors';
import type { RouteResponse } from '@coffer/protocol';
import type { Hub } from '../context.ts';
import { hostAccounting } from './accounting.ts';
import { diskTotals } from './host-disks.ts';
import { isOnline } from './host-state.ts';
import { rowCounts } from './row-counts.ts';
import { foldStoredBytes } from './stored-bytes.ts';

export async function stats(hub: Hub): Promise<RouteResponse<'adminStats'>> {
  await foldStoredBytes(hub.db);
  const counts = await rowCounts(hub);
  const hosts = await hub.db.selectFrom('hosts').selectAll().execute();
  const repair = hub.repairStatus();
  const accounting = await hostAccounting(hub);
  return {
    ...counts,
    storedBytes: hosts.reduce((s, h) => s + h.stored_bytes, 0),
    hosts: hosts.length,
    hostsOnline: hosts.filter((h) => isOnline(hub, h)).length,
    capacity: hosts.reduce((s, h) => s + h.capacity, 0),
    disk: diskTotals(hosts),
    repair: {
      underReplicated: repair.underReplicated,
      copiedLastRound: repair.copied,
      failedLastRound: repair.failed,
      copiedTotal: repair.copiedTotal,
      lastRoundAt: repair.lastRoundAt,
    },
    accounting,
    drifting: accounting.filter((h) => !h.agrees).length,
  };
}

export async function placement(
  hub: Hub,
  nodeId: string,
): Promise<RouteResponse<'adminPlacement'>> {
  const node = await hub.db
    .selectFrom('nodes')
    .select(['revision', 'kind'])
    .where('id', '=', nodeId)
    .executeTakeFirst();
  if (node?.kind !== 'file' || node.revision === null) {
    throw new NotFoundError('id: no such file');
  }
  const rows = await hub.db
    .selectFrom('revision_chunks as rc')
    .leftJoin('chunk_replicas as r', 'r.chunk_id', 'rc.chunk_id')
    .leftJoin('hosts as h', 'h.id', 'r.host_id')
    .select(['rc.position', 'rc.chunk_id', 'h.id as host_id', 'h.country'])
    .where('rc.node_id', '=', nodeId)
    .where('rc.revision', '=', node.revision)
    .orderBy('rc.position')
    .execute();
  const chunks: RouteResponse<'adminPlacement'>['chunks'] = [];
  let last = -1;
  for (const r of rows) {
    if (r.position !== last) {
      chunks.push({ id: r.chunk_id, hosts: [] });
      last = r.position;
    }
    if (r.host_id && r.country) chunks.at(-1)?.hosts.push({ id: r.host_id, country: r.country });
  }
  return { chunks };
}
