import { loadAccountInfo, proveCurrentPassword } from '../services/accounts.ts';
import * as secondFactor from '../services/second-factor.ts';
import type { AreaHandlers } from './handler.ts';

export const secondFactorHandlers: AreaHandlers<'secondFactor'> = {
  secondFactorStatus: (hub, i) => secondFactor.status(hub, i.caller),
  secondFactorStart: (hub, i) => secondFactor.start(hub, i.caller),
  secondFactorEnable: async (hub, i) => {
    await proveCurrentPassword(hub, i.caller, i.body.loginId, i.body.finish);
    return secondFactor.enable(hub, i.caller, i.body.code, i.address);
  },
  secondFactorDisable: (hub, i) => secondFactor.disable(hub, i.caller, i.body.code, i.address),
  secondFactorRecoveryCodes: async (hub, i) => {
    await proveCurrentPassword(hub, i.caller, i.body.loginId, i.body.finish);
    return secondFactor.newRecoveryCodes(hub, i.caller, i.body.code, i.address);
  },
  secondFactorLogin: (hub, i) =>
    secondFactor.login(hub, i.caller, i.body.code, i.address, (id) => loadAccountInfo(hub, id)),
};
