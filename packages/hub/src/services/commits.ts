import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '@coffer/errors';
import type { FileCommit, NodeInfo } from '@coffer/protocol';
import type { Insertable, Transaction } from 'kysely';
import type { Caller, Hub } from '../context.ts';
import { isUniqueViolation } from '../db/errors.ts';
import type { Database, NodesTable, RevisionChunksTable, RevisionsTable } from '../db/schema.ts';
import { slices } from '../db/slices.ts';
import { shareAccess, writableNode } from './access.ts';
import { type NodeChange, recordChanges } from './change-log.ts';
import { checkParentKey, nodeInfo } from './nodes.ts';
import { missingCopies } from './placement.ts';
import { effectivePolicies } from './policies.ts';
import { replicasOf } from './replicas.ts';
import { checkQuota } from './usage.ts';

// Step 4 of [Note: Upload]: stored chunks become files and revisions, all or none. An account's
// upload and a file request's accepted drops both end here.

/** Runs a commit, turning a clash on a name into a ConflictError that says so. */
export async function withNameConflicts<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (isUniqueViolation(e)) {
      throw new ConflictError('name: a file or folder with this name already exists here');
    }
    throw e;
  }
}

/**
 * Creates files or new revisions inside `tx`, all or none. Every chunk must be among those
 * `readable` says the caller may use, with receipts from the hosts its folder's policy needs.
 */
export async function commitFiles(
  hub: Hub,
  tx: Transaction<Database>,
  c: Caller,
  files: readonly FileCommit[],
  fieldOf: (i: number) => string,
  readable: (chunkIds: string[]) => Promise<Set<string>>,
): Promise<NodeInfo[]> {
  const chunkIds = [...new Set(files.flatMap((f) => f.chunkIds))];
  const now = hub.now();
  const nodes: NodeInfo[] = [];
  const written: NodeChange[] = [];
  // The parents first: nothing about a folder the caller may not write to is told.
  const parents = new Map<string, NodesTable>();
  for (const [i, f] of files.entries()) {
    if (parents.has(f.parentId)) continue;
    parents.set(
      f.parentId,
      await writableNode(tx, c, f.parentId, `${fieldOf(i)}.parentId`, { shareRootToo: true }),
    );
  }
  const usable = await readable(chunkIds);
  const replicas = await replicasOf(tx, chunkIds);
  const known = new Set<string>();
  for (const part of slices(chunkIds)) {
    const rows = await tx.selectFrom('chunks').select('id').where('id', 'in', part).execute();
    for (const r of rows) known.add(r.id);
  }
  const policies = await effectivePolicies(hub, tx, [...new Set(files.map((f) => f.parentId))]);
  for (const [i, f] of files.entries()) {
    const policy = policies.get(f.parentId) ?? hub.config.placement;
    for (const [k, chunk] of f.chunkIds.entries()) {
      const field = `${fieldOf(i)}.chunkIds.${k}`;
      if (!usable.has(chunk) || !known.has(chunk)) {
        throw new ValidationError(field, 'has no receipts in this upload');
      }
      const missing = missingCopies(policy, replicas.get(chunk));
      if (missing > 0) {
        throw new ValidationError(
          field,
          `needs receipts from ${missing} more host(s) in distinct countries that the placement policy of the folder allows (place chunks with the folder named in "folders")`,
        );
      }
    }
  }
  // Each tree's owner pays for what lands in it; checked in this transaction, before any write.
  const adding = new Map<string, number>();
  for (const f of files) {
    const owner = (parents.get(f.parentId) as NodesTable).account_id;
    adding.set(owner, (adding.get(owner) ?? 0) + f.size);
  }
  for (const [owner, bytes] of adding) await checkQuota(hub, tx, owner, bytes, c);
  const existing = new Map<string, NodesTable>();
  const ids = files.map((f) => f.nodeId);
  for (const part of slices(ids)) {
    const rows = await tx.selectFrom('nodes').selectAll().where('id', 'in', part).execute();
    for (const r of rows) existing.set(r.id, r);
  }
  const inserts: Inserts = { nodes: [], revisions: [], chunks: [], ids: new Set() };
  for (const [i, f] of files.entries()) {
    const field = fieldOf(i);
    const parent = parents.get(f.parentId) as NodesTable;
    if (parent.kind !== 'folder') throw new ValidationError(`${field}.parentId`, 'is a file');
    if (parent.trashed_at !== null) {
      throw new ConflictError(`${field}.parentId: that folder is in the trash`);
    }
    checkParentKey(parent, f.parentKeyVersion, `${field}.parentKeyVersion`);
    const { row, previousParentId } = await commitFile(
      tx,
      c,
      f,
      field,
      now,
      parent.account_id,
      existing.get(f.nodeId),
      inserts,
    );
    written.push({ node: row, previousParentId });
    nodes.push(nodeInfo(row));
  }
  await insertAll(tx, inserts);
  await recordChanges(hub, tx, written);
  return nodes;
}

