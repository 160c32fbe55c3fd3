import {
  finishLogin,
  finishRegistration,
  startLogin,
  startRegistration,
  toBase64Url,
  wrapMasterKeyWithPassword,
} from '@coffer/crypto';
import { AuthError, ValidationError } from '@coffer/errors';
import type { HubClient } from './hub-client.ts';
import type { AccountKeys } from './keys.ts';

/**
 * A fresh OPAQUE login for the signed-in account, up to its finish message, which the hub takes
 * as proof of the current password (a new password, turning the second factor on).
 */
export async function provePassword(
  hub: HubClient,
  email: string,
  currentPassword: string,
): Promise<{ loginId: string; finish: string }> {
  if (typeof currentPassword !== 'string' || currentPassword.length === 0)
    throw new ValidationError('currentPassword', 'must not be empty');
  const start = await startLogin(currentPassword);
  const { loginId, response } = await hub.call('loginStart', {
    body: { email, request: start.request },
  });
  try {
    return {
      loginId,
      finish: (await finishLogin(currentPassword, start.state, response)).finishRequest,
    };
  } catch (e) {
    if (e instanceof AuthError) throw new AuthError('currentPassword: wrong password');
    throw e;
  }
}

/**
 * Changes a signed-in account's password. The current one is proven with a fresh OPAQUE login,
 * so a stolen session token alone cannot take the account; the master key is then wrapped
 * under the new password's export key, as signup and recovery do ([Note: Account keys]).
 * Every other session ends; this one stays.
 */
export async function changePassword(
  hub: HubClient,
  keys: AccountKeys,
  currentPassword: string,
  newPassword: string,
  secondFactor?: string,
): Promise<void> {
  if (typeof currentPassword !== 'string' || currentPassword.length === 0)
    throw new ValidationError('currentPassword', 'must not be empty');
  if (typeof newPassword !== 'string' || newPassword.length === 0)
    throw new ValidationError('newPassword', 'must not be empty');
  const email = keys.email;
  const { loginId, finish } = await provePassword(hub, email, currentPassword);
  const reg = await startRegistration(newPassword);
  const registered = await hub.call('registerStart', { body: { email, request: reg.request } });
  const fin = await finishRegistration(newPassword, reg.state, registered.response);
  await hub.call('changePassword', {
    body: {
      loginId,
      finish,
      record: fin.record,
      wrappedMasterKey: toBase64Url(
        await wrapMasterKeyWithPassword(fin.exportKey, keys.masterKey, keys.accountId),
      ),
      ...(secondFactor ? { secondFactor } : {}),
    },
  });
}
