import { type AccountId, fromBase64Url, verifyGroupRoster } from '@coffer/crypto';
import { ConflictError, IntegrityError, NotFoundError, ValidationError } from '@coffer/errors';
import type { GroupInfo, RouteBody, RouteResponse } from '@coffer/protocol';
import type { Caller, Hub } from '../context.ts';
import { isUniqueViolation } from '../db/errors.ts';
import type { DbOrTx, GroupMemberState, GroupsTable } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { checkSealedKeys, signingKeyOf } from './account-keys.ts';
import { refuseRepeats } from './input.ts';

// [Note: Groups on the hub]
// A group is its owner's signed roster ([Note: Groups] in crypto), the group's name sealed
// under its key, and the key sealed to each member per version. The hub checks the roster's
// signature against the owner's key bundle, so an honest hub never stores a roster the owner
// did not sign; members check it themselves. The hub adds what a roster cannot say: whether
// each person invited has accepted, declined or left. Only the owner and accepted members read
// the group; an invitee sees the invitation (roster, sealed name and its key) to decide. A
// roster that drops someone deletes their membership row, so they lose access at once. A roster
// that still names someone who declined or left keeps their answer (a leave racing the owner's
// change is never undone); inviting them again takes a roster without them first.

const GROUP_KEY_VERSIONS_KEPT = 1_000;

async function groupRow(db: DbOrTx, id: string) {
  return db.selectFrom('groups').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function putGroup(hub: Hub, c: Caller, b: RouteBody<'putGroup'>): Promise<GroupInfo> {
  refuseRepeats(
    b.keys,
    (k) => `${k.accountId}/${k.keyVersion}`,
    (i) => `keys.${i}`,
  );
  const existing = await groupRow(hub.db, b.id);
  if (existing && existing.owner_id !== c.accountId)
    throw new ConflictError('id: a group with this id already exists');
  let roster: Awaited<ReturnType<typeof verifyGroupRoster>>['roster'];
  try {
    ({ roster } = await verifyGroupRoster(
      fromBase64Url(b.roster, 'roster'),
      { groupId: b.id, ownerId: c.accountId as AccountId },
      await signingKeyOf(hub.db, c.accountId),
    ));
  } catch (e) {
    if (!(e instanceof IntegrityError || e instanceof ValidationError)) throw e;
    throw new ValidationError('roster', `not a roster signed by you for this group (${e.message})`);
  }
  if (existing && roster.version <= existing.roster_version)
    throw new ConflictError(
      `roster: version ${roster.version} is not above the stored version ${existing.roster_version}`,
    );
  if (existing && roster.keyVersion < existing.key_version)
    throw new ValidationError('roster', 'the key version cannot go down');
  if (roster.keyVersion > GROUP_KEY_VERSIONS_KEPT)
    throw new ValidationError('roster', `at most ${GROUP_KEY_VERSIONS_KEPT} key versions`);
  const memberIds: string[] = roster.members;
  const allowed = await checkSealedKeys(hub.db, 'roster', {
    ownerId: c.accountId,
    memberIds,
    keyVersion: roster.keyVersion,
    keys: b.keys,
  });

  const now = hub.now();
  await inTransaction(hub.db, async (tx) => {
    const stored = await tx
      .selectFrom('group_keys')
      .select('account_id')
      .where('group_id', '=', b.id)
      .where('key_version', '=', roster.keyVersion)
      .execute();
    const keyed = new Set([
      ...stored.map((k) => k.account_id),
      ...b.keys.filter((k) => k.keyVersion === roster.keyVersion).map((k) => k.accountId),
    ]);
    const keyless = [...allowed].find((id) => !keyed.has(id));
    if (keyless)
      throw new ValidationError(
        'keys',
        `no group key of version ${roster.keyVersion} for ${keyless}`,
      );
    const row = {
      roster: b.roster,
      roster_version: roster.version,
      key_version: roster.keyVersion,
      name: b.name,
      updated_at: now,
    };
    if (existing) {
      // Version-checked: of two owner devices racing, one wins and the other gets a 409.
      const r = await tx
        .updateTable('groups')
        .set(row)
        .where('id', '=', b.id)
        .where('roster_version', '=', existing.roster_version)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1)
        throw new ConflictError('roster: the group changed meanwhile; try again');
    } else {
      try {
        await tx
          .insertInto('groups')
          .values({ id: b.id, owner_id: c.accountId, created_at: now, ...row })
          .execute();
      } catch (e) {
        if (isUniqueViolation(e))
          throw new ConflictError('id: a group with this id already exists');
        throw e;
      }
    }
    const current = await tx
      .selectFrom('group_members')
      .select('account_id')
      .where('group_id', '=', b.id)
      .execute();
    const had = new Set(current.map((m) => m.account_id));
    const dropped = [...had].filter((id) => !memberIds.includes(id));
    if (dropped.length) {
      await tx
        .deleteFrom('group_members')
        .where('group_id', '=', b.id)
        .where('account_id', 'in', dropped)
        .execute();
    }
    const invited = memberIds.filter((id) => !had.has(id));
    if (invited.length) {
      await tx
        .insertInto('group_members')
        .values(
          invited.map((id) => ({
            group_id: b.id,
            account_id: id,
            state: 'invited' as const,
            invited_at: now,
            answered_at: null,
          })),
        )
        .execute();
    }
    if (b.keys.length) {
      await tx
        .insertInto('group_keys')
        .values(
          b.keys.map((k) => ({
            group_id: b.id,
            key_version: k.keyVersion,
            account_id: k.accountId,
            sealed: k.sealed,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['group_id', 'key_version', 'account_id']).doUpdateSet((eb) => ({
            sealed: eb.ref('excluded.sealed'),
          })),
        )
        .execute();
    }
  });
  const info = (await infos(hub, c, [b.id]))[0];
  if (!info) throw new NotFoundError('id: the group went away meanwhile');
  return info;
}

/** The groups the caller owns or is in, and the invitations waiting for an answer. */
export async function groups(hub: Hub, c: Caller): Promise<RouteResponse<'groups'>> {
  const owned = await hub.db
    .selectFrom('groups')
    .select('id')
    .where('owner_id', '=', c.accountId)
    .execute();
  const joined = await hub.db
    .selectFrom('group_members')
    .select('group_id')
    .where('account_id', '=', c.accountId)
    .where('state', 'in', ['invited', 'member'])
    .execute();
  return {
    groups: await infos(hub, c, [...owned.map((g) => g.id), ...joined.map((g) => g.group_id)]),
  };
}

export async function answerInvite(
  hub: Hub,
  c: Caller,
  id: string,
  b: RouteBody<'answerGroupInvite'>,
): Promise<void> {
  const r = await hub.db
    .updateTable('group_members')
    .set({ state: b.accept ? 'member' : 'declined', answered_at: hub.now() })
    .where('group_id', '=', id)
    .where('account_id', '=', c.accountId)
    .where('state', '=', 'invited')
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 1) return;
  const state = await memberState(hub.db, id, c.accountId);
  if (state === 'member' && b.accept) return;
  throw new NotFoundError(
    state
      ? `id: you have ${state === 'member' ? 'already joined' : state} this group`
      : 'id: no invitation to this group',
  );
}

export async function leave(hub: Hub, c: Caller, id: string): Promise<void> {
  const r = await hub.db
    .updateTable('group_members')
    .set({ state: 'left', answered_at: hub.now() })
    .where('group_id', '=', id)
    .where('account_id', '=', c.accountId)
    .where('state', 'in', ['member', 'invited'])
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 1) return;
  const g = await groupRow(hub.db, id);
  if (g?.owner_id === c.accountId)
    throw new ConflictError('id: you own this group; end it instead (coffer group delete)');
  throw new NotFoundError('id: you are not in this group');
}

