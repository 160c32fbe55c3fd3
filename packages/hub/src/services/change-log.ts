import type { Hub } from '../context.ts';
import type { ChangesTable, DbOrTx, NodesTable } from '../db/schema.ts';
import { slices } from '../db/slices.ts';
import { afterCommit } from '../db/transaction.ts';
import { ancestry } from './nodes.ts';

// Writing the change feed ([Note: Change feed] in changes.ts): each service that writes nodes
// tells it what it wrote, in the write's transaction, and the feed fans the change out to its
// readers. Imports no service back.

/** One node written (its state after the write), or about to be deleted. */
export interface NodeChange {
  node: NodesTable;
  /** The node is being purged: record it before the row goes. */
  deleted?: boolean;
  /** Where it was before, for a move (a change of share tells that share's members it left). */
  previousParentId?: string | null;
}

/** A change told to one member of one share (added: it appears; removed: it is gone). */
export interface ShareRootChange {
  node: NodesTable;
  shareId: string;
  accountId: string;
  deleted: boolean;
}

type Row = Omit<ChangesTable, 'seq' | 'at'>;

function rowOf(n: NodesTable, reader: string, shareId: string | null, deleted: boolean): Row {
  return {
    account_id: reader,
    node_id: n.id,
    parent_id: n.parent_id,
    kind: n.kind,
    version: n.version,
    revision: n.revision,
    key_version: Number(n.key_version),
    trashed: n.trashed_at === null ? 0 : 1,
    deleted: deleted ? 1 : 0,
    share_id: shareId,
  };
}

/**
 * The share each node is under (the node itself shared, or the nearest shared folder above),
 * counting from `parentId` (where it is now, or was before a move). The nodes' own parents are
 * known, so a purged subtree costs one ancestry query, not one per node.
 */
async function sharesAbove(
  db: DbOrTx,
  starts: readonly { id: string; parentId: string | null }[],
): Promise<(string | null)[]> {
  const parent = new Map(starts.map((s) => [s.id, s.parentId]));
  const chains: string[][] = [];
  for (const s of starts) {
    const chain = [s.id];
    let at = s.parentId;
    while (at !== null && !chain.includes(at)) {
      if (!parent.has(at)) {
        const up = await ancestry(db, at);
        for (const [i, id] of up.entries()) parent.set(id, up[i + 1] ?? null);
        if (!parent.has(at)) parent.set(at, null);
      }
      chain.push(at);
      at = parent.get(at) ?? null;
    }
    chains.push(chain);
  }
  const ids = [...new Set(chains.flat())];
  const shareOf = new Map<string, string>();
  for (const part of slices(ids)) {
    const rows = await db
      .selectFrom('shares')
      .select(['id', 'node_id'])
      .where('node_id', 'in', part)
      .execute();
    for (const r of rows) shareOf.set(r.node_id, r.id);
  }
  return chains.map((chain) => chain.map((id) => shareOf.get(id)).find((x) => x) ?? null);
}

async function membersOf(db: DbOrTx, shareIds: readonly string[]) {
  const out = new Map<string, string[]>();
  for (const part of slices(shareIds)) {
    const rows = await db
      .selectFrom('share_members')
      .select(['share_id', 'account_id'])
      .where('share_id', 'in', part)
      .execute();
    for (const r of rows) out.set(r.share_id, [...(out.get(r.share_id) ?? []), r.account_id]);
  }
  return out;
}

/**
 * Records `changes` for everyone who sees them: the tree's owner, the members of the share a
 * node is in, and (as a deletion) those of a share it left. Call it in the write's transaction,
 * after the write (before it, for a purge).
 */
export async function recordChanges(
  hub: Hub,
  tx: DbOrTx,
  changes: readonly NodeChange[],
): Promise<void> {
  if (changes.length === 0) return;
  const now = await sharesAbove(
    tx,
    changes.map((c) => ({ id: c.node.id, parentId: c.node.parent_id })),
  );
  // Only a move can change the share a node is under.
  const moved = [...changes.entries()].filter(
    ([, c]) => c.previousParentId !== undefined && c.previousParentId !== c.node.parent_id,
  );
  const movedFrom = await sharesAbove(
    tx,
    moved.map(([, c]) => ({ id: c.node.id, parentId: c.previousParentId ?? null })),
  );
  const before = [...now];
  for (const [k, [i]] of moved.entries()) before[i] = movedFrom[k] ?? null;
  const members = await membersOf(tx, [...new Set([...now, ...before].filter((x) => x !== null))]);
  const rows: Row[] = [];
  for (const [i, c] of changes.entries()) {
    const deleted = c.deleted === true;
    const [here, was] = [now[i] ?? null, before[i] ?? null];
    rows.push(rowOf(c.node, c.node.account_id, null, deleted));
    if (was !== null && was !== here) {
      for (const m of members.get(was) ?? []) rows.push(rowOf(c.node, m, was, true));
    }
    if (here !== null) {
      for (const m of members.get(here) ?? []) rows.push(rowOf(c.node, m, here, deleted));
    }
  }
  await appendRows(hub, tx, rows);
}

/** Tells members a share appeared to them (added) or went away (removed, unshared). */
export async function recordShareRoots(
  hub: Hub,
  tx: DbOrTx,
  changes: readonly ShareRootChange[],
): Promise<void> {
  await appendRows(
    hub,
    tx,
    changes.map((c) => rowOf(c.node, c.accountId, c.shareId, c.deleted)),
  );
}

/**
 * Numbers each reader's rows from the reader's counter, bumped under its row lock (readers in
 * one order within a call; a deadlock across calls is retried by inTransaction), and wakes long
 * polls once the transaction has committed.
 */
async function appendRows(hub: Hub, tx: DbOrTx, rows: readonly Row[]): Promise<void> {
  if (rows.length === 0) return;
  const byReader = new Map<string, Row[]>();
  for (const r of rows) byReader.set(r.account_id, [...(byReader.get(r.account_id) ?? []), r]);
  const readers = [...byReader.keys()].sort();
  const at = hub.now();
  for (const reader of readers) {
    const mine = byReader.get(reader) as Row[];
    await tx
      .insertInto('change_counters')
      .values({ account_id: reader, seq: 0, pruned_through: 0 })
      .onConflict((oc) => oc.column('account_id').doNothing())
      .execute();
    const { seq } = await tx
      .updateTable('change_counters')
      .set((eb) => ({ seq: eb('seq', '+', mine.length) }))
      .where('account_id', '=', reader)
      .returning('seq')
      .executeTakeFirstOrThrow();
    const first = Number(seq) - mine.length + 1;
    const numbered = mine.map((r, i) => ({ ...r, seq: first + i, at }));
    for (const part of slices(numbered, 200)) {
      await tx.insertInto('changes').values(part).execute();
    }
  }
  afterCommit(tx, () => hub.changes.wake(readers));
}
