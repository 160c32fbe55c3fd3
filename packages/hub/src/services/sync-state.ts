import { ConflictError } from '@coffer/errors';
import type { RouteBody, RouteResponse } from '@coffer/protocol';
import type { Caller, Hub } from '../context.ts';
import type { DbOrTx } from '../db/schema.ts';

// [Note: Sync state on the hub]
// Each session's sync client reports its sync roots after each pass ([Note: Sync state] in
// crypto): one blob per session, sealed under the account's master key, kept as it comes with
// the session's version, so the Sessions page of any device can show what each one syncs. A
// save must name a version above the stored one (a replay of an older save is refused with
// 409). Only the session itself writes its row; the account's sessions read them all. The row
// goes with its session: revoked, logged out, or every session after a recovery; the listing
// also leaves out expired sessions. The hub learns each blob's size and when it changes.

export async function saveSyncState(
  hub: Hub,
  c: Caller,
  b: RouteBody<'saveSyncState'>,
): Promise<RouteResponse<'saveSyncState'>> {
  const values = { version: b.version, state: b.state, updated_at: hub.now() };
  const r = await hub.db
    .insertInto('session_sync_states')
    .values({ session_id: c.sessionId, account_id: c.accountId, ...values })
    .onConflict((oc) =>
      oc
        .column('session_id')
        .doUpdateSet(values)
        .where('session_sync_states.version', '<', b.version),
    )
    .executeTakeFirst();
  if (Number(r.numInsertedOrUpdatedRows ?? 0n) !== 1)
    throw new ConflictError('version: not above the stored sync state; read it again');
  return { version: b.version };
}

export async function syncStates(hub: Hub, c: Caller): Promise<RouteResponse<'syncStates'>> {
  const rows = await hub.db
    .selectFrom('session_sync_states as st')
    .innerJoin('sessions as s', 's.id', 'st.session_id')
    .select(['st.session_id', 'st.version', 'st.state', 'st.updated_at'])
    .where('st.account_id', '=', c.accountId)
    .where('s.account_id', '=', c.accountId)
    .where('s.expires_at', '>=', hub.now())
    .orderBy('s.created_at')
    .execute();
  return {
    states: rows.map((r) => ({
      sessionId: r.session_id,
      version: r.version,
      state: r.state,
      updatedAt: r.updated_at,
    })),
  };
}

/** Forgets the sync state of sessions that end: one by id, or every one of an account. */
export async function forgetSyncStates(
  db: DbOrTx,
  which: { sessionId: string } | { accountId: string },
) {
  const q = db.deleteFrom('session_sync_states');
  await ('sessionId' in which
    ? q.where('session_id', '=', which.sessionId)
    : q.where('account_id', '=', which.accountId)
  ).execute();
}
