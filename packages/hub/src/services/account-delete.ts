import { ConflictError, ValidationError } from '@coffer/errors';
import type { RouteBody } from '@coffer/protocol';
import type { ExpressionBuilder } from 'kysely';
import type { Caller, Hub } from '../context.ts';
import type { Database, DbOrTx } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { proveCurrentPassword } from './accounts.ts';
import { recordShareRoots } from './change-log.ts';
import { failRunningJobs } from './copy-plans.ts';
import { requireSecondFactor } from './second-factor.ts';

// [Note: Account deletion]
// A user deletes their account for good with what a stolen session token alone does not have:
// a fresh OPAQUE login proving the password (as a new password needs), the account's email
// typed again, and a fresh code or recovery code when 2FA is on. Everything the account holds
// goes in one transaction, all or none, so a failure leaves the account as it was:
// - its tree (every node whose tree it is, with what share members wrote there), revisions,
//   the links and file requests on it (with the drops waiting), folder policies, uploads;
// - the shares it made (their members are told the folder went, as when a share ends) and its
//   place in shares it received (the owner's signed list still names it; the hub lists only
//   members that exist);
// - its sessions and their sync states, contact book, feed state, change log, apps and their
//   requests, second factor rows, pending logins;
// - in groups of others: its membership, keys, shelf entries (and their ratings, as a
//   withdrawal does), ratings, subscriptions, mirrors and copies in progress (their copy jobs
//   fail), and others' subscriptions to its shelf alone (nothing can come from it any more);
// - groups it owns, with everything in them, but only when nobody else is in them (member or
//   invitee): a group belongs to its owner's keys (the roster is signed by the owner, the
//   group key sealed by the owner), so it cannot be handed over by the hub, and deleting it
//   under its members would take their shelves from them unasked. The deletion is refused
//   (409) until the owner removes them or ends the group (`coffer group delete`).
// Its personal servers stay registered but unclaimed, as before a claim.
// Others' data stays: a file another user made from its share is theirs (their node, their
// revision rows over the same chunks), and a member's copy or mirror of its shelf entry holds
// its chunks until adopted or evicted; what it wrote in another's shared folder is that
// owner's node, which clients check with the writer's keys pinned in their own contact books
// (the hub no longer serves them), and a roster entry the hub lists nobody for shows as left.
// Chunks nothing references any more are garbage ([Note: Garbage collection]): the collector
// is kicked at once and deletes them from the hosts.

/** The groups `accountId` owns in which someone else is a member or invited. */
async function groupsWithOthers(db: DbOrTx, accountId: string) {
  return db
    .selectFrom('groups as g')
    .innerJoin('group_members as m', 'm.group_id', 'g.id')
    .select('g.id')
    .distinct()
    .where('g.owner_id', '=', accountId)
    .where('m.account_id', '!=', accountId)
    .where('m.state', 'in', ['member', 'invited'])
    .execute();
}

async function refuseWhileGroupsHaveOthers(db: DbOrTx, accountId: string) {
  const busy = await groupsWithOthers(db, accountId);
  if (busy.length === 0) return;
  throw new ConflictError(
    `groups: you own ${busy.length} group${busy.length === 1 ? '' : 's'} with other members or invitees (${busy.map((g) => g.id).join(', ')}); remove them or end the group (coffer group delete) first`,
  );
}

export async function deleteAccount(
  hub: Hub,
  c: Caller,
  b: RouteBody<'deleteAccount'>,
  address: string,
): Promise<void> {
  const account = await proveCurrentPassword(hub, c, b.loginId, b.finish);
  if (b.email !== account.email)
    throw new ValidationError('email', "expected this account's email, typed again to confirm");
  // Checked before the code is used up, so a refusal does not cost the user a code.
  await refuseWhileGroupsHaveOthers(hub.db, account.id);
  await requireSecondFactor(hub, account.id, b.secondFactor, address);
  await inTransaction(hub.db, async (tx) => {
    // The account's row locked first (PostgreSQL; SQLite has one writer): a write for it that
    // comes meanwhile (a session, a node: their keys reference it) waits, then finds it gone.
    await tx
      .selectFrom('accounts')
      .select('id')
      .where('id', '=', account.id)
      .$if(hub.config.database?.kind === 'postgres', (q) => q.forUpdate())
      .executeTakeFirst();
    await refuseWhileGroupsHaveOthers(tx, account.id);
    await deleteAccountRows(hub, tx, account);
  });
  hub.kickGc();
}

