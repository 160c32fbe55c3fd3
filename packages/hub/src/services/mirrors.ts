import { ForbiddenError, NotFoundError, ValidationError } from '@coffer/errors';
import type { MirrorInfo, RouteBody, SubscriptionInfo } from '@coffer/protocol';
import type { Caller, Hub } from '../context.ts';
import type { SubscriptionsTable } from '../db/schema.ts';
import { memberState } from './groups.ts';
import { hostViews } from './host-state.ts';
import { evictMirrors, fitBudget, refreshKept, usedBytes } from './mirror-evictions.ts';
import { readableGroup } from './shelves.ts';

// [Note: Auto-mirror]
// A member subscribes to a group, or to one member's shelf in it, with a budget in bytes. From
// then on the mirror loop (mirror-loop.ts) copies the file of every new entry another member
// publishes there to the subscriber's personal servers, with no action from the subscriber:
// the hub orders host-to-host copy jobs exactly as for a copy from the group ([Note: Copies
// from groups]; planning shared in copy-plans.ts) for the network's rules "on the
// subscriber's personal servers". Only ciphertext moves, so no key is needed; the subscriber
// opens the file like any catalog entry, and copying it into their tree costs no bytes.
//
// A mirror holds its chunks against garbage collection (the author may delete the file) and
// counts for repair as a requirement of its own, as long as it lasts. Before a mirror of B
// bytes starts, the subscription's oldest mirrors that were not kept are evicted until B fits
// in the budget; an entry larger than the whole budget is marked too-big and never copied. A
// mirror is kept once the subscriber holds a file of their own over its chunks (they copied
// the entry): kept mirrors neither count toward the budget nor get evicted. Evicting stops the
// mirror's jobs, drops its hold, and deletes its copies from the subscriber's servers unless
// another requirement keeps them there (their own files, another group's mirror); a server
// that is offline then keeps its copies until repair moves them off.
//
// A mirror whose jobs all ended short (either server was offline past the jobs' life) is
// planned again each round, so a subscription resumes on its own. Unsubscribing ends every
// mirror of it (kept ones lose only the hold: the subscriber's file keeps what it needs), and
// so does leaving the group or being removed from it.

const PERSONAL_ONLY =
  'subscribe needs a personal server of yours: coffer host --personal, then coffer host claim';

/** A member of the group (owner or accepted) other than the caller, or a 4xx naming memberId. */
async function checkMember(hub: Hub, c: Caller, groupId: string, ownerId: string, id: string) {
  if (id === c.accountId)
    throw new ValidationError('memberId', 'is you: your own entries are on your servers already');
  if (id !== ownerId && (await memberState(hub.db, groupId, id)) !== 'member')
    throw new NotFoundError('memberId: no such member in this group');
}

export async function subscribe(
  hub: Hub,
  c: Caller,
  groupId: string,
  b: RouteBody<'subscribe'>,
): Promise<SubscriptionInfo> {
  const group = await readableGroup(hub.db, groupId, c.accountId);
  const memberId = b.memberId ?? null;
  if (memberId !== null) await checkMember(hub, c, groupId, group.owner_id, memberId);
  const servers = (await hostViews(hub)).filter(
    (h) => h.isPersonal && h.owner_account_id === c.accountId && h.state !== 'exited',
  );
  if (servers.length === 0) throw new ForbiddenError(PERSONAL_ONLY);
  const existing = await subscriptionOf(hub, c.accountId, groupId);
  const row: SubscriptionsTable = {
    account_id: c.accountId,
    group_id: groupId,
    member_id: memberId,
    budget_bytes: b.budget,
    created_at: existing?.created_at ?? hub.now(),
  };
  await hub.db
    .insertInto('subscriptions')
    .values(row)
    .onConflict((oc) =>
      oc
        .columns(['account_id', 'group_id'])
        .doUpdateSet({ member_id: memberId, budget_bytes: b.budget }),
    )
    .execute();
  // A smaller budget takes effect at once.
  await fitBudget(hub, row, 0);
  hub.kickMirrors();
  return subscriptionInfo(hub, row);
}

async function subscriptionOf(hub: Hub, accountId: string, groupId: string) {
  return hub.db
    .selectFrom('subscriptions')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('group_id', '=', groupId)
    .executeTakeFirst();
}

