import * as accounts from '../services/accounts.ts';
import { changePassword } from '../services/password.ts';
import type { AreaHandlers } from './handler.ts';

export const accountHandlers: AreaHandlers<'accounts'> = {
  registerStart: (hub, i) => accounts.registerStart(hub, i.body, i.address),
  signup: (hub, i) => accounts.signup(hub, i.body),
  loginStart: (hub, i) => accounts.loginStart(hub, i.body, i.address),
  loginFinish: (hub, i) => accounts.loginFinish(hub, i.body),
  recoveryStart: (hub, i) => accounts.recoveryStart(hub, i.body, i.address),
  recoveryFinish: (hub, i) => accounts.recoveryFinish(hub, i.body, i.address),
  changePassword: (hub, i) => changePassword(hub, i.caller, i.body, i.address),
  account: (hub, i) => accounts.account(hub, i.caller),
  logout: (hub, i) => accounts.logout(hub, i.caller),
  sessions: (hub, i) => accounts.sessions(hub, i.caller),
  revokeSession: (hub, i) => accounts.revokeSession(hub, i.caller, i.params.id),
};
