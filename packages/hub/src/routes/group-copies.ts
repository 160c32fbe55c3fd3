import * as copies from '../services/group-copies.ts';
import type { AreaHandlers } from './handler.ts';

export const groupCopyHandlers: AreaHandlers<'group-copies'> = {
  copyShelfEntry: (hub, i) =>
    copies.copyEntry(hub, i.caller, i.params.id, i.params.entryId, i.body),
  groupCopy: (hub, i) => copies.getCopy(hub, i.caller, i.params.id),
  groupCopies: (hub, i) => copies.listCopies(hub, i.caller),
  adoptGroupCopy: (hub, i) => copies.adoptCopy(hub, i.caller, i.params.id, i.body),
  cancelGroupCopy: (hub, i) => copies.cancelCopy(hub, i.caller, i.params.id),
};
