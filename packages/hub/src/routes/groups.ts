import { groupServers } from '../services/group-servers.ts';
import * as groups from '../services/groups.ts';
import * as shelves from '../services/shelves.ts';
import type { AreaHandlers } from './handler.ts';

export const groupHandlers: AreaHandlers<'groups'> = {
  putGroup: (hub, i) => groups.putGroup(hub, i.caller, i.body),
  groups: (hub, i) => groups.groups(hub, i.caller),
  answerGroupInvite: (hub, i) => groups.answerInvite(hub, i.caller, i.params.id, i.body),
  leaveGroup: (hub, i) => groups.leave(hub, i.caller, i.params.id),
  putShelfEntry: (hub, i) => shelves.putEntry(hub, i.caller, i.params.id, i.body),
  withdrawShelfEntry: (hub, i) => shelves.withdraw(hub, i.caller, i.params.id, i.params.entryId),
  groupCatalog: (hub, i) => shelves.catalog(hub, i.caller, i.params.id, i.query),
  groupServers: (hub, i) => groupServers(hub, i.caller, i.params.id),
  deleteGroup: (hub, i) => groups.deleteGroup(hub, i.caller, i.params.id),
};
