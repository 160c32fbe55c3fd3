import type { RouteResponse } from '@coffer/protocol';
import type { Caller, Hub } from '../context.ts';
import { isOnline } from './host-state.ts';
import { readableGroup } from './shelves.ts';

// [Note: Group servers]
// Members of a group see whether each other's personal servers are up, and where, so they know
// what the catalog can offer now (a copy comes straight from the author's server). The hub tells
// them only whose server it is, its country and whether it is online: never its URL, id or host
// key, which would let a member find or address a friend's machine (docs/security.md §8.8). Only
// the owner and accepted members ask, about the owner and accepted members; an invitee sees
// nothing, and someone who left or was removed drops out at once.

export async function groupServers(
  hub: Hub,
  c: Caller,
  groupId: string,
): Promise<RouteResponse<'groupServers'>> {
  const group = await readableGroup(hub.db, groupId, c.accountId);
  const members = await hub.db
    .selectFrom('group_members')
    .select('account_id')
    .where('group_id', '=', groupId)
    .where('state', '=', 'member')
    .execute();
  const people = [group.owner_id, ...members.map((m) => m.account_id)];
  const rows = await hub.db
    .selectFrom('hosts')
    .select(['owner_account_id', 'country', 'last_seen_at'])
    .where('personal', '=', 1)
    .where('owner_account_id', 'in', people)
    .where('state', 'in', ['active', 'suspended'])
    .execute();
  const servers = rows.map((h) => ({
    accountId: h.owner_account_id as string,
    country: h.country,
    online: isOnline(hub, h),
  }));
  // In a stable order that says nothing about when each server registered.
  servers.sort(
    (a, b) =>
      a.accountId.localeCompare(b.accountId) ||
      a.country.localeCompare(b.country) ||
      Number(b.online) - Number(a.online),
  );
  return { servers };
}
