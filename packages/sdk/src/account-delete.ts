import { ValidationError } from '@coffer/errors';
import type { HubClient } from './hub-client.ts';
import type { AccountKeys } from './keys.ts';
import { provePassword } from './password.ts';

/**
 * Deletes the signed-in account for good ([Note: Account deletion] in the hub): the password is
 * proven with a fresh OPAQUE login, `confirmEmail` must be the account's email, and
 * `secondFactor` a fresh code or recovery code when the account has a second factor. Every
 * session of the account ends with it, this one included.
 */
export async function deleteAccount(
  hub: HubClient,
  keys: AccountKeys,
  currentPassword: string,
  confirmEmail: string,
  secondFactor?: string,
): Promise<void> {
  if (typeof confirmEmail !== 'string' || confirmEmail.trim().toLowerCase() !== keys.email)
    throw new ValidationError('email', `expected this account's email, ${keys.email}`);
  const { loginId, finish } = await provePassword(hub, keys.email, currentPassword);
  await hub.call('deleteAccount', {
    body: { loginId, finish, email: keys.email, ...(secondFactor ? { secondFactor } : {}) },
  });
}
