import { NotFoundError } from '@coffer/errors';
import type { Receipt, RouteResponse } from '@coffer/protocol';
import type { Hub } from '../context.ts';
import type { DbOrTx } from '../db/schema.ts';
import { slices } from '../db/slices.ts';
import { inTransaction } from '../db/transaction.ts';
import { capability } from './capability.ts';
import { hostKeys, isOnline, tagsOf } from './host-state.ts';
import type { Holding } from './placement.ts';
import { addStoredBytes } from './stored-bytes.ts';

// Replica records: which hosts hold which chunks, how many more copies a policy needs, where
// to read a chunk, and recording and forgetting copies with the hosts' stored bytes.

/** Which hosts (with their countries, tags and owners) hold each chunk. */
export async function replicasOf(db: DbOrTx, ids: readonly string[]) {
  const out = new Map<string, Holding[]>();
  for (const part of slices(ids)) {
    const rows = await db
      .selectFrom('chunk_replicas as r')
      .innerJoin('hosts as h', 'h.id', 'r.host_id')
      .select([
        'r.chunk_id',
        'r.host_id',
        'h.country',
        'h.tags',
        'h.personal',
        'h.owner_account_id',
      ])
      .where('r.chunk_id', 'in', part)
      .execute();
    for (const r of rows) {
      const list = out.get(r.chunk_id) ?? [];
      list.push({
        hostId: r.host_id,
        country: r.country,
        labels: tagsOf(r),
        isPersonal: Boolean(r.personal),
        owner_account_id: r.owner_account_id,
      });
      out.set(r.chunk_id, list);
    }
  }
  return out;
}

/** Where chunks (the caller may read) are, each replica with a get token. */
export async function locate(
  hub: Hub,
  ids: string[],
  /** Who reads: their own personal servers are theirs to know; a link visitor has none. */
  viewer: string | null,
  /** How long the get tokens live ([Note: Capabilities for apps]). */
  ttlSeconds = hub.config.tokenTtlSeconds,
): Promise<RouteResponse<'locateChunks'>['chunks']> {
  const sizes = new Map<string, number>();
  for (const part of slices(ids)) {
    const rows = await hub.db
      .selectFrom('chunks')
      .select(['id', 'size'])
      .where('id', 'in', part)
      .execute();
    for (const r of rows) sizes.set(r.id, r.size);
  }
  const replicas = await replicasOf(hub.db, ids);
  const hosts = await hostKeys(hub, [
    ...new Set([...replicas.values()].flatMap((l) => l.map((h) => h.hostId))),
  ]);
  return ids.map((chunk) => {
    const size = sizes.get(chunk);
    if (size === undefined) throw new NotFoundError(`ids: chunk ${chunk} has no stored copy`);
    const all = (replicas.get(chunk) ?? [])
      .map((r) => hosts.get(r.hostId))
      .filter((h) => h !== undefined);
    // Another account's personal server is named only when nothing else holds the chunk (a
    // share or link kept on its owner's server alone): a copy from a group is read from the
    // member's own copies, never from the author's server ([Note: Copies from groups]).
    const othersPersonal = (h: (typeof all)[number]) =>
      Boolean(h.personal) && h.owner_account_id !== viewer;
    const list = (all.some((h) => !othersPersonal(h)) ? all.filter((h) => !othersPersonal(h)) : all)
      // Online hosts first, in random order so reads spread over the replicas; an offline
      // one is still worth a try if nothing else answers.
      .map((h) => ({ h, key: Number(isOnline(hub, h)) + Math.random() }))
      .sort((a, b) => b.key - a.key)
      .map(({ h }) => h);
    return {
      id: chunk,
      size,
      replicas: list.map((h) => ({
        hostId: h.id,
        url: h.url,
        country: h.country,
        token: capability(hub, { host: h.id, op: 'get', chunk, max: size }, ttlSeconds),
      })),
    };
  });
}

/** A copy a host signed a receipt for. */
export interface NewReplica {
  chunk: string;
  host: string;
  size: number;
  receipt: string;
  /** When the host had it fsynced. */
  at: number;
}

/** The replica a verified receipt stands for. */
export const replicaOf = (r: Receipt, receipt: string): NewReplica => ({
  chunk: r.chunk,
  host: r.host,
  size: r.size,
  receipt,
  at: r.at,
});

/**
 * Records replicas (inside the caller's transaction) and adds the bytes of those not recorded
 * before to their hosts' stored bytes ([Note: Stored bytes]).
 */
export async function recordReplicas(tx: DbOrTx, replicas: readonly NewReplica[]) {
  const size = new Map(replicas.map((r) => [`${r.chunk}/${r.host}`, r.size]));
  // In chunk and host order, so that transactions recording the same replicas lock them in
  // the same order.
  const rows = [...replicas]
    .sort((a, b) => a.chunk.localeCompare(b.chunk) || a.host.localeCompare(b.host))
    .map((r) => ({ chunk_id: r.chunk, host_id: r.host, receipt: r.receipt, stored_at: r.at }));
  const added = new Map<string, number>();
  for (const part of slices(rows)) {
    const inserted = await tx
      .insertInto('chunk_replicas')
      .values(part)
      .onConflict((oc) => oc.columns(['chunk_id', 'host_id']).doNothing())
      .returning(['chunk_id', 'host_id'])
      .execute();
    for (const r of inserted) {
      const bytes = size.get(`${r.chunk_id}/${r.host_id}`) ?? 0;
      added.set(r.host_id, (added.get(r.host_id) ?? 0) + bytes);
    }
  }
  await addStoredBytes(tx, added);
}

/**
 * Forgets one replica of a chunk, and its bytes in the host's stored bytes; false when there
 * was none (something else forgot it first).
 */
export async function forget(
  hub: Hub,
  chunk: string,
  hostId: string,
  size: number,
): Promise<boolean> {
  return inTransaction(hub.db, async (tx) => {
    const gone = await tx
      .deleteFrom('chunk_replicas')
      .where('chunk_id', '=', chunk)
      .where('host_id', '=', hostId)
      .executeTakeFirst();
    if (gone.numDeletedRows === 0n) return false;
    await addStoredBytes(tx, new Map([[hostId, -size]]));
    return true;
  });
}
