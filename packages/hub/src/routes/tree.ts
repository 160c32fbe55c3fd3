import * as policies from '../services/policies.ts';
import * as trash from '../services/trash.ts';
import * as tree from '../services/tree.ts';
import type { AreaHandlers } from './handler.ts';

export const treeHandlers: AreaHandlers<'tree'> = {
  getNode: (hub, i) => tree.getNode(hub, i.caller, i.params.id, i.query.include),
  children: (hub, i) => tree.children(hub, i.caller, i.params.id, i.query),
  createFolder: (hub, i) => tree.createFolder(hub, i.caller, i.body),
  updateNode: (hub, i) => tree.updateNode(hub, i.caller, i.params.id, i.body),
  trashNode: (hub, i) => tree.trashNode(hub, i.caller, i.params.id, i.body.version),
  restoreNode: (hub, i) => tree.restoreNode(hub, i.caller, i.params.id, i.body.version),
  purgeNode: (hub, i) => trash.purgeNode(hub, i.caller, i.params.id, i.query.version),
  trash: (hub, i) => trash.listTrash(hub, i.caller),
  emptyTrash: (hub, i) => trash.emptyTrash(hub, i.caller, i.body.upTo),
  revisions: (hub, i) => tree.revisions(hub, i.caller, i.params.id),
  getFolderPolicy: (hub, i) => policies.getPolicy(hub, i.caller, i.params.id),
  setFolderPolicy: (hub, i) => policies.setPolicy(hub, i.caller, i.params.id, i.body),
};
