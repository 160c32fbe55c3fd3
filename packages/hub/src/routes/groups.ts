import type { Hub } from '../context.ts';
import { dropCopiesOfFormerMembers } from '../services/group-copies.ts';
import { groupServers } from '../services/group-servers.ts';
import * as groups from '../services/groups.ts';
import { dropMirrorsOfFormerMembers } from '../services/mirrors.ts';
import * as shelves from '../services/shelves.ts';
import type { AreaHandlers } from './handler.ts';

/** After any change to who is in a group: former members' copies and mirrors end. */
async function dropFormerMembers(hub: Hub, groupId: string) {
  await dropCopiesOfFormerMembers(hub, groupId);
  await dropMirrorsOfFormerMembers(hub, groupId);
}

export const groupHandlers: AreaHandlers<'groups'> = {
  putGroup: async (hub, i) => {
    const info = await groups.putGroup(hub, i.caller, i.body);
    await dropFormerMembers(hub, info.id);
    return info;
  },
  groups: (hub, i) => groups.groups(hub, i.caller),
  answerGroupInvite: (hub, i) => groups.answerInvite(hub, i.caller, i.params.id, i.body),
  leaveGroup: async (hub, i) => {
    await groups.leave(hub, i.caller, i.params.id);
    await dropFormerMembers(hub, i.params.id);
  },
  putShelfEntry: async (hub, i) => {
    const entry = await shelves.putEntry(hub, i.caller, i.params.id, i.body);
    hub.kickMirrors();
    return entry;
  },
  withdrawShelfEntry: (hub, i) => shelves.withdraw(hub, i.caller, i.params.id, i.params.entryId),
  groupCatalog: (hub, i) => shelves.catalog(hub, i.caller, i.params.id, i.query),
  groupServers: (hub, i) => groupServers(hub, i.caller, i.params.id),
  deleteGroup: async (hub, i) => {
    await groups.deleteGroup(hub, i.caller, i.params.id);
    await dropFormerMembers(hub, i.params.id);
  },
};
