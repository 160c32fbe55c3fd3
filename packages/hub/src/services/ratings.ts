import { ratingPlace, ratingSigned } from '@coffer/crypto';
import { ForbiddenError, NotFoundError } from '@coffer/errors';
import type { RatingInfo, RouteBody, RouteQuery, RouteResponse } from '@coffer/protocol';
import type { Caller, Hub } from '../context.ts';
import type { DbOrTx } from '../db/schema.ts';
import { callersSigned } from './group-input.ts';
import { memberState } from './groups.ts';

// [Note: Ratings on the hub]
// A member rates another member's entry: 1 to 5 stars sealed under the group key and signed by
// the rater ([Note: Ratings] in crypto). The hub keeps one rating per entry and rater, replaced
// when they rate again, stored only from a current member (the owner or an accepted member),
// under the group's newest key version, once the rater's signature checks out. It serves a
// group's ratings to its members, but only those that count: of entries still published by
// someone still in the group (as the catalog has them), by raters still in it. A member who
// leaves or is removed keeps their ratings in the table but they stop counting at once, as
// their shelf does; if they come back, their ratings count again (they are still theirs,
// signed). A withdrawn entry's ratings are deleted with it, and a deleted group's with it.

/**
 * The group, if the caller may rate in it and read its ratings: its owner or an accepted
 * member. Someone who holds keys of it but is no longer in (removed, left) gets 403, as does
 * an invitee who has not accepted; anyone else 404.
 */
async function ratersGroup(db: DbOrTx, groupId: string, accountId: string) {
  const g = await db.selectFrom('groups').selectAll().where('id', '=', groupId).executeTakeFirst();
  if (!g) throw new NotFoundError('id: you are in no such group');
  if (g.owner_id === accountId) return g;
  const state = await memberState(db, groupId, accountId);
  if (state === 'member') return g;
  if (state === 'invited')
    throw new ForbiddenError('id: accept the invitation first; only members rate and see ratings');
  const held = await db
    .selectFrom('group_keys')
    .select('key_version')
    .where('group_id', '=', groupId)
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  if (state || held)
    throw new ForbiddenError(
      'id: you are no longer in this group; only members rate and see ratings',
    );
  throw new NotFoundError('id: you are in no such group');
}

export async function rate(
  hub: Hub,
  c: Caller,
  groupId: string,
  b: RouteBody<'rateEntry'>,
): Promise<RatingInfo> {
  const group = await ratersGroup(hub.db, groupId, c.accountId);
  const place = await callersSigned(
    hub.db,
    c.accountId,
    group,
    { field: 'rating', text: b.rating, entryId: b.entryId },
    {
      what: 'rating',
      place: ratingPlace,
      author: (p) => p.raterId,
      signed: ratingSigned,
      ownOnly: 'sealed as another member’s; rate as yourself',
      again: 'rate again',
    },
  );
  const entry = (await counted(hub.db, groupId).where('e.entry_id', '=', b.entryId).execute())[0];
  if (!entry) throw new NotFoundError('entryId: no such entry in this group');
  if (entry.author_id === c.accountId)
    throw new ForbiddenError("entryId: your own entry; members rate each other's entries");
  const row = { key_version: place.keyVersion, rating: b.rating, rated_at: hub.now() };
  await hub.db
    .insertInto('entry_ratings')
    .values({ group_id: groupId, entry_id: b.entryId, rater_id: c.accountId, ...row })
    .onConflict((oc) => oc.columns(['group_id', 'entry_id', 'rater_id']).doUpdateSet(row))
    .execute();
  const stored = (await page(hub.db, groupId, { entryId: b.entryId, raterId: c.accountId }))[0];
  if (!stored) throw new NotFoundError('entryId: withdrawn meanwhile');
  return stored;
}

export async function ratings(
  hub: Hub,
  c: Caller,
  groupId: string,
  q: RouteQuery<'groupRatings'>,
): Promise<RouteResponse<'groupRatings'>> {
  await ratersGroup(hub.db, groupId, c.accountId);
  const limit = q.limit ?? 2000;
  const [entryId, raterId] = q.after ? q.after.split('.') : [];
  const rows = await page(hub.db, groupId, {
    ...(entryId && raterId ? { after: { entryId, raterId } } : {}),
    limit: limit + 1,
  });
  const list = rows.slice(0, limit);
  const last = list.at(-1);
  return {
    ratings: list,
    next: rows.length > limit && last ? `${last.entryId}.${last.raterId}` : null,
  };
}

/** The group's entries that count: published by its owner or by a member who has not left. */
function counted(db: DbOrTx, groupId: string) {
  return db
    .selectFrom('shelf_entries as e')
    .innerJoin('groups as g', 'g.id', 'e.group_id')
    .leftJoin('group_members as am', (j) =>
      j.onRef('am.group_id', '=', 'e.group_id').onRef('am.account_id', '=', 'e.author_id'),
    )
    .select(['e.entry_id', 'e.author_id'])
    .where('e.group_id', '=', groupId)
    .where((eb) =>
      eb.or([eb('e.author_id', '=', eb.ref('g.owner_id')), eb('am.state', '=', 'member')]),
    );
}

/** Ratings that count, in entry and rater order: one, or a page after a cursor. */
async function page(
  db: DbOrTx,
  groupId: string,
  o: {
    entryId?: string;
    raterId?: string;
    after?: { entryId: string; raterId: string };
    limit?: number;
  },
): Promise<RatingInfo[]> {
  const rows = await counted(db, groupId)
    .innerJoin('entry_ratings as r', (j) =>
      j.onRef('r.group_id', '=', 'e.group_id').onRef('r.entry_id', '=', 'e.entry_id'),
    )
    .innerJoin('accounts as a', 'a.id', 'r.rater_id')
    .leftJoin('group_members as rm', (j) =>
      j.onRef('rm.group_id', '=', 'r.group_id').onRef('rm.account_id', '=', 'r.rater_id'),
    )
    .select(['r.rater_id', 'a.email', 'r.key_version', 'r.rating', 'r.rated_at'])
    .where((eb) =>
      eb.or([eb('r.rater_id', '=', eb.ref('g.owner_id')), eb('rm.state', '=', 'member')]),
    )
    .$if(o.entryId !== undefined, (qb) => qb.where('r.entry_id', '=', o.entryId as string))
    .$if(o.raterId !== undefined, (qb) => qb.where('r.rater_id', '=', o.raterId as string))
    .$if(o.after !== undefined, (qb) => {
      const a = o.after as { entryId: string; raterId: string };
      return qb.where((eb) =>
        eb.or([
          eb('r.entry_id', '>', a.entryId),
          eb.and([eb('r.entry_id', '=', a.entryId), eb('r.rater_id', '>', a.raterId)]),
        ]),
      );
    })
    .orderBy('r.entry_id')
    .orderBy('r.rater_id')
    .$if(o.limit !== undefined, (qb) => qb.limit(o.limit as number))
    .execute();
  return rows.map((r) => ({
    entryId: r.entry_id,
    raterId: r.rater_id,
    raterEmail: r.email,
    keyVersion: r.key_version,
    rating: r.rating,
    ratedAt: r.rated_at,
  }));
}
