import { ExpiredError, ValidationError } from '@coffer/errors';
import type { ChangeInfo, RouteQuery, RouteResponse } from '@coffer/protocol';
import type { Caller, Hub } from '../context.ts';
import type { ChangesTable, DbOrTx } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { led, periodic } from './periodic.ts';

// [Note: Change feed]
// A client keeps up with its tree and the folders shared with it through one feed: a cursor
// (the number of the last change it has) and a long poll that answers as soon as there is a
// change after it. A change says only what the hub already stores in the clear: the node's id,
// parent, version, revision, key version, kind, whether it is trashed or gone, and the share it
// is seen through (null: the reader's own tree). Never names, metadata or keys.
//
// One log per reader, written when the change is made. Each write is fanned out to its readers:
// the tree's owner, and each member of the share the node is in; a node that leaves a share (a
// move out, a purge) is a deletion for that share's members, a member added to or removed from
// a share is told the shared folder appeared or went, and from then on the log simply has no
// rows of that share for them. Deciding at write time, with the share's members as they are in
// the write's transaction, is what makes "a member sees only the shared subtree" exact; working
// it out at read time would need the tree as it was at each change.
//
// Numbering: each reader has a counter row; a write bumps it (UPDATE … seq = seq + n RETURNING)
// in its own transaction, which holds the row's lock until commit. A later writer for the same
// reader waits for that commit and numbers after it, so numbers commit in order and a reader who
// sees change n has seen every change before n: no skipped change, even on PostgreSQL, where a
// global sequence would hand out 7 to a transaction that commits after 8 is read. The lock is
// per reader and taken last in the write's transaction, so writers to different trees never
// wait for each other.
//
// Hooks, not triggers: the nodes table's writers are few (tree.ts, commits.ts, rekey's swap in
// putShare, the purge), each already in a transaction, and who reads a change needs the share
// above the node, which SQLite triggers cannot find (no recursive queries in a trigger). Every
// writer calls recordChanges from change-log.ts (a new writer must too); changes.test.ts covers
// each path. Readers are locked in id order within one call; a transaction that records twice
// (a commit of several files) can still meet another crosswise, and inTransaction retries the
// deadlock.
//
// Waiting: a long poll waits on an in-process event the write fires after its commit, and looks
// at the database at least every second anyway, so writes by another hub process on the same
// PostgreSQL are seen within about a second. A wait is at most MAX_WAIT_SECONDS.
//
// Bounded: every hour, rows older than KEEP_DAYS go, and so do a reader's oldest beyond
// MAX_ROWS_PER_READER (numbers are gapless, so the counter minus the highest pruned is the
// reader's row count). The counter row remembers the highest number pruned, and a cursor before
// it is answered 410 "cursor: expired; list the tree again", so the client falls back to a full
// listing. A cursor past the counter (from the future, or from another network) is a 400 naming
// `cursor`. The cost of waiting is one small query a second per waiting poll.

export const MAX_WAIT_SECONDS = 30;
export const KEEP_DAYS = 30;
export const MAX_ROWS_PER_READER = 100_000;
const RECHECK_MS = 1000;
const PRUNE_EVERY_MS = 60 * 60 * 1000;

async function counter(db: DbOrTx, reader: string) {
  const r = await db
    .selectFrom('change_counters')
    .select(['seq', 'pruned_through'])
    .where('account_id', '=', reader)
    .executeTakeFirst();
  return { seq: Number(r?.seq ?? 0), prunedThrough: Number(r?.pruned_through ?? 0) };
}

export function changeInfo(r: ChangesTable): ChangeInfo {
  return {
    nodeId: r.node_id,
    parentId: r.parent_id,
    kind: r.kind,
    version: Number(r.version),
    revision: r.revision === null ? null : Number(r.revision),
    keyVersion: Number(r.key_version),
    trashed: Number(r.trashed) === 1,
    deleted: Number(r.deleted) === 1,
    shareId: r.share_id,
  };
}

export async function latestCursor(hub: Hub, c: Caller): Promise<RouteResponse<'latestChange'>> {
  return { cursor: String((await counter(hub.db, c.accountId)).seq) };
}

/**
 * The reader's changes after `cursor`, at most `limit`; if there are none, waits up to
 * `waitSeconds` for one. An empty answer keeps the cursor.
 */
export async function changesAfter(
  hub: Hub,
  c: Caller,
  q: RouteQuery<'changes'>,
  signal?: AbortSignal | undefined,
): Promise<RouteResponse<'changes'>> {
  const after = Number(q.cursor);
  const limit = q.limit ?? 500;
  const deadline = Date.now() + Math.min(q.wait ?? 0, MAX_WAIT_SECONDS) * 1000;
  for (;;) {
    const { seq, prunedThrough } = await counter(hub.db, c.accountId);
    if (after > seq) {
      throw new ValidationError('cursor', `is ahead of this feed (at ${seq}); ask for the latest`);
    }
    if (after < prunedThrough) {
      throw new ExpiredError(
        `cursor: expired (changes older than ${KEEP_DAYS} days are dropped); list the tree again`,
      );
    }
    const rows = after < seq ? await page(hub.db, c.accountId, after, limit + 1) : [];
    const left = deadline - Date.now();
    if (rows.length > 0 || left <= 0 || signal?.aborted) {
      const shown = rows.slice(0, limit);
      return {
        changes: shown.map(changeInfo),
        cursor: String(shown.length ? Number(shown[shown.length - 1]?.seq) : after),
        more: rows.length > limit,
      };
    }
    await hub.changes.wait(c.accountId, Math.min(left, RECHECK_MS), signal);
  }
}

function page(db: DbOrTx, reader: string, after: number, n: number) {
  return db
    .selectFrom('changes')
    .selectAll()
    .where('account_id', '=', reader)
    .where('seq', '>', after)
    .orderBy('seq')
    .limit(n)
    .execute();
}

/**
 * Drops changes older than KEEP_DAYS and each reader's oldest beyond `maxRows`, remembering per
 * reader the highest number dropped.
 */
export async function pruneChanges(hub: Hub, maxRows = MAX_ROWS_PER_READER): Promise<number> {
  const cutoff = hub.now() - KEEP_DAYS * 24 * 60 * 60 * 1000;
  const upTo = new Map<string, number>();
  const old = await hub.db
    .selectFrom('changes')
    .select(['account_id', (eb) => eb.fn.max('seq').as('through')])
    .where('at', '<', cutoff)
    .groupBy('account_id')
    .execute();
  for (const r of old) upTo.set(r.account_id, Number(r.through));
  const long = await hub.db
    .selectFrom('change_counters')
    .select(['account_id', 'seq'])
    .where((eb) => eb(eb('seq', '-', eb.ref('pruned_through')), '>', maxRows))
    .execute();
  for (const r of long) {
    const through = Number(r.seq) - maxRows;
    upTo.set(r.account_id, Math.max(upTo.get(r.account_id) ?? 0, through));
  }
  let dropped = 0;
  for (const [reader, through] of upTo) {
    dropped += await inTransaction(hub.db, async (tx) => {
      await tx
        .updateTable('change_counters')
        .set({ pruned_through: through })
        .where('account_id', '=', reader)
        .where('pruned_through', '<', through)
        .execute();
      const r = await tx
        .deleteFrom('changes')
        .where('account_id', '=', reader)
        .where('seq', '<=', through)
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    });
  }
  return dropped;
}

export function startChangePruner(hub: Hub, log: (line: string) => void) {
  return periodic(
    'change pruner',
    PRUNE_EVERY_MS,
    led(hub, 'changes', () => pruneChanges(hub)),
    log,
  );
}
