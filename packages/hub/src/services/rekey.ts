import { ConflictError } from '@coffer/errors';
import type { RouteBody, RouteQuery, RouteResponse } from '@coffer/protocol';
import type { Caller, Hub } from '../context.ts';
import { isUniqueViolation } from '../db/errors.ts';
import type { DbOrTx, NodesTable, SharesTable } from '../db/schema.ts';
import { slices } from '../db/slices.ts';
import { inTransaction } from '../db/transaction.ts';
import { ownShare } from './access.ts';
import { nodeInfo, subtree } from './nodes.ts';

// [Note: Key rotation on the hub]
// When a member is removed, the owner gives every node under the shared folder a new key
// (docs/security.md §10). The new wrapped keys, metadata, name hashes and manifests are staged
// a batch at a time with stageRekey; the member list with the next key version then swaps them
// all in, in one transaction, or 409s if they do not cover exactly the nodes and revisions
// there are now, each at the version it was made from. Nothing is ever half rotated.

export async function shareTree(
  hub: Hub,
  c: Caller,
  id: string,
  q: RouteQuery<'shareTree'>,
): Promise<RouteResponse<'shareTree'>> {
  const s = await ownShare(hub.db, c, id);
  const limit = q.limit ?? 1000;
  const ids = (await subtree(hub.db, s.node_id))
    .filter((x) => q.after === undefined || x > q.after)
    .sort()
    .slice(0, limit + 1);
  const page = ids.slice(0, limit);
  const nodes = page.length
    ? await hub.db.selectFrom('nodes').selectAll().where('id', 'in', page).orderBy('id').execute()
    : [];
  const revisions = page.length
    ? await hub.db
        .selectFrom('revisions')
        .select(['node_id', 'revision', 'manifest'])
        .where('node_id', 'in', page)
        .orderBy('node_id')
        .orderBy('revision')
        .execute()
    : [];
  return {
    nodes: nodes.map((n) => nodeInfo(n)),
    revisions: revisions.map((r) => ({
      nodeId: r.node_id,
      revision: Number(r.revision),
      manifest: r.manifest,
    })),
    next: ids.length > limit ? (page.at(-1) ?? null) : null,
  };
}

export async function stageRekey(
  hub: Hub,
  c: Caller,
  id: string,
  b: RouteBody<'stageRekey'>,
): Promise<void> {
  const s = await ownShare(hub.db, c, id);
  if (b.keyVersion !== Number(s.key_version) + 1) {
    throw new ConflictError(
      `keyVersion: the share is at key version ${s.key_version}; stage ${Number(s.key_version) + 1}`,
    );
  }
  const at = { share_id: id, key_version: b.keyVersion };
  await inTransaction(hub.db, async (tx) => {
    // An older, abandoned rotation's leftovers go first; a batch staged again replaces itself.
    for (const table of ['rekey_nodes', 'rekey_revisions'] as const)
      await tx
        .deleteFrom(table)
        .where('share_id', '=', id)
        .where('key_version', '<', b.keyVersion)
        .execute();
    const again = (table: 'rekey_nodes' | 'rekey_revisions', nodeIds: string[]) =>
      tx
        .deleteFrom(table)
        .where('share_id', '=', id)
        .where('key_version', '=', b.keyVersion)
        .where('node_id', 'in', nodeIds)
        .execute();
    for (const part of slices(b.nodes)) {
      await again(
        'rekey_nodes',
        part.map((n) => n.id),
      );
      await tx
        .insertInto('rekey_nodes')
        .values(
          part.map((n) => ({
            ...at,
            node_id: n.id,
            node_version: n.version,
            wrapped_key: n.wrappedKey,
            metadata: n.metadata,
            name_hash: n.nameHash,
            signature: n.signature,
          })),
        )
        .execute();
    }
    const revised = [...new Set(b.revisions.map((r) => r.nodeId))];
    for (const part of slices(revised)) await again('rekey_revisions', part);
    for (const part of slices(b.revisions)) {
      await tx
        .insertInto('rekey_revisions')
        .values(
          part.map((r) => ({
            ...at,
            node_id: r.nodeId,
            revision: r.revision,
            manifest: r.manifest,
          })),
        )
        .execute();
    }
  });
}

/**
 * Swaps in a staged rotation (inside putShare's transaction), all or nothing; returns the nodes
 * as they are now, for the change feed.
 */
export async function applyRekey(
  tx: DbOrTx,
  s: SharesTable,
  keyVersion: number,
  now: number,
): Promise<NodesTable[]> {
  const rekeyed: NodesTable[] = [];
  const ids = await subtree(tx, s.node_id);
  const staged = new Map(
    (
      await tx
        .selectFrom('rekey_nodes')
        .selectAll()
        .where('share_id', '=', s.id)
        .where('key_version', '=', keyVersion)
        .execute()
    ).map((r) => [r.node_id, r]),
  );
  const changed = () =>
    new ConflictError(
      'keys: the shared folder changed while its keys were being rotated; rotate them again',
    );
  if (staged.size !== ids.length) throw changed();
  const stagedRevisions = await tx
    .selectFrom('rekey_revisions')
    .select(['node_id', 'revision', 'manifest'])
    .where('share_id', '=', s.id)
    .where('key_version', '=', keyVersion)
    .execute();
  const manifests = new Map(stagedRevisions.map((r) => [`${r.node_id}/${r.revision}`, r.manifest]));
  for (const part of slices(ids)) {
    const nodes = await tx
      .selectFrom('nodes')
      .selectAll()
      .where('id', 'in', part)
      .orderBy('id')
      .execute();
    const revisions = await tx
      .selectFrom('revisions')
      .select(['node_id', 'revision'])
      .where('node_id', 'in', part)
      .execute();
    for (const r of revisions) {
      const manifest = manifests.get(`${r.node_id}/${r.revision}`);
      if (manifest === undefined) throw changed();
      manifests.delete(`${r.node_id}/${r.revision}`);
      await tx
        .updateTable('revisions')
        .set({ manifest })
        .where('node_id', '=', r.node_id)
        .where('revision', '=', r.revision)
        .execute();
    }
    for (const n of nodes) {
      const next = staged.get(n.id);
      if (!next || Number(next.node_version) !== n.version) throw changed();
      const set = {
        wrapped_key: next.wrapped_key,
        metadata: next.metadata,
        name_hash: n.name_hash === null ? null : next.name_hash,
        signature: next.signature,
        author_id: s.owner_id,
        key_version: Number(n.key_version) + 1,
        version: n.version + 1,
        updated_at: now,
      };
      rekeyed.push({ ...n, ...set });
      try {
        const r = await tx
          .updateTable('nodes')
          .set(set)
          .where('id', '=', n.id)
          // As read above: a write that committed since (a rename, a new revision) makes this
          // rotation stale rather than being overwritten by it.
          .where('version', '=', n.version)
          .executeTakeFirst();
        if (r.numUpdatedRows === 0n) throw changed();
      } catch (e) {
        if (isUniqueViolation(e)) throw changed();
        throw e;
      }
    }
  }
  if (manifests.size > 0) throw changed();
  await tx.deleteFrom('rekey_nodes').where('share_id', '=', s.id).execute();
  await tx.deleteFrom('rekey_revisions').where('share_id', '=', s.id).execute();
  return rekeyed;
}
