import { QuotaError } from '@coffer/errors';
import { formatBytes, type RouteResponse } from '@coffer/protocol';
import { sql } from 'kysely';
import type { Caller, Hub } from '../context.ts';
import type { DbOrTx } from '../db/schema.ts';

// [Note: Account quota]
// Coffer is free and unlimited unless the operator sets `accountQuota` in the hub config. An
// account's usage is the sum of the sizes of every revision its tree holds: the files as they
// are now, their older versions, and everything in the trash (until it is deleted for good).
// A writer's upload into a folder shared with them counts against the share's owner, whose
// tree it lands in. The sizes are those of the files encrypted, as committed: what the hosts
// keep, a few bytes per chunk more than the plaintext.
//
// An upload is refused twice over: when its chunks are placed (before any byte goes to a host:
// what the account stores, plus what this upload has placed so far, plus this batch), and at
// the commit, inside the commit's transaction, so a refusal leaves nothing half-written (the
// placed chunks expire with the upload and are collected). Two commits racing may both pass
// the check by a little; the next upload is refused. Without a quota, nothing is summed.

/** Bytes an account's tree holds: all revisions of its files, trash included. */
export async function storedBytes(db: DbOrTx, accountId: string): Promise<number> {
  const row = await db
    .selectFrom('revisions as r')
    .innerJoin('nodes as n', 'n.id', 'r.node_id')
    .select(sql<number>`coalesce(sum(r.size), 0)`.as('bytes'))
    .where('n.account_id', '=', accountId)
    .executeTakeFirst();
  return Number(row?.bytes ?? 0);
}

/**
 * Refuses `adding` more bytes for the account when they would take it past the quota. The
 * refusal says what the account stores and may store, but not to an app (`c.app`): those are
 * figures of the whole account, and an app is told only about its folder ([Note: App scope]).
 */
export async function checkQuota(
  hub: Hub,
  db: DbOrTx,
  accountId: string,
  adding: number,
  c: Pick<Caller, 'app'>,
): Promise<void> {
  const quota = hub.config.accountQuota;
  if (quota === undefined || adding <= 0) return;
  const used = await storedBytes(db, accountId);
  if (used + adding <= quota) return;
  if (c.app) {
    throw new QuotaError(
      'quota exceeded: the account this app writes to has no room for this upload; its owner can make room',
    );
  }
  throw new QuotaError(
    `quota exceeded: ${formatBytes(used)} of ${formatBytes(quota)} used, and this upload needs ${formatBytes(adding)} more; empty the trash or delete old versions to make room`,
    { figures: { used, quota } },
  );
}

/** What the account stores, split as people see it, and what the operator offers. */
export async function accountUsage(hub: Hub, c: Caller): Promise<RouteResponse<'usage'>> {
  // Every node inside a trashed folder is in the trash too, though only the folder is marked.
  const row = await sql<{ files: number | null; trash: number | null; total: number | null }>`
    with recursive trashed(id) as (
      select id from nodes where account_id = ${c.accountId} and trashed_at is not null
      union
      select n.id from nodes n inner join trashed t on n.parent_id = t.id
    )
    select
      sum(r.size) as total,
      sum(case when t.id is not null then r.size else 0 end) as trash,
      sum(case when t.id is null and r.revision = n.revision then r.size else 0 end) as files
    from nodes n
    inner join revisions r on r.node_id = n.id
    left join trashed t on t.id = n.id
    where n.account_id = ${c.accountId}
  `.execute(hub.db);
  const sums = row.rows[0];
  const total = Number(sums?.total ?? 0);
  const files = Number(sums?.files ?? 0);
  const trash = Number(sums?.trash ?? 0);
  return {
    files,
    versions: total - files - trash,
    trash,
    total,
    quota: hub.config.accountQuota ?? null,
    donationUrl: hub.config.donationUrl ?? null,
  };
}
