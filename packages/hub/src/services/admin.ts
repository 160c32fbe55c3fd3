import { NotFoundError } from '@coffer/errors';
import type { RouteResponse } from '@coffer/protocol';
import { sql } from 'kysely';
import type { Hub } from '../context.ts';
import { hostAccounting } from './accounting.ts';
import { diskTotals } from './host-disks.ts';
import { isOnline } from './host-state.ts';
import { foldStoredBytes } from './stored-bytes.ts';

export async function stats(hub: Hub): Promise<RouteResponse<'adminStats'>> {
  await foldStoredBytes(hub.db);
  const count = async (table: 'accounts' | 'revisions' | 'chunks') =>
    Number(
      (
        await hub.db
          .selectFrom(table)
          .select(sql<number>`count(*)`.as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const kinds = await hub.db
    .selectFrom('nodes')
    .select(['kind', sql<number>`count(*)`.as('n')])
    .groupBy('kind')
    .execute();
  const hosts = await hub.db.selectFrom('hosts').selectAll().execute();
  const repair = hub.repairStatus();
  const accounting = await hostAccounting(hub);
  return {
    accounts: await count('accounts'),
    files: Number(kinds.find((k) => k.kind === 'file')?.n ?? 0),
    folders: Number(kinds.find((k) => k.kind === 'folder')?.n ?? 0),
    revisions: await count('revisions'),
    chunks: await count('chunks'),
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
