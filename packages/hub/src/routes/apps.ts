import * as regrants from '../services/app-regrant.ts';
import * as apps from '../services/apps.ts';
import type { AreaHandlers } from './handler.ts';

export const appHandlers: AreaHandlers<'apps'> = {
  requestApp: (hub, i) => apps.requestApp(hub, i.body, i.address),
  appToken: (hub, i) => apps.pollToken(hub, i.body.deviceCode),
  lookupAppRequest: (hub, i) => apps.lookupRequest(hub, i.caller, i.body, i.address),
  approveApp: (hub, i) => apps.approve(hub, i.caller, i.body, i.address),
  denyApp: (hub, i) => apps.deny(hub, i.caller, i.body, i.address),
  apps: (hub, i) => apps.list(hub, i.caller),
  revokeApp: (hub, i) => apps.revoke(hub, i.caller, i.params.id),
  regrantApp: (hub, i) => regrants.regrant(hub, i.caller, i.params.id, i.body),
  appGrant: (hub, i) => regrants.ownGrant(hub, i.caller),
};
