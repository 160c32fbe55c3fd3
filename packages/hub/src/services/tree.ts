import { ConflictError, ForbiddenError, ValidationError } from '@coffer/errors';
import type { NodeInfo, RouteBody, RouteQuery, RouteResponse } from '@coffer/protocol';
import type { Caller, Hub } from '../context.ts';
import { isUniqueViolation } from '../db/errors.ts';
import type { DbOrTx, NodesTable } from '../db/schema.ts';
import { slices } from '../db/slices.ts';
import { inTransaction } from '../db/transaction.ts';
import { ownNode, readableNode, shareAccess, writableNode } from './access.ts';
import { recordChanges } from './change-log.ts';
import { ancestry, checkParentKey, nodeInfo, subtree } from './nodes.ts';

const NAME_TAKEN = 'name: a file or folder with this name already exists here';

/** The share a node is in, for a caller who is not the tree's owner: moves stay inside it. */
async function shareIdFor(db: DbOrTx, c: Caller, id: string) {
  return (await shareAccess(db, c, id))?.share.id ?? null;
}

/** The parent a node may be created in or moved to: a live folder the caller may write to. */
async function liveFolder(db: DbOrTx, c: Caller, id: string, field: string): Promise<NodesTable> {
  const n = await writableNode(db, c, id, field, { shareRootToo: true });
  if (n.kind !== 'folder') throw new ValidationError(field, 'is a file, not a folder');
  if (n.trashed_at !== null) throw new ConflictError(`${field}: that folder is in the trash`);
  return n;
}

/**
 * Marks the caller's own shared folders with their member list's version, so the owner's
 * client knows whose signatures to accept inside them ([Note: Folder shares]).
 */
async function withShareVersions(db: DbOrTx, c: Caller, infos: NodeInfo[]): Promise<NodeInfo[]> {
  const folders = infos.filter((i) => i.kind === 'folder').map((i) => i.id);
  if (folders.length === 0) return infos;
  const shared = new Map<string, number>();
  for (const part of slices(folders)) {
    const rows = await db
      .selectFrom('shares')
      .select(['node_id', 'list_version'])
      .where('owner_id', '=', c.accountId)
      .where('node_id', 'in', part)
      .execute();
    for (const r of rows) shared.set(r.node_id, Number(r.list_version));
  }
  if (shared.size === 0) return infos;
  return infos.map((i) => {
    const v = shared.get(i.id);
    return v === undefined ? i : { ...i, shareVersion: v };
  });
}

async function manifestsOf(db: DbOrTx, nodes: NodesTable[]): Promise<Map<string, string>> {
  const files = nodes.filter((n) => n.kind === 'file' && n.revision !== null);
  const out = new Map<string, string>();
  for (const part of slices(files)) {
    const rows = await db
      .selectFrom('revisions as r')
      .innerJoin('nodes as n', (j) =>
        j.onRef('n.id', '=', 'r.node_id').onRef('n.revision', '=', 'r.revision'),
      )
      .select(['r.node_id', 'r.manifest'])
      .where(
        'r.node_id',
        'in',
        part.map((n) => n.id),
      )
      .execute();
    for (const r of rows) out.set(r.node_id, r.manifest);
  }
  return out;
}

export async function getNode(
  hub: Hub,
  c: Caller,
  id: string,
  include?: 'manifest',
): Promise<NodeInfo> {
  const n = await readableNode(hub.db, c, id);
  const [info] = await withShareVersions(hub.db, c, [
    nodeInfo(n, include === 'manifest' ? (await manifestsOf(hub.db, [n])).get(n.id) : undefined),
  ]);
  return info as NodeInfo;
}

