// The account's second factor (TOTP): its state, enrolment (a secret and its otpauth:// URI,
// then the first code, which answers the recovery codes), new recovery codes and turning it off.
import { call, need } from './session.ts';

export const secondFactorApi = {
  secondFactorStatus: () => call(() => need().secondFactor.status()),
  secondFactorStart: () => call(() => need().secondFactor.start()),
  secondFactorEnable: (code: string, password: string) =>
    call(() => need().secondFactor.enable(code, password)),
  secondFactorRecoveryCodes: (code: string, password: string) =>
    call(() => need().secondFactor.newRecoveryCodes(code, password)),
  secondFactorDisable: (code: string) => call(() => need().secondFactor.disable(code)),
};
