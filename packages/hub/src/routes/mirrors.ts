import * as mirrors from '../services/mirrors.ts';
import type { AreaHandlers } from './handler.ts';

export const mirrorHandlers: AreaHandlers<'mirrors'> = {
  subscribe: (hub, i) => mirrors.subscribe(hub, i.caller, i.params.id, i.body),
  unsubscribe: (hub, i) => mirrors.unsubscribe(hub, i.caller, i.params.id),
  subscriptions: (hub, i) => mirrors.subscriptions(hub, i.caller),
  mirrors: (hub, i) => mirrors.listMirrors(hub, i.caller),
};
