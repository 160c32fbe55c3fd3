import { ConflictError } from '@coffer/errors';
import type { NodeInfo } from '@coffer/protocol';
import { sql } from 'kysely';
import type { DbOrTx, NodesTable } from '../db/schema.ts';

// What every service that touches the tree shares: a node's wire form, the way up to the root
// and the way down, and the check on the key a write wrapped under its parent's.

export function nodeInfo(n: NodesTable, manifest?: string): NodeInfo {
  const info: NodeInfo = {
    id: n.id,
    parentId: n.parent_id,
    kind: n.kind,
    wrappedKey: n.wrapped_key,
    metadata: n.metadata,
    nameHash: n.name_hash,
    version: n.version,
    revision: n.revision,
    size: n.size,
    trashedAt: n.trashed_at,
    createdAt: n.created_at,
    updatedAt: n.updated_at,
  };
  if (manifest !== undefined) info.manifest = manifest;
  info.authorId = n.author_id;
  info.signature = n.signature;
  info.keyVersion = Number(n.key_version ?? 1);
  return info;
}

/**
 * A write that wrapped a key under `parent`'s key says which version of that key it used; a
 * stale one (the folder's keys were rotated meanwhile, say after a share member was removed)
 * gets 409, so nothing new lands under a key the removed member holds.
 */
export function checkParentKey(parent: NodesTable, sent: number | undefined, field: string) {
  if (sent !== undefined && sent !== Number(parent.key_version)) {
    throw new ConflictError(
      `${field}: the folder's keys changed (now version ${parent.key_version}, you used ${sent}); reload and retry`,
    );
  }
}

/** `id`, its parent, its parent's parent… up to the root, in that order, in one query. */
export async function ancestry(db: DbOrTx, id: string): Promise<string[]> {
  const r = await sql<{ id: string; parent_id: string | null }>`
    with recursive up(id, parent_id) as (
      select id, parent_id from nodes where id = ${id}
      union
      select n.id, n.parent_id from nodes n join up on n.id = up.parent_id
    ) select id, parent_id from up`.execute(db);
  const parent = new Map(r.rows.map((x) => [x.id, x.parent_id]));
  const chain: string[] = [];
  for (let at: string | null | undefined = id; at && parent.has(at) && !chain.includes(at); ) {
    chain.push(at);
    at = parent.get(at);
  }
  return chain;
}

/** Every node id under `id`, itself included. */
export async function subtree(db: DbOrTx, id: string): Promise<string[]> {
  const r = await sql<{ id: string }>`
    with recursive sub(id) as (
      select id from nodes where id = ${id}
      union all
      select n.id from nodes n join sub on n.parent_id = sub.id
    ) select id from sub`.execute(db);
  return r.rows.map((x) => x.id);
}
