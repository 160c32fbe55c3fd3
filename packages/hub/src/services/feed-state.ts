import { ConflictError } from '@coffer/errors';
import type { RouteBody, RouteResponse } from '@coffer/protocol';
import type { Caller, Hub } from '../context.ts';

// [Note: Feed state on the hub]
// Each account's feed state ([Note: Feed state] in crypto) is one blob sealed under its master
// key, kept as it comes, with a version: a save names the version one above the stored one,
// so of two devices saving at once one wins and the other gets 409, reads again and merges,
// as for the contact book. The hub learns its size and when it changes, nothing in it.

export async function feedState(hub: Hub, c: Caller): Promise<RouteResponse<'feedState'>> {
  const row = await hub.db
    .selectFrom('feed_states')
    .select(['version', 'state'])
    .where('account_id', '=', c.accountId)
    .executeTakeFirst();
  return row ?? { version: 0, state: null };
}

export async function saveFeedState(
  hub: Hub,
  c: Caller,
  b: RouteBody<'saveFeedState'>,
): Promise<RouteResponse<'saveFeedState'>> {
  const values = { version: b.version, state: b.state, updated_at: hub.now() };
  const r =
    b.version === 1
      ? await hub.db
          .insertInto('feed_states')
          .values({ account_id: c.accountId, ...values })
          .onConflict((oc) => oc.column('account_id').doNothing())
          .executeTakeFirst()
      : await hub.db
          .updateTable('feed_states')
          .set(values)
          .where('account_id', '=', c.accountId)
          .where('version', '=', b.version - 1)
          .executeTakeFirst();
  const changed = 'numUpdatedRows' in r ? r.numUpdatedRows : (r.numInsertedOrUpdatedRows ?? 0n);
  if (Number(changed) !== 1)
    throw new ConflictError('version: another device saved the feed state first; read it again');
  return { version: b.version };
}
