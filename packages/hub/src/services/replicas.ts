import { NotFoundError } from '@coffer/errors';
import type { PlacementPolicy, RouteResponse } from '@coffer/protocol';
import { sql } from 'kysely';
import type { Hub } from '../context.ts';
import type { DbOrTx } from '../db/schema.ts';
import { capability } from './capability.ts';
import { hostKeys, isOnline, tagsOf } from './host-state.ts';
import { hostAllowed } from './placement.ts';

// Replica records: which hosts hold which chunks, how many more copies a policy needs, where
// to read a chunk, and recording and forgetting copies with the hosts' stored bytes.

// [Note: Stored bytes]
// A host's stored_bytes is the sum of the sizes of the chunks its replica records name:
// placement reads it as the room the host has left, the operator as what the network holds.
// It changes only in the transaction that adds or removes those records (recordReplicas,
// forget), and only by an increment the database applies to the row as it is then
// (stored_bytes = stored_bytes + n). Writing back a value read earlier loses the bytes of every
// transaction that committed in between: receipts for chunks stored on the same host arrive
// side by side. Rows are locked in one order, replica records by chunk and host before hosts
// by id, so two transactions on the same hosts wait for each other instead of deadlocking.

type Holder = { hostId: string; country: string; labels: Record<string, string> };

/** Which hosts (with their countries and tags) hold each chunk. */
export async function replicasOf(db: DbOrTx, ids: readonly string[]) {
  const out = new Map<string, Holder[]>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('chunk_replicas as r')
      .innerJoin('hosts as h', 'h.id', 'r.host_id')
      .select(['r.chunk_id', 'r.host_id', 'h.country', 'h.tags'])
      .where('r.chunk_id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const r of rows) {
      const list = out.get(r.chunk_id) ?? [];
      list.push({ hostId: r.host_id, country: r.country, labels: tagsOf(r) });
      out.set(r.chunk_id, list);
    }
  }
  return out;
}

/** Copies the policy still needs: its replica count less the distinct countries that fit it. */
export function missingReplicas(policy: PlacementPolicy, have: readonly Holder[] = []): number {
  const countries = new Set(have.filter((h) => hostAllowed(policy, h)).map((h) => h.country));
  return Math.max(0, policy.replicas - countries.size);
}

/** Where chunks (the caller may read) are, each replica with a get token. */
export async function locate(
  hub: Hub,
  ids: string[],
): Promise<RouteResponse<'locateChunks'>['chunks']> {
  const sizes = new Map<string, number>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await hub.db
      .selectFrom('chunks')
      .select(['id', 'size'])
      .where('id', 'in', ids.slice(i, i + 500))
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
    const list = (replicas.get(chunk) ?? [])
      .map((r) => hosts.get(r.hostId))
      .filter((h) => h !== undefined)
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
        token: capability(hub, { host: h.id, op: 'get', chunk, max: size }),
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

/**
 * Records replicas (inside the caller's transaction) and adds the bytes of those not recorded
 * before to their hosts' stored bytes ([Note: Stored bytes]).
 */
export async function recordReplicas(tx: DbOrTx, replicas: readonly NewReplica[]) {
  const added = new Map<string, number>();
  const ordered = [...replicas].sort(
    (a, b) => a.chunk.localeCompare(b.chunk) || a.host.localeCompare(b.host),
  );
  for (const r of ordered) {
    const inserted = await tx
      .insertInto('chunk_replicas')
      .values({ chunk_id: r.chunk, host_id: r.host, receipt: r.receipt, stored_at: r.at })
      .onConflict((oc) => oc.columns(['chunk_id', 'host_id']).doNothing())
      .executeTakeFirst();
    if ((inserted.numInsertedOrUpdatedRows ?? 0n) > 0n) {
      added.set(r.host, (added.get(r.host) ?? 0) + r.size);
    }
  }
  for (const [host, bytes] of [...added].sort(([a], [b]) => a.localeCompare(b))) {
    await tx
      .updateTable('hosts')
      .set((eb) => ({ stored_bytes: eb('stored_bytes', '+', bytes) }))
      .where('id', '=', host)
      .execute();
  }
}

/** Forgets one replica of a chunk, and its bytes in the host's stored bytes. */
export async function forget(hub: Hub, chunk: string, hostId: string, size: number) {
  await hub.db.transaction().execute(async (tx) => {
    const gone = await tx
      .deleteFrom('chunk_replicas')
      .where('chunk_id', '=', chunk)
      .where('host_id', '=', hostId)
      .executeTakeFirst();
    if (gone.numDeletedRows > 0n) {
      await tx
        .updateTable('hosts')
        .set((eb) => ({
          stored_bytes: sql<number>`case when ${eb.ref('stored_bytes')} > ${size} then ${eb.ref('stored_bytes')} - ${size} else 0 end`,
        }))
        .where('id', '=', hostId)
        .execute();
    }
  });
}