async function commitFile(
  tx: Transaction<Database>,
  c: Caller,
  f: FileCommit,
  field: string,
  now: number,
  /** Whose tree the file is in: the caller's, or a share owner's. */
  treeOwner: string,
  existing: NodesTable | undefined,
  inserts: Inserts,
): Promise<{ row: NodesTable; previousParentId: string | null }> {
  // One id twice in one commit: the second finds the first, as if committed one by one.
  if (inserts.ids.has(f.nodeId)) {
    throw new ConflictError(`${field}.nodeId: the file exists; send its version to replace it`);
  }
  inserts.ids.add(f.nodeId);
  let row: NodesTable;
  if (existing) {
    // A new revision stays in the tree the file is in.
    if (existing.account_id !== treeOwner) {
      throw new ConflictError(`${field}.nodeId: this id is taken`);
    }
    if (existing.account_id !== c.accountId) {
      // A writer's new revision of a file in a share: the file must be in that same share.
      const here = await shareAccess(tx, c, existing.id);
      if (here?.role !== 'write') throw new ConflictError(`${field}.nodeId: this id is taken`);
      if ((await shareAccess(tx, c, f.parentId))?.share.id !== here.share.id) {
        throw new ForbiddenError(`${field}.parentId: a member moves things only within the share`);
      }
    }
    if (existing.kind !== 'file') throw new ValidationError(`${field}.nodeId`, 'is a folder');
    if (f.version === undefined) {
      throw new ConflictError(`${field}.nodeId: the file exists; send its version to replace it`);
    }
    if (existing.version !== f.version || existing.trashed_at !== null) {
      throw new ConflictError(
        `${field}.version: the file changed (now at version ${existing.version}); reload and retry`,
      );
    }
    if (f.revision !== (existing.revision ?? 0) + 1) {
      throw new ConflictError(`${field}.revision: expected ${(existing.revision ?? 0) + 1}`);
    }
    row = {
      ...existing,
      parent_id: f.parentId,
      name_hash: f.nameHash,
      wrapped_key: f.wrappedKey,
      metadata: f.metadata,
      version: existing.version + 1,
      revision: f.revision,
      size: f.size,
      updated_at: now,
      author_id: c.accountId,
      signature: f.signature ?? null,
    };
    const r = await tx
      .updateTable('nodes')
      .set(row)
      .where('id', '=', f.nodeId)
      .where('version', '=', f.version)
      .executeTakeFirst();
    if (r.numUpdatedRows === 0n) throw new ConflictError(`${field}.version: changed meanwhile`);
  } else {
    if (f.version !== undefined) throw new NotFoundError(`${field}.nodeId: no such file`);
    if (f.revision !== 1) throw new ValidationError(`${field}.revision`, 'a new file starts at 1');
    row = {
      id: f.nodeId,
      account_id: treeOwner,
      parent_id: f.parentId,
      kind: 'file',
      wrapped_key: f.wrappedKey,
      metadata: f.metadata,
      name_hash: f.nameHash,
      version: 1,
      revision: 1,
      size: f.size,
      trashed_at: null,
      created_at: now,
      updated_at: now,
      author_id: c.accountId,
      signature: f.signature ?? null,
      key_version: 1,
    };
    inserts.nodes.push(row);
  }
  inserts.revisions.push({
    node_id: f.nodeId,
    revision: f.revision,
    manifest: f.manifest,
    size: f.size,
    created_at: now,
  });
  for (const [position, chunk] of f.chunkIds.entries()) {
    inserts.chunks.push({
      node_id: f.nodeId,
      revision: f.revision,
      position,
      chunk_id: chunk,
    });
  }
  return { row, previousParentId: existing?.parent_id ?? f.parentId };
}

/** The rows a commit adds, written together: a statement per file cost more than its row. */
interface Inserts {
  nodes: NodesTable[];
  revisions: Insertable<RevisionsTable>[];
  chunks: Insertable<RevisionChunksTable>[];
  /** The node ids seen so far in this commit. */
  ids: Set<string>;
}

/** Rows per statement: well under the bound parameters SQLite and Postgres take. */
const ROWS_PER_INSERT = 200;

async function insertAll(tx: Transaction<Database>, rows: Inserts) {
  for (const part of slices(rows.nodes, ROWS_PER_INSERT)) {
    await tx.insertInto('nodes').values(part).execute();
  }
  for (const part of slices(rows.revisions, ROWS_PER_INSERT)) {
    await tx.insertInto('revisions').values(part).execute();
  }
  for (const part of slices(rows.chunks, ROWS_PER_INSERT)) {
    await tx.insertInto('revision_chunks').values(part).execute();
  }
}