export async function unsubscribe(hub: Hub, c: Caller, groupId: string): Promise<void> {
  const sub = await subscriptionOf(hub, c.accountId, groupId);
  if (!sub) throw new NotFoundError('id: you have no subscription to this group');
  await hub.db
    .deleteFrom('subscriptions')
    .where('account_id', '=', c.accountId)
    .where('group_id', '=', groupId)
    .execute();
  await endMirrors(hub, [{ account_id: c.accountId, group_id: groupId }], 'ended: unsubscribed');
}

async function endMirrors(
  hub: Hub,
  subs: readonly { account_id: string; group_id: string }[],
  why: string,
) {
  for (const s of subs) {
    await refreshKept(hub, s.account_id);
    const rows = await hub.db
      .selectFrom('mirrors')
      .select('id')
      .where('account_id', '=', s.account_id)
      .where('group_id', '=', s.group_id)
      .execute();
    await evictMirrors(
      hub,
      rows.map((r) => r.id),
      why,
      'drop',
    );
  }
}

async function subscriptionInfo(hub: Hub, s: SubscriptionsTable): Promise<SubscriptionInfo> {
  const used = await usedBytes(hub, s.account_id, s.group_id);
  const mirrored = await hub.db
    .selectFrom('mirrors')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', s.account_id)
    .where('group_id', '=', s.group_id)
    .where('state', 'in', ['copying', 'ready'])
    .executeTakeFirstOrThrow();
  return {
    groupId: s.group_id,
    memberId: s.member_id,
    budget: Number(s.budget_bytes),
    used: used.reduce((n, r) => n + r.bytes, 0),
    mirrored: Number(mirrored.n),
    createdAt: Number(s.created_at),
  };
}

export async function subscriptions(
  hub: Hub,
  c: Caller,
): Promise<{ subscriptions: SubscriptionInfo[] }> {
  await refreshKept(hub, c.accountId);
  const rows = await hub.db
    .selectFrom('subscriptions')
    .selectAll()
    .where('account_id', '=', c.accountId)
    .orderBy('created_at')
    .execute();
  const out: SubscriptionInfo[] = [];
  for (const r of rows) out.push(await subscriptionInfo(hub, r));
  return { subscriptions: out };
}

export async function listMirrors(hub: Hub, c: Caller): Promise<{ mirrors: MirrorInfo[] }> {
  await refreshKept(hub, c.accountId);
  const rows = await hub.db
    .selectFrom('mirrors')
    .select(['group_id', 'entry_id', 'state', 'bytes', 'kept', 'created_at'])
    .where('account_id', '=', c.accountId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return {
    mirrors: rows.map((r) => ({
      groupId: r.group_id,
      entryId: r.entry_id,
      state: r.state,
      bytes: Number(r.bytes),
      kept: Number(r.kept) === 1,
      createdAt: Number(r.created_at),
    })),
  };
}

/**
 * Ends the subscriptions and mirrors of everyone no longer in `groupId` (removed, left, or the
 * group is gone): called after every change to who is in a group, as the copies' hook is.
 */
export async function dropMirrorsOfFormerMembers(hub: Hub, groupId: string) {
  const group = await hub.db
    .selectFrom('groups')
    .select('owner_id')
    .where('id', '=', groupId)
    .executeTakeFirst();
  const members = await hub.db
    .selectFrom('group_members')
    .select('account_id')
    .where('group_id', '=', groupId)
    .where('state', '=', 'member')
    .execute();
  const inGroup = new Set([...members.map((m) => m.account_id), group?.owner_id]);
  const subscribers = await hub.db
    .selectFrom('subscriptions')
    .select('account_id')
    .where('group_id', '=', groupId)
    .union(hub.db.selectFrom('mirrors').select('account_id').where('group_id', '=', groupId))
    .execute();
  const gone = [...new Set(subscribers.map((r) => r.account_id))].filter((a) => !inGroup.has(a));
  if (gone.length === 0) return;
  await hub.db
    .deleteFrom('subscriptions')
    .where('group_id', '=', groupId)
    .where('account_id', 'in', gone)
    .execute();
  await endMirrors(
    hub,
    gone.map((a) => ({ account_id: a, group_id: groupId })),
    'ended: its subscriber is no longer in the group',
  );
}