export async function children(
  hub: Hub,
  c: Caller,
  id: string,
  q: RouteQuery<'children'>,
): Promise<RouteResponse<'children'>> {
  const parent = await readableNode(hub.db, c, id);
  if (parent.kind !== 'folder') throw new ValidationError('id', 'is a file, not a folder');
  const limit = Math.max(1, q.limit ?? 1000);
  let query = hub.db
    .selectFrom('nodes')
    .selectAll()
    .where('parent_id', '=', id)
    .where('trashed_at', 'is', null)
    .orderBy('id')
    .limit(limit + 1);
  if (q.after) query = query.where('id', '>', q.after);
  if (q.nameHash) query = query.where('name_hash', '=', q.nameHash);
  const rows = await query.execute();
  const page = rows.slice(0, limit);
  const manifests = q.include === 'manifest' ? await manifestsOf(hub.db, page) : null;
  return {
    nodes: await withShareVersions(
      hub.db,
      c,
      page.map((n) => nodeInfo(n, manifests?.get(n.id))),
    ),
    next: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
  };
}

export async function createFolder(
  hub: Hub,
  c: Caller,
  b: RouteBody<'createFolder'>,
): Promise<NodeInfo> {
  const parent = await liveFolder(hub.db, c, b.parentId, 'parentId');
  checkParentKey(parent, b.parentKeyVersion, 'parentKeyVersion');
  const exists = await hub.db
    .selectFrom('nodes')
    .select('id')
    .where('id', '=', b.id)
    .executeTakeFirst();
  if (exists) throw new ConflictError('id: a node with this id already exists');
  const now = hub.now();
  const row: NodesTable = {
    id: b.id,
    // A member's folder in a share belongs to the tree it is in: the owner's.
    account_id: parent.account_id,
    parent_id: b.parentId,
    kind: 'folder',
    wrapped_key: b.wrappedKey,
    metadata: b.metadata,
    name_hash: b.nameHash,
    version: 1,
    revision: null,
    size: 0,
    trashed_at: null,
    created_at: now,
    updated_at: now,
    author_id: c.accountId,
    signature: b.signature ?? null,
    key_version: 1,
  };
  try {
    await inTransaction(hub.db, async (tx) => {
      await tx.insertInto('nodes').values(row).execute();
      await recordChanges(hub, tx, [{ node: row }]);
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new ConflictError(NAME_TAKEN);
    throw e;
  }
  return nodeInfo(row);
}

/**
 * Applies `set` only if the node is still at `version`; otherwise 409, never a lost update.
 * The change feed hears of it in the same transaction.
 */
async function writeVersioned(
  hub: Hub,
  node: NodesTable,
  version: number,
  set: Partial<NodesTable>,
  now: number,
): Promise<NodesTable> {
  if (node.version !== version) {
    throw new ConflictError(
      `version: the node changed (now at version ${node.version}, you sent ${version}); reload and retry`,
    );
  }
  const next = { ...set, version: version + 1, updated_at: now };
  const updated = { ...node, ...next };
  try {
    await inTransaction(hub.db, async (tx) => {
      const r = await tx
        .updateTable('nodes')
        .set(next)
        .where('id', '=', node.id)
        .where('version', '=', version)
        .executeTakeFirst();
      if (r.numUpdatedRows === 0n) {
        throw new ConflictError('version: the node changed meanwhile; reload and retry');
      }
      await recordChanges(hub, tx, [{ node: updated, previousParentId: node.parent_id }]);
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new ConflictError(NAME_TAKEN);
    throw e;
  }
  return updated;
}

function notRoot(n: NodesTable) {
  if (n.parent_id === null) throw new ValidationError('id', 'the root folder cannot be changed');
}

export async function updateNode(
  hub: Hub,
  c: Caller,
  id: string,
  b: RouteBody<'updateNode'>,
): Promise<NodeInfo> {
  const node = await writableNode(hub.db, c, id);
  notRoot(node);
  if (node.trashed_at !== null) throw new ConflictError('id: restore it from the trash first');
  const parentId = b.parentId ?? node.parent_id;
  if (node.parent_id !== null && b.parentKeyVersion !== undefined) {
    const parent = await hub.db
      .selectFrom('nodes')
      .selectAll()
      .where('id', '=', parentId)
      .executeTakeFirstOrThrow();
    checkParentKey(parent, b.parentKeyVersion, 'parentKeyVersion');
  }
  if (b.parentId !== undefined && b.parentId !== node.parent_id) {
    const target = await liveFolder(hub.db, c, b.parentId, 'parentId');
    // Nothing moves between two people's trees, and a member moves things only within the
    // share (so nobody can carry a share's contents out of it, or into a folder of theirs).
    if (target.account_id !== node.account_id) {
      throw new ForbiddenError('parentId: things move only within one owner’s files');
    }
    if (
      node.account_id !== c.accountId &&
      (await shareIdFor(hub.db, c, b.parentId)) !== (await shareIdFor(hub.db, c, id))
    ) {
      throw new ForbiddenError('parentId: a member moves things only within the share');
    }
    // Shares do not nest: a shared folder (or one holding one) stays out of other shares.
    if (node.kind === 'folder' && (await shareIdFor(hub.db, c, b.parentId)) !== null) {
      const inside = await subtree(hub.db, id);
      const nested = await hub.db
        .selectFrom('shares')
        .select('id')
        .where('node_id', 'in', inside)
        .executeTakeFirst();
      if (nested) throw new ConflictError('parentId: a shared folder cannot go into another share');
    }
    // A folder cannot move into itself or anything under it.
    if ((await ancestry(hub.db, b.parentId)).includes(id)) {
      throw new ValidationError('parentId', 'cannot move a folder into itself');
    }
  }
  const updated = await writeVersioned(
    hub,
    node,
    b.version,
    {
      parent_id: parentId,
      name_hash: b.nameHash,
      wrapped_key: b.wrappedKey,
      metadata: b.metadata,
      author_id: c.accountId,
      signature: b.signature ?? null,
    },
    hub.now(),
  );
  return nodeInfo(updated);
}

export async function trashNode(hub: Hub, c: Caller, id: string, version: number) {
  const node = await writableNode(hub.db, c, id);
  notRoot(node);
  if (node.trashed_at !== null) throw new ConflictError('id: already in the trash');
  const now = hub.now();
  return nodeInfo(await writeVersioned(hub, node, version, { trashed_at: now }, now));
}

export async function restoreNode(hub: Hub, c: Caller, id: string, version: number) {
  const node = await ownNode(hub.db, c, id);
  if (node.trashed_at === null) throw new ConflictError('id: not in the trash');
  if (node.parent_id) {
    const parent = await ownNode(hub.db, c, node.parent_id, 'parentId');
    if (parent.trashed_at !== null) {
      throw new ConflictError('parentId: its folder is in the trash; restore that first');
    }
  }
  return nodeInfo(await writeVersioned(hub, node, version, { trashed_at: null }, hub.now()));
}

export async function revisions(
  hub: Hub,
  c: Caller,
  id: string,
): Promise<RouteResponse<'revisions'>> {
  const node = await readableNode(hub.db, c, id);
  if (node.kind !== 'file')
    throw new ValidationError('id', 'is a folder; folders have no revisions');
  const revs = await hub.db
    .selectFrom('revisions')
    .selectAll()
    .where('node_id', '=', id)
    .orderBy('revision', 'desc')
    .execute();
  const chunks = await hub.db
    .selectFrom('revision_chunks')
    .select(['revision', 'chunk_id'])
    .where('node_id', '=', id)
    .orderBy('revision')
    .orderBy('position')
    .execute();
  return {
    revisions: revs.map((r) => ({
      revision: r.revision,
      size: r.size,
      createdAt: r.created_at,
      manifest: r.manifest,
      chunkIds: chunks.filter((x) => x.revision === r.revision).map((x) => x.chunk_id),
    })),
  };
}
