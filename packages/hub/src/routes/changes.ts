import * as changes from '../services/changes.ts';
import type { AreaHandlers } from './handler.ts';

export const changeHandlers: AreaHandlers<'changes'> = {
  latestChange: (hub, i) => changes.latestCursor(hub, i.caller),
  changes: (hub, i) => changes.changesAfter(hub, i.caller, i.query, i.signal),
};
