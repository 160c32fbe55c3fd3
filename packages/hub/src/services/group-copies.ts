import { NotFoundError, ValidationError } from '@coffer/errors';
import type { GroupCopyInfo, NodeInfo, RouteBody } from '@coffer/protocol';
import type { Caller, Hub } from '../context.ts';
import type { DbOrTx, GroupCopiesTable } from '../db/schema.ts';
import { slices } from '../db/slices.ts';
import { inTransaction } from '../db/transaction.ts';
import { commitFiles, withNameConflicts } from './commits.ts';
import { failRunningJobs, planCopyJobs, revisionChunks } from './copy-plans.ts';
import { newRecordId } from './ids.ts';
import { missingCopies, type Placement } from './placement.ts';
import { policyForFolders } from './policies.ts';
import { replicasOf } from './replicas.ts';
import { readableGroup } from './shelves.ts';

// [Note: Copies from groups]
// A member copies the file another member's shelf entry offers into a folder of their own.
// The author named the file (node and revision) when publishing; the hub checks it is theirs
// then, and again now. The hub plans where the copies go exactly as for an upload into that
// folder: its policy, with the member as owner, so "personal" means the member's personal
// servers and nobody else's. It orders host-to-host copy jobs ([Note: Direct copies] in
// protocol/src/copy-orders.ts) from hosts holding the chunks to those it chose; no content
// passes through the hub or the member's client. Meanwhile the copy holds its chunks against
// garbage collection (the author may delete the file) and counts for repair as a requirement
// of its own (chunkPolicies), like an upload in progress, for `uploadTtlHours`.
//
// Once every chunk is where the policy wants it, the member's client verifies the author's
// manifest (which the hub serves with the copy, sealed under the file key the entry carries),
// signs a manifest of its own over the same chunks, and adopts the copy: a commit into the
// folder whose only usable chunks are the copy's. The file is then the member's like any other;
// it no longer depends on the author's file, group or server.
//
// A member who leaves or is removed loses their copies in progress at once: the rows go and
// the jobs fail, so the copier issues no further order for them.

/** A copy, if it is the caller's, they are still in its group, and it has not expired. */
async function ownCopy(hub: Hub, db: DbOrTx, c: Caller, id: string) {
  const row = await db
    .selectFrom('group_copies')
    .selectAll()
    .where('id', '=', id)
    .where('account_id', '=', c.accountId)
    .executeTakeFirst();
  if (!row || row.expires_at < hub.now()) throw new NotFoundError('id: no such copy');
  await readableGroup(db, row.group_id, c.accountId);
  return row;
}

/** The file an entry offers, checked to be its author's still. */
async function offeredFile(hub: Hub, c: Caller, groupId: string, entryId: string) {
  await readableGroup(hub.db, groupId, c.accountId);
  const e = await hub.db
    .selectFrom('shelf_entries')
    .select(['author_id', 'file_node_id', 'file_revision'])
    .where('group_id', '=', groupId)
    .where('entry_id', '=', entryId)
    .executeTakeFirst();
  if (!e) throw new NotFoundError('entryId: no such entry in this group');
  if (e.author_id === c.accountId)
    throw new ValidationError('entryId', 'is on your own shelf: the file is yours already');
  if (e.file_node_id === null || e.file_revision === null)
    throw new ValidationError(
      'entryId',
      'offers no file to copy (it was published before copies existed); ask its author to publish it again',
    );
  const revision = await hub.db
    .selectFrom('revisions as r')
    .innerJoin('nodes as n', 'n.id', 'r.node_id')
    .select(['r.manifest', 'n.trashed_at'])
    .where('n.id', '=', e.file_node_id)
    .where('n.account_id', '=', e.author_id)
    .where('r.revision', '=', Number(e.file_revision))
    .executeTakeFirst();
  if (!revision || revision.trashed_at !== null)
    throw new NotFoundError('entryId: its author no longer keeps this version of the file');
  return { nodeId: e.file_node_id, revision: Number(e.file_revision), manifest: revision.manifest };
}

