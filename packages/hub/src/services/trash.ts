import { ConflictError, ForbiddenError } from '@coffer/errors';
import type { RouteResponse } from '@coffer/protocol';
import { sql, type Transaction } from 'kysely';
import type { Caller, Hub } from '../context.ts';
import type { Database, DbOrTx, NodesTable } from '../db/schema.ts';
import { slices } from '../db/slices.ts';
import { inTransaction } from '../db/transaction.ts';
import { ownNode } from './access.ts';
import { recordChanges } from './change-log.ts';
import { nodeInfo, subtree } from './nodes.ts';
import { forgetSharesOf } from './shares.ts';

// [Note: The trash on the hub]
// The trash is the caller's own nodes trashed directly (`trashed_at` set; what was under a
// trashed folder keeps its own null). Each is listed with the bytes it holds: every revision of
// everything under it, which is what purging it frees. Purging one, or emptying the trash,
// deletes the rows in one transaction, all or none; the chunks they leave unreferenced are
// garbage ([Note: Garbage collection]). Emptying takes the newest `trashedAt` the client
// listed, so what another device trashes while the user confirms is kept.

const MAX_LISTED = 10_000;

/** What the caller's trash holds: each item with its bytes, and the total. */
export async function listTrash(hub: Hub, c: Caller): Promise<RouteResponse<'trash'>> {
  const rows = await hub.db
    .selectFrom('nodes')
    .selectAll()
    .where('account_id', '=', c.accountId)
    .where('trashed_at', 'is not', null)
    .orderBy('trashed_at', 'desc')
    .limit(MAX_LISTED)
    .execute();
  const held = await heldBytes(hub.db, c.accountId);
  return {
    nodes: rows.map((n) => nodeInfo(n)),
    held: rows.map((n) => ({ id: n.id, bytes: held.byRoot.get(n.id) ?? 0 })),
    bytes: held.total,
  };
}

/**
 * The stored bytes of every revision under each trashed node, and of all of them (a node under
 * two trashed ones, a file trashed and then its folder, counted once).
 */
async function heldBytes(db: DbOrTx, accountId: string) {
  const under = sql`
    with recursive sub(root, id) as (
      select id, id from nodes where account_id = ${accountId} and trashed_at is not null
      union all
      select sub.root, n.id from nodes n join sub on n.parent_id = sub.id
    )`;
  const perRoot = await sql<{ root: string; bytes: string | number | null }>`
    ${under}
    select sub.root as root, sum(r.size) as bytes
    from sub join revisions r on r.node_id = sub.id
    group by sub.root`.execute(db);
  const total = await sql<{ bytes: string | number | null }>`
    ${under}
    select sum(r.size) as bytes
    from revisions r where r.node_id in (select id from sub)`.execute(db);
  return {
    byRoot: new Map(perRoot.rows.map((r) => [r.root, Number(r.bytes ?? 0)])),
    total: Number(total.rows[0]?.bytes ?? 0),
  };
}

/** Deletes a trashed node of the caller for good, with everything under it. */
export async function purgeNode(hub: Hub, c: Caller, id: string, version: number) {
  await inTransaction(hub.db, async (tx) => {
    const node = await ownNode(tx, c, id);
    if (node.trashed_at === null) {
      throw new ConflictError('id: only items in the trash can be purged; trash it first');
    }
    if (node.version !== version) {
      throw new ConflictError(`version: the node changed (now at version ${node.version})`);
    }
    await purgeInTx(hub, tx, c, id, 'id');
  });
  hub.kickGc();
}

/** Deletes for good every item the caller trashed at or before `upTo`, all or none. */
export async function emptyTrash(
  hub: Hub,
  c: Caller,
  upTo: number,
): Promise<RouteResponse<'emptyTrash'>> {
  const purged = await inTransaction(hub.db, async (tx) => {
    const roots = await tx
      .selectFrom('nodes')
      .select('id')
      .where('account_id', '=', c.accountId)
      .where('trashed_at', 'is not', null)
      .where('trashed_at', '<=', upTo)
      .orderBy('trashed_at')
      .execute();
    const gone = new Set<string>();
    for (const { id } of roots) {
      // A file trashed before its folder went with the folder already.
      if (gone.has(id)) continue;
      for (const x of await purgeInTx(hub, tx, c, id, 'trash')) gone.add(x);
    }
    return roots.length;
  });
  if (purged > 0) hub.kickGc();
  return { purged };
}

/** Deletes a node and everything under it inside `tx`; refuses if any of it is not the caller's. */
async function purgeInTx(
  hub: Hub,
  tx: Transaction<Database>,
  c: Caller,
  id: string,
  field: string,
): Promise<string[]> {
  const ids = await subtree(tx, id);
  const foreign = await tx
    .selectFrom('nodes')
    .select('id')
    .where('id', 'in', ids.length ? ids : [id])
    .where('account_id', '!=', c.accountId)
    .executeTakeFirst();
  if (foreign) throw new ForbiddenError(`${field}: it holds items that are not yours`);
  const gone: NodesTable[] = [];
  const order = new Map(ids.map((x, i) => [x, i]));
  for (const part of slices(ids)) {
    gone.push(...(await tx.selectFrom('nodes').selectAll().where('id', 'in', part).execute()));
  }
  // Told before the rows and the shares under them go: who saw them is found through those.
  await recordChanges(
    hub,
    tx,
    gone
      .map((node) => ({ node, deleted: true }))
      .sort((a, b) => (order.get(a.node.id) ?? 0) - (order.get(b.node.id) ?? 0)),
  );
  await forgetSharesOf(tx, ids);
  for (const part of slices(ids)) {
    await tx.deleteFrom('revision_chunks').where('node_id', 'in', part).execute();
    await tx.deleteFrom('revisions').where('node_id', 'in', part).execute();
  }
  // Children first, so no row ever points at a deleted parent.
  for (const part of [...ids].reverse()) {
    await tx.deleteFrom('nodes').where('id', '=', part).execute();
  }
  return ids;
}