export async function deleteGroup(hub: Hub, c: Caller, id: string): Promise<void> {
  const g = await groupRow(hub.db, id);
  if (!g || g.owner_id !== c.accountId) throw new NotFoundError('id: you own no such group');
  await inTransaction(hub.db, async (tx) => {
    await tx.deleteFrom('shelf_entries').where('group_id', '=', id).execute();
    await tx.deleteFrom('entry_ratings').where('group_id', '=', id).execute();
    await tx.deleteFrom('group_keys').where('group_id', '=', id).execute();
    await tx.deleteFrom('group_members').where('group_id', '=', id).execute();
    await tx.deleteFrom('groups').where('id', '=', id).execute();
  });
}

/** The caller's answer to a group's invitation, or null when they were never invited. */
export async function memberState(db: DbOrTx, groupId: string, accountId: string) {
  const m = await db
    .selectFrom('group_members')
    .select('state')
    .where('group_id', '=', groupId)
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return m?.state ?? null;
}

/**
 * The caller's view of each group: the owner's, a member's, or an invitee's. Groups the caller
 * has no part in (or no longer) are left out.
 */
async function infos(hub: Hub, c: Caller, ids: readonly string[]): Promise<GroupInfo[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const rows: GroupsTable[] = await hub.db
    .selectFrom('groups')
    .selectAll()
    .where('id', 'in', unique)
    .orderBy('created_at')
    .execute();
  const members = await hub.db
    .selectFrom('group_members as m')
    .innerJoin('accounts as a', 'a.id', 'm.account_id')
    .select(['m.group_id', 'm.account_id', 'm.state', 'a.email'])
    .where('m.group_id', 'in', unique)
    .orderBy('m.invited_at')
    .execute();
  const keys = await hub.db
    .selectFrom('group_keys')
    .select(['group_id', 'key_version', 'sealed'])
    .where('group_id', 'in', unique)
    .where('account_id', '=', c.accountId)
    .orderBy('key_version')
    .execute();
  if (rows.length === 0) return [];
  const owners = await hub.db
    .selectFrom('accounts')
    .select(['id', 'email'])
    .where('id', 'in', [...new Set(rows.map((g) => g.owner_id))])
    .execute();
  const ownerEmail = new Map(owners.map((o) => [o.id, o.email]));
  const out: GroupInfo[] = [];
  for (const g of rows) {
    const list = members.filter((m) => m.group_id === g.id);
    const mine = list.find((m) => m.account_id === c.accountId)?.state as
      | GroupMemberState
      | undefined;
    const role =
      g.owner_id === c.accountId
        ? 'owner'
        : mine === 'member'
          ? 'member'
          : mine === 'invited'
            ? 'invited'
            : null;
    if (!role) continue;
    out.push({
      id: g.id,
      ownerId: g.owner_id,
      ownerEmail: ownerEmail.get(g.owner_id) ?? '',
      role,
      roster: g.roster,
      keyVersion: g.key_version,
      name: g.name,
      keys: keys
        .filter((k) => k.group_id === g.id)
        .map((k) => ({ keyVersion: k.key_version, sealed: k.sealed })),
      members: list.map((m) => ({ accountId: m.account_id, email: m.email, state: m.state })),
      createdAt: g.created_at,
    });
  }
  return out;
}
