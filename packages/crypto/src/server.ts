/**
 * @coffer/crypto/server: the server side of OPAQUE, for the hub. Clients never import this.
 */

import { AuthError, ValidationError } from '@coffer/errors';
import * as opaque from '@serenity-kit/opaque';

/** The hub's long-term OPAQUE key material. Generate once, keep secret, never rotate lightly. */
export async function createOpaqueServerSetup(): Promise<string> {
  await opaque.ready;
  return opaque.server.createSetup();
}

export async function opaqueRegistrationResponse(
  serverSetup: string,
  userIdentifier: string,
  request: string,
) {
  await opaque.ready;
  try {
    return opaque.server.createRegistrationResponse({
      serverSetup,
      userIdentifier,
      registrationRequest: request,
    }).registrationResponse;
  } catch {
    throw new ValidationError('registrationRequest', 'not a valid OPAQUE registration request');
  }
}

/**
 * Starts a login. Pass `record: null` for an unknown user: OPAQUE then answers with a fake
 * response, so the hub does not reveal which accounts exist.
 */
export async function opaqueStartLogin(
  serverSetup: string,
  userIdentifier: string,
  record: string | null,
  request: string,
): Promise<{ state: string; response: string }> {
  await opaque.ready;
  try {
    const r = opaque.server.startLogin({
      serverSetup,
      userIdentifier,
      registrationRecord: record,
      startLoginRequest: request,
    });
    return { state: r.serverLoginState, response: r.loginResponse };
  } catch {
    throw new ValidationError('startLoginRequest', 'not a valid OPAQUE login request');
  }
}

/** Returns the session key both sides now share; a wrong password fails here with AuthError. */
export async function opaqueFinishLogin(state: string, finishRequest: string): Promise<string> {
  await opaque.ready;
  try {
    return opaque.server.finishLogin({ serverLoginState: state, finishLoginRequest: finishRequest })
      .sessionKey;
  } catch {
    throw new AuthError('login failed: wrong password or unknown account');
  }
}

export {
  newTotpRecoveryCode,
  newTotpSecret,
  normalTotpRecoveryCode,
  openTotpSecret,
  sealTotpSecret,
  TOTP_SECRET_BYTES,
  totpCode,
  totpMatch,
  totpRecoveryCodeHash,
  totpStep,
  totpUri,
} from './totp.ts';
