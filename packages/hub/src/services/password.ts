import type { RouteBody } from '@coffer/protocol';
import type { Caller, Hub } from '../context.ts';
import { inTransaction } from '../db/transaction.ts';
import { proveCurrentPassword } from './accounts.ts';
import { requireSecondFactor } from './second-factor.ts';
import { forgetSyncStates } from './sync-state.ts';

/**
 * A signed-in user's new password. The session alone is not enough: a stolen token must not
 * turn into the account, so the caller proves the current password with a fresh OPAQUE login
 * (loginStart, then its finish message here) for this account. The new record and the master
 * key wrapped under the new export key replace the old ones in one transaction, and every
 * other session ends; this one stays.
 */
export async function changePassword(
  hub: Hub,
  c: Caller,
  b: RouteBody<'changePassword'>,
  address: string,
) {
  const account = await proveCurrentPassword(hub, c, b.loginId, b.finish);
  await requireSecondFactor(hub, account.id, b.secondFactor, address);
  await inTransaction(hub.db, async (tx) => {
    await tx
      .updateTable('accounts')
      .set({ opaque_record: b.record, wrapped_master_key: b.wrappedMasterKey })
      .where('id', '=', account.id)
      .execute();
    const others = await tx
      .deleteFrom('sessions')
      .where('account_id', '=', account.id)
      .where('id', '!=', c.sessionId)
      .returning('id')
      .execute();
    for (const s of others) await forgetSyncStates(tx, { sessionId: s.id });
  });
}