/** Every row of the account, inside the caller's transaction (exported for its unit test). */
export async function deleteAccountRows(
  hub: Hub,
  tx: DbOrTx,
  account: { id: string; email: string },
) {
  const id = account.id;
  await forgetShares(hub, tx, id);
  await forgetGroups(hub, tx, id);

  // Its tree and what hangs off it.
  const inTree = tx.selectFrom('nodes').select('id').where('account_id', '=', id);
  await tx.deleteFrom('revision_chunks').where('node_id', 'in', inTree).execute();
  await tx.deleteFrom('revisions').where('node_id', 'in', inTree).execute();
  for (const table of ['links', 'folder_policies'] as const)
    await tx
      .deleteFrom(table)
      .where((w) => w.or([w('account_id', '=', id), w('node_id', 'in', inTree)]))
      .execute();
  const requests = tx.selectFrom('file_requests').select('id').where('account_id', '=', id);
  const drops = tx.selectFrom('request_drops').select('id').where('request_id', 'in', requests);
  await tx.deleteFrom('drop_chunks').where('drop_id', 'in', drops).execute();
  await tx.deleteFrom('request_drops').where('request_id', 'in', requests).execute();
  const uploads = tx.selectFrom('uploads').select('id').where('account_id', '=', id);
  await tx.deleteFrom('upload_chunks').where('upload_id', 'in', uploads).execute();
  const apps = tx.selectFrom('apps').select('id').where('account_id', '=', id);
  await tx.deleteFrom('app_requests').where('app_id', 'in', apps).execute();

  // Then every row of its own, the account's last.
  for (const table of [
    'file_requests',
    'uploads',
    'nodes',
    'apps',
    'session_sync_states',
    'sessions',
    'contact_books',
    'feed_states',
    'changes',
    'change_counters',
    'account_totp',
    'totp_used_steps',
    'totp_recovery_codes',
  ] as const)
    await tx.deleteFrom(table).where('account_id', '=', id).execute();
  await tx.deleteFrom('login_states').where('email', '=', account.email).execute();
  await tx
    .updateTable('hosts')
    .set({ owner_account_id: null })
    .where('owner_account_id', '=', id)
    .execute();
  await tx.deleteFrom('accounts').where('id', '=', id).execute();
}

/** The shares it made (their members are told the folder went) and its place in others'. */
async function forgetShares(hub: Hub, tx: DbOrTx, id: string) {
  const made = await tx
    .selectFrom('shares as s')
    .innerJoin('nodes as n', 'n.id', 's.node_id')
    .selectAll('n')
    .select('s.id as share_id')
    .where('s.owner_id', '=', id)
    .execute();
  for (const { share_id, ...folder } of made) {
    const members = await tx
      .selectFrom('share_members')
      .select('account_id')
      .where('share_id', '=', share_id)
      .execute();
    await recordShareRoots(
      hub,
      tx,
      members.map((m) => ({
        node: folder,
        shareId: share_id,
        accountId: m.account_id,
        deleted: true,
      })),
    );
  }
  const mine = tx.selectFrom('shares').select('id').where('owner_id', '=', id);
  for (const table of ['share_keys', 'share_members', 'rekey_nodes', 'rekey_revisions'] as const)
    await tx.deleteFrom(table).where('share_id', 'in', mine).execute();
  await tx.deleteFrom('shares').where('owner_id', '=', id).execute();
  for (const table of ['share_members', 'share_keys'] as const)
    await tx.deleteFrom(table).where('account_id', '=', id).execute();
}

/**
 * The groups it owns (nobody else is in them by now) with all in them, and its part in others'
 * groups: membership, keys, its entries (with their ratings, as a withdrawal), its ratings,
 * subscriptions (and others' to its shelf alone), mirrors and copies in progress.
 */
async function forgetGroups(hub: Hub, tx: DbOrTx, id: string) {
  const owned = tx.selectFrom('groups').select('id').where('owner_id', '=', id);
  const held = { mirrors: 'mirror_id', group_copies: 'copy_id' } as const;
  for (const table of ['mirrors', 'group_copies'] as const) {
    const mine = (w: ExpressionBuilder<Database, typeof table>) =>
      w.or([w('account_id', '=', id), w('group_id', 'in', owned)]);
    const rows = await tx.selectFrom(table).select('jobs').where(mine).execute();
    const jobs = rows.flatMap((r) => JSON.parse(r.jobs) as string[]);
    await failRunningJobs(tx, jobs, hub.now(), 'its account was deleted');
    const ids = tx.selectFrom(table).select('id').where(mine);
    const chunks = table === 'mirrors' ? 'mirror_chunks' : 'group_copy_chunks';
    await tx.deleteFrom(chunks).where(held[table], 'in', ids).execute();
    await tx.deleteFrom(table).where(mine).execute();
  }
  for (const table of [
    'shelf_entries',
    'entry_ratings',
    'group_keys',
    'group_members',
    'subscriptions',
  ] as const)
    await tx.deleteFrom(table).where('group_id', 'in', owned).execute();
  await tx.deleteFrom('groups').where('owner_id', '=', id).execute();

  const entries = await tx
    .selectFrom('shelf_entries')
    .select(['group_id', 'entry_id'])
    .where('author_id', '=', id)
    .execute();
  for (const e of entries)
    await tx
      .deleteFrom('entry_ratings')
      .where('group_id', '=', e.group_id)
      .where('entry_id', '=', e.entry_id)
      .execute();
  await tx.deleteFrom('shelf_entries').where('author_id', '=', id).execute();
  await tx.deleteFrom('entry_ratings').where('rater_id', '=', id).execute();
  for (const table of ['group_keys', 'group_members'] as const)
    await tx.deleteFrom(table).where('account_id', '=', id).execute();
  await tx
    .deleteFrom('subscriptions')
    .where((w) => w.or([w('account_id', '=', id), w('member_id', '=', id)]))
    .execute();
}
