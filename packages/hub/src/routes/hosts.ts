import { copyReport } from '../services/copy-orders.ts';
import * as hosts from '../services/hosts.ts';
import { sweep } from '../services/orphans.ts';
import type { AreaHandlers } from './handler.ts';

export const hostHandlers: AreaHandlers<'hosts'> = {
  hostHello: (hub, i) => hosts.hello(hub, i.body.hello),
  hostExit: (hub, i) => hosts.exit(hub, i.body.exit),
  hostReconcile: (hub, i) => hosts.reconcile(hub, i.body.request),
  hostSweep: (hub, i) => sweep(hub, i.body.report),
  hostCopied: (hub, i) => copyReport(hub, i.body.report),
  hostClaim: (hub, i) => hosts.claim(hub, i.caller, i.body.claim),
  myHosts: (hub, i) => hosts.myHosts(hub, i.caller),
};
