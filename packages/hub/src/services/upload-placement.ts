import { ConnectionError, QuotaError, ValidationError } from '@coffer/errors';
import type { Replica, RouteBody, RouteResponse } from '@coffer/protocol';
import type { Hub } from '../context.ts';
import type { DbOrTx } from '../db/schema.ts';
import { slices } from '../db/slices.ts';
import { capability } from './capability.ts';
import { type HostView, hostViews, inGoodStanding } from './host-state.ts';
import { refuseRepeats } from './input.ts';
import { choosePlacement, type Holding, onPersonal, type Placement } from './placement.ts';
import { replicasOf } from './replicas.ts';

// Placement for an upload: which hosts take its chunks ([Note: Placement]), with a put token
// for each, and the chunks it holds.

/** The chunks of an upload among `ids`: their sizes and the policies they were placed for. */
export async function uploadChunks(hub: Hub, uploadId: string, ids: readonly string[]) {
  const out = new Map<string, { size: number; policy: Placement }>();
  for (const part of slices(ids)) {
    const rows = await hub.db
      .selectFrom('upload_chunks')
      .select(['chunk_id', 'size', 'policy'])
      .where('upload_id', '=', uploadId)
      .where('chunk_id', 'in', part)
      .execute();
    for (const r of rows) {
      const policy = r.policy ? (JSON.parse(r.policy) as Placement) : hub.config.placement;
      out.set(r.chunk_id, { size: r.size, policy });
    }
  }
  return out;
}

/** Deletes an upload and its hold on its chunks, inside the caller's transaction. */
export async function endUpload(tx: DbOrTx, uploadId: string) {
  await tx.deleteFrom('upload_chunks').where('upload_id', '=', uploadId).execute();
  await tx.deleteFrom('uploads').where('id', '=', uploadId).execute();
}

/**
 * Chooses hosts for chunks of an (already authorized) upload, for `policy` (the network's when
 * null), and remembers the chunks as part of the upload.
 */
export async function placeInUpload(
  hub: Hub,
  id: string,
  b: Pick<RouteBody<'placeChunks'>, 'chunks' | 'exclude'>,
  folderPolicy: Placement | null,
  /** How long the put tokens live ([Note: Capabilities for apps]). */
  ttlSeconds = hub.config.tokenTtlSeconds,
): Promise<RouteResponse<'placeChunks'>> {
  refuseRepeats(
    b.chunks,
    (x) => x.id,
    (i) => `chunks.${i}.id`,
  );
  const ids = b.chunks.map((x) => x.id);
  const known = new Map(
    [...(await uploadChunks(hub, id, ids))].map(([chunk, { size }]) => [chunk, size]),
  );
  // Sorted, so that two placements for one upload lock its rows in the same order.
  const fresh = b.chunks.filter((x) => !known.has(x.id)).sort((a, c) => a.id.localeCompare(c.id));
  for (const [i, chunk] of b.chunks.entries()) {
    const size = known.get(chunk.id);
    if (size !== undefined && size !== chunk.size) {
      throw new ValidationError(`chunks.${i}.size`, `was ${size} when first placed`);
    }
  }
  const policy = folderPolicy ?? hub.config.placement;
  const policyText = folderPolicy ? JSON.stringify(folderPolicy) : null;
  for (const part of slices(fresh, 200)) {
    await hub.db
      .insertInto('upload_chunks')
      .values(
        part.map((x) => ({ upload_id: id, chunk_id: x.id, size: x.size, policy: policyText })),
      )
      .onConflict((oc) => oc.columns(['upload_id', 'chunk_id']).doNothing())
      .execute();
  }
  const placedBefore = ids.filter((x) => known.has(x)).sort();
  for (const part of slices(placedBefore)) {
    await hub.db
      .updateTable('upload_chunks')
      .set({ policy: policyText })
      .where('upload_id', '=', id)
      .where('chunk_id', 'in', part)
      .execute();
  }
  const hosts = await hostViews(hub);
  const replicas = await replicasOf(hub.db, ids);
  const exclude = new Set(b.exclude ?? []);
  const reserved = new Map<string, number>();
  const placements = b.chunks.map((chunk, i) => {
    const have = replicas.get(chunk.id) ?? [];
    const chosen = choosePlacement(
      hosts,
      policy,
      chunk.size,
      have,
      exclude,
      reserved,
      hub.config.vetting.share,
    );
    if (!chosen)
      throw noPlacement(hosts, policy, chunk.size, have, exclude, reserved, {
        field: `chunks.${i}`,
        whose: folderPolicy ? "folder's" : "network's",
      });
    for (const h of chosen) reserved.set(h.id, (reserved.get(h.id) ?? 0) + chunk.size);
    const targets: Replica[] = chosen.map((h, k) => ({
      hostId: h.id,
      url: h.url,
      country: h.country,
      token: capability(
        hub,
        {
          host: h.id,
          op: 'put',
          chunk: chunk.id,
          max: chunk.size,
          ...(k + 1 < chosen.length
            ? { fwd: chosen.slice(k + 1).map((n) => ({ host: n.id, url: n.url })) }
            : {}),
        },
        ttlSeconds,
      ),
    }));
    return { id: chunk.id, targets };
  });
  return { placements };
}

/**
 * Why `policy` cannot be met for a chunk of `size` now: a ConnectionError when it could be with
 * hosts that are offline for the moment (restarting, or the hub is and has not heard from them
 * yet), so a retry shortly may pass; a QuotaError when the network has no room for it.
 */
export function noPlacement(
  hosts: readonly HostView[],
  policy: Placement,
  size: number,
  have: readonly Holding[],
  exclude: ReadonlySet<string>,
  reserved: ReadonlyMap<string, number>,
  o: { field: string; whose: string },
): Error {
  const personalOnly = { ...policy, on: 'personal' as const };
  const everyone = hosts.map((h) => ({ ...h, online: inGoodStanding(h) }));
  if (choosePlacement(everyone, policy, size, have, exclude, reserved)) {
    return new ConnectionError(
      onPersonal(policy) && !choosePlacement(hosts, personalOnly, size, have, exclude, reserved)
        ? `${o.field}: the folder is kept on your personal servers and none is online right now; retry when one is`
        : `${o.field}: too few hosts online in distinct countries right now; retry shortly`,
    );
  }
  if (onPersonal(policy) && !choosePlacement(everyone, personalOnly, size, have, exclude, reserved))
    return new QuotaError(
      `${o.field}: the folder is kept on your personal servers and none has room for it`,
    );
  return new QuotaError(
    `${o.field}: not enough hosts with free space in distinct countries that the ${o.whose} placement policy allows (it needs ${policy.replicas})`,
  );
}
