import { accountUsage } from '../services/usage.ts';
import type { AreaHandlers } from './handler.ts';

export const usageHandlers: AreaHandlers<'usage'> = {
  usage: (hub, i) => accountUsage(hub, i.caller),
};