export async function copyEntry(
  hub: Hub,
  c: Caller,
  groupId: string,
  entryId: string,
  b: RouteBody<'copyShelfEntry'>,
): Promise<GroupCopyInfo> {
  const file = await offeredFile(hub, c, groupId, entryId);
  const folder = await hub.db
    .selectFrom('nodes')
    .select(['kind', 'trashed_at'])
    .where('id', '=', b.folderId)
    .where('account_id', '=', c.accountId)
    .executeTakeFirst();
  if (!folder) throw new NotFoundError('folderId: you have no such folder');
  if (folder.kind !== 'folder') throw new ValidationError('folderId', 'is a file, not a folder');
  if (folder.trashed_at !== null) throw new ValidationError('folderId', 'is in the trash');
  const existing = await hub.db
    .selectFrom('group_copies')
    .selectAll()
    .where('account_id', '=', c.accountId)
    .where('group_id', '=', groupId)
    .where('entry_id', '=', entryId)
    .where('folder_id', '=', b.folderId)
    .where('expires_at', '>', hub.now())
    .executeTakeFirst();
  if (existing && existing.node_id === file.nodeId && existing.revision === file.revision) {
    // Asked again: resume what a failed job left undone.
    const info = await copyInfo(hub, existing);
    if (info.state !== 'failed') return info;
    await planJobs(hub, existing);
    return copyInfo(hub, existing);
  }
  if (existing) await dropCopies(hub, [existing.id], 'the author published a newer version');

  const chunks = [...(await revisionChunks(hub.db, file.nodeId, file.revision))];
  if (chunks.length === 0)
    throw new NotFoundError('entryId: the file has no stored chunks left to copy');
  const policy = await policyForFolders(hub, hub.db, [b.folderId]);
  const now = hub.now();
  const row: GroupCopiesTable = {
    id: newRecordId(),
    account_id: c.accountId,
    group_id: groupId,
    entry_id: entryId,
    folder_id: b.folderId,
    node_id: file.nodeId,
    revision: file.revision,
    manifest: file.manifest,
    policy: JSON.stringify(policy),
    jobs: '[]',
    created_at: now,
    expires_at: now + hub.config.uploadTtlHours * 3_600_000,
  };
  // The chunks are held from here on: nothing collects them while the jobs are planned.
  await inTransaction(hub.db, async (tx) => {
    await tx.insertInto('group_copies').values(row).execute();
    for (const part of slices(chunks)) {
      await tx
        .insertInto('group_copy_chunks')
        .values(part.map(([id, size]) => ({ copy_id: row.id, chunk_id: id, size })))
        .execute();
    }
  });
  try {
    await planJobs(hub, row);
  } catch (e) {
    await dropCopies(hub, [row.id], 'it could not be planned');
    throw e;
  }
  return copyInfo(hub, row);
}

/** Orders copy jobs for every chunk of the copy that falls short of its policy. */
async function planJobs(hub: Hub, copy: GroupCopiesTable) {
  const policy = JSON.parse(copy.policy) as Placement;
  const jobs = await planCopyJobs(hub, policy, await copyChunks(hub.db, copy.id), "folder's");
  copy.jobs = JSON.stringify([...(JSON.parse(copy.jobs) as string[]), ...jobs]);
  await hub.db
    .updateTable('group_copies')
    .set({ jobs: copy.jobs })
    .where('id', '=', copy.id)
    .execute();
}

async function copyChunks(db: DbOrTx, copyId: string) {
  const rows = await db
    .selectFrom('group_copy_chunks')
    .select(['chunk_id', 'size'])
    .where('copy_id', '=', copyId)
    .execute();
  return new Map(rows.map((r) => [r.chunk_id, Number(r.size)]));
}

/** Where a copy stands: ready once every chunk meets the policy, whatever the jobs say. */
async function copyInfo(hub: Hub, copy: GroupCopiesTable): Promise<GroupCopyInfo> {
  const policy = JSON.parse(copy.policy) as Placement;
  const chunks = await copyChunks(hub.db, copy.id);
  const replicas = await replicasOf(hub.db, [...chunks.keys()]);
  const ready = [...chunks.keys()].every((id) => missingCopies(policy, replicas.get(id)) === 0);
  const ids = JSON.parse(copy.jobs) as string[];
  const jobs = ids.length
    ? await hub.db
        .selectFrom('copy_jobs')
        .select(['state', 'bytes_done', 'bytes_total', 'last_error'])
        .where('id', 'in', ids)
        .execute()
    : [];
  // Bytes the hosts move: none when the folder's hosts held every chunk already.
  const total = jobs.reduce((s, j) => s + Number(j.bytes_total), 0);
  const done = ready
    ? total
    : Math.min(
        total,
        jobs.reduce((s, j) => s + Number(j.bytes_done), 0),
      );
  const failed = jobs.find((j) => j.state === 'failed');
  // A job that ended without the chunks meeting the policy (a replica lost since) is a failure
  // the member resumes by asking again.
  const stuck = !ready && jobs.length > 0 && jobs.every((j) => j.state !== 'running');
  return {
    copyId: copy.id,
    groupId: copy.group_id,
    entryId: copy.entry_id,
    folderId: copy.folder_id,
    file: { nodeId: copy.node_id, revision: Number(copy.revision) },
    manifest: copy.manifest,
    chunks: [...chunks].map(([id, size]) => ({ id, size })),
    state: ready ? 'ready' : failed || stuck ? 'failed' : 'copying',
    bytes: { done, total },
    lastError: ready
      ? null
      : (failed?.last_error ?? jobs.find((j) => j.last_error)?.last_error ?? null),
    expiresAt: copy.expires_at,
  };
}

