import * as state from '../services/sync-state.ts';
import type { AreaHandlers } from './handler.ts';

export const syncStateHandlers: AreaHandlers<'syncState'> = {
  saveSyncState: (hub, i) => state.saveSyncState(hub, i.caller, i.body),
  syncStates: (hub, i) => state.syncStates(hub, i.caller),
};
