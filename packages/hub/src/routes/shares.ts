import * as rekey from '../services/rekey.ts';
import * as shares from '../services/shares.ts';
import type { AreaHandlers } from './handler.ts';

export const shareHandlers: AreaHandlers<'shares'> = {
  putShare: (hub, i) => shares.putShare(hub, i.caller, i.body),
  shares: (hub, i) => shares.shares(hub, i.caller),
  deleteShare: (hub, i) => shares.deleteShare(hub, i.caller, i.params.id),
  shareTree: (hub, i) => rekey.shareTree(hub, i.caller, i.params.id, i.query),
  stageRekey: (hub, i) => rekey.stageRekey(hub, i.caller, i.params.id, i.body),
};