export async function getCopy(hub: Hub, c: Caller, id: string): Promise<GroupCopyInfo> {
  return copyInfo(hub, await ownCopy(hub, hub.db, c, id));
}

export async function listCopies(hub: Hub, c: Caller): Promise<{ copies: GroupCopyInfo[] }> {
  const rows = await hub.db
    .selectFrom('group_copies')
    .selectAll()
    .where('account_id', '=', c.accountId)
    .where('expires_at', '>', hub.now())
    .orderBy('created_at')
    .execute();
  const copies: GroupCopyInfo[] = [];
  for (const r of rows) copies.push(await copyInfo(hub, r));
  return { copies };
}

export async function adoptCopy(
  hub: Hub,
  c: Caller,
  id: string,
  b: RouteBody<'adoptGroupCopy'>,
): Promise<{ node: NodeInfo }> {
  const copy = await ownCopy(hub, hub.db, c, id);
  if (b.file.parentId !== copy.folder_id)
    throw new ValidationError('file.parentId', `expected ${copy.folder_id}, the copy's folder`);
  if (b.file.version !== undefined)
    throw new ValidationError('file.version', 'a copy becomes a new file; send no version');
  const chunks = await copyChunks(hub.db, copy.id);
  return withNameConflicts(() =>
    inTransaction(hub.db, async (tx) => {
      const [node] = await commitFiles(
        hub,
        tx,
        c,
        [b.file],
        () => 'file',
        async (ids) => new Set(ids.filter((x) => chunks.has(x))),
      );
      await tx.deleteFrom('group_copy_chunks').where('copy_id', '=', copy.id).execute();
      await tx.deleteFrom('group_copies').where('id', '=', copy.id).execute();
      return { node: node as NodeInfo };
    }),
  );
}

export async function cancelCopy(hub: Hub, c: Caller, id: string): Promise<void> {
  const copy = await hub.db
    .selectFrom('group_copies')
    .select('id')
    .where('id', '=', id)
    .where('account_id', '=', c.accountId)
    .executeTakeFirst();
  if (!copy) throw new NotFoundError('id: no such copy');
  await dropCopies(hub, [copy.id], 'cancelled');
}

/** Ends copies: their running jobs fail (no further orders), and their hold on chunks goes. */
async function dropCopies(hub: Hub, ids: readonly string[], why: string) {
  if (ids.length === 0) return;
  const rows = await hub.db
    .selectFrom('group_copies')
    .select('jobs')
    .where('id', 'in', ids)
    .execute();
  const jobs = rows.flatMap((r) => JSON.parse(r.jobs) as string[]).sort();
  const now = hub.now();
  await inTransaction(hub.db, async (tx) => {
    await failRunningJobs(tx, jobs, now, `copy ${why}`);
    await tx.deleteFrom('group_copy_chunks').where('copy_id', 'in', ids).execute();
    await tx.deleteFrom('group_copies').where('id', 'in', ids).execute();
  });
}

/**
 * Ends the copies in progress of everyone who is no longer in `groupId` (removed, left, or the
 * group is gone): called after every change to who is in a group.
 */
export async function dropCopiesOfFormerMembers(hub: Hub, groupId: string) {
  const rows = await hub.db
    .selectFrom('group_copies as gc')
    .leftJoin('groups as g', 'g.id', 'gc.group_id')
    .leftJoin('group_members as m', (j) =>
      j.onRef('m.group_id', '=', 'gc.group_id').onRef('m.account_id', '=', 'gc.account_id'),
    )
    .select(['gc.id', 'g.owner_id', 'gc.account_id', 'm.state'])
    .where('gc.group_id', '=', groupId)
    .execute();
  const gone = rows.filter((r) => r.owner_id !== r.account_id && r.state !== 'member');
  await dropCopies(
    hub,
    gone.map((r) => r.id),
    'stopped: its member is no longer in the group',
  );
}

/** Ends copies past their expiry, as garbage collection expires uploads. */
export async function expireCopies(hub: Hub): Promise<number> {
  const rows = await hub.db
    .selectFrom('group_copies')
    .select('id')
    .where('expires_at', '<', hub.now())
    .limit(1000)
    .execute();
  await dropCopies(
    hub,
    rows.map((r) => r.id),
    'expired before it was adopted',
  );
  return rows.length;
}
