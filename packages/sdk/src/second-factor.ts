import type { RouteResponse } from '@coffer/protocol';
import type { HubClient } from './hub-client.ts';
import type { AccountKeys } from './keys.ts';
import { provePassword } from './password.ts';

/** Few enough recovery codes left that the user is told to make new ones. */
const FEW_RECOVERY_CODES = 3;

/**
 * Whether the second factor is on, recovery codes left (`recoveryCodesLow`: few enough to make
 * new ones), and a lockout's end.
 */
export type SecondFactorStatus = RouteResponse<'secondFactorStatus'> & {
  recoveryCodesLow: boolean;
};

/**
 * `client.secondFactor`: the account's TOTP second factor ([Note: Second factor on the hub]).
 * Enrolment is `start()` (show the URI as a QR code and the secret as text), then
 * `enable(code, password)` with a code from the authenticator app and the current password, which answers the 10 recovery codes to show once.
 */
export class SecondFactor {
  constructor(private readonly deps: { hub: HubClient; keys: AccountKeys }) {}

  async status(): Promise<SecondFactorStatus> {
    const s = await this.deps.hub.call('secondFactorStatus', {});
    return { ...s, recoveryCodesLow: s.enabled && s.recoveryCodesLeft <= FEW_RECOVERY_CODES };
  }

  /** A fresh secret and its otpauth:// URI; nothing changes until `enable`. */
  start(): Promise<RouteResponse<'secondFactorStart'>> {
    return this.deps.hub.call('secondFactorStart', {});
  }

  /**
   * Turns the second factor on with a code from the app; the current password is proven too (a
   * stolen session token alone must not lock the owner out). The recovery codes are shown this
   * once.
   */
  async enable(code: string, currentPassword: string): Promise<string[]> {
    const { hub, keys } = this.deps;
    const proof = await provePassword(hub, keys.email, currentPassword);
    const { recoveryCodes } = await hub.call('secondFactorEnable', {
      body: { code, ...proof },
    });
    return recoveryCodes;
  }

  /**
   * Ten new recovery codes, to show once, in place of those left (which stop working); needs a
   * fresh code or a recovery code, and the current password, proven as for `enable`.
   */
  async newRecoveryCodes(code: string, currentPassword: string): Promise<string[]> {
    const { hub, keys } = this.deps;
    const proof = await provePassword(hub, keys.email, currentPassword);
    const r = await hub.call('secondFactorRecoveryCodes', { body: { code, ...proof } });
    return r.recoveryCodes;
  }

  /** Turns it off; needs a fresh code or a recovery code. */
  async disable(code: string): Promise<void> {
    await this.deps.hub.call('secondFactorDisable', { body: { code } });
  }
}
