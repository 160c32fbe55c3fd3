import { AuthError, IntegrityError, ValidationError } from '@coffer/errors';
import * as opaque from '@serenity-kit/opaque';
import { platform } from '#platform';
import { base32crockford, concatBytes, equalBytes, fromBase64Url, toBase64Url } from './bytes.ts';
import { openEnvelope, sealEnvelope } from './envelope.ts';
import {
  type AccountId,
  asKey,
  type ExportKey,
  idBytes,
  type MasterKey,
  type RecoveryKey,
} from './types.ts';

// [Note: Account keys]
// OPAQUE (RFC 9807) gives the client a 64-byte export key after registration and after every
// login; the server never sees it and stores nothing that allows an offline guess. The export
// key wraps a random 256-bit master key ("master-key/password" envelope). A printable
// recovery key wraps the same master key ("master-key/recovery" envelope). Changing the
// password re-wraps the master key under the new export key; nothing else changes.

function checkPassword(password: string): void {
  if (typeof password !== 'string' || password.length === 0) {
    throw new ValidationError('password', 'must not be empty');
  }
}

/** OPAQUE messages travel as the library's base64url strings. */
export interface RegistrationStart {
  state: string;
  request: string;
}

export async function startRegistration(password: string): Promise<RegistrationStart> {
  checkPassword(password);
  await opaque.ready;
  const r = opaque.client.startRegistration({ password });
  return { state: r.clientRegistrationState, request: r.registrationRequest };
}

export async function finishRegistration(
  password: string,
  state: string,
  response: string,
): Promise<{ record: string; exportKey: ExportKey; serverPublicKey: string }> {
  await opaque.ready;
  let r: ReturnType<typeof opaque.client.finishRegistration>;
  try {
    r = opaque.client.finishRegistration({
      password,
      clientRegistrationState: state,
      registrationResponse: response,
    });
  } catch {
    throw new IntegrityError('opaque: malformed registration response');
  }
  return {
    record: r.registrationRecord,
    exportKey: fromBase64Url(r.exportKey, 'exportKey', 64) as ExportKey,
    serverPublicKey: r.serverStaticPublicKey,
  };
}

export async function startLogin(password: string): Promise<RegistrationStart> {
  checkPassword(password);
  await opaque.ready;
  const r = opaque.client.startLogin({ password });
  return { state: r.clientLoginState, request: r.startLoginRequest };
}

/**
 * Completes the client side of a login. A wrong password, or a server that does not hold the
 * account's record, ends in AuthError; OPAQUE cannot tell the two apart, by design.
 */
export async function finishLogin(
  password: string,
  state: string,
  response: string,
): Promise<{
  finishRequest: string;
  sessionKey: string;
  exportKey: ExportKey;
  serverPublicKey: string;
}> {
  await opaque.ready;
  let r: ReturnType<typeof opaque.client.finishLogin>;
  try {
    r = opaque.client.finishLogin({ password, clientLoginState: state, loginResponse: response });
  } catch {
    throw new AuthError('login failed: wrong password or unknown account');
  }
  if (!r) throw new AuthError('login failed: wrong password or unknown account');
  return {
    finishRequest: r.finishLoginRequest,
    sessionKey: r.sessionKey,
    exportKey: fromBase64Url(r.exportKey, 'exportKey', 64) as ExportKey,
    serverPublicKey: r.serverStaticPublicKey,
  };
}

const masterSpec = (method: 'password' | 'recovery', accountId: AccountId) => ({
  format: 'wrappedKey' as const,
  purpose: `master-key/${method}`,
  context: [idBytes(accountId)],
});

async function unwrapMaster(
  spec: ReturnType<typeof masterSpec>,
  key: Uint8Array,
  wrapped: Uint8Array,
) {
  const raw = await openEnvelope(spec, key, wrapped);
  if (raw.length !== 32) throw new IntegrityError('wrappedKey: master key has the wrong length');
  return asKey.master(raw);
}

export const wrapMasterKeyWithPassword = (
  exportKey: ExportKey,
  masterKey: MasterKey,
  accountId: AccountId,
) => sealEnvelope(masterSpec('password', accountId), exportKey, masterKey);

export const unwrapMasterKeyWithPassword = (
  exportKey: ExportKey,
  wrapped: Uint8Array,
  accountId: AccountId,
) => unwrapMaster(masterSpec('password', accountId), exportKey, wrapped);

export const wrapMasterKeyWithRecovery = (
  recoveryKey: RecoveryKey,
  masterKey: MasterKey,
  accountId: AccountId,
) => sealEnvelope(masterSpec('recovery', accountId), recoveryKey, masterKey);

export const unwrapMasterKeyWithRecovery = (
  recoveryKey: RecoveryKey,
  wrapped: Uint8Array,
  accountId: AccountId,
) => unwrapMaster(masterSpec('recovery', accountId), recoveryKey, wrapped);

/**
 * What the client shows the hub to prove it holds the recovery key, without revealing it.
 * The hub stores only a hash of the proof; see [Note: Account recovery] in docs/security.md.
 */
export async function recoveryProof(recoveryKey: RecoveryKey, accountId: AccountId) {
  const info = new TextEncoder().encode('coffer/v1/recovery-proof');
  return toBase64Url(await platform.hkdfSha256(recoveryKey, idBytes(accountId), info, 32));
}

// ---- recovery key -----------------------------------------------------------------------
// 32 random bytes and a 3-byte checksum, in Crockford base32 (no I, L, O or U, so it survives
// being read aloud or copied by hand), in groups of four.

const RECOVERY_CHECKSUM = 3;

export const newRecoveryKey = (): RecoveryKey => platform.randomBytes(32) as RecoveryKey;

export async function formatRecoveryKey(key: RecoveryKey): Promise<string> {
  const sum = (await platform.sha256(key)).subarray(0, RECOVERY_CHECKSUM);
  const text = base32crockford.encode(concatBytes(key, sum));
  return text.match(/.{1,4}/g)?.join('-') ?? text;
}

export async function parseRecoveryKey(text: string): Promise<RecoveryKey> {
  const field = 'recoveryKey';
  if (typeof text !== 'string') throw new ValidationError(field, 'expected a string');
  const normal = text.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  let bytes: Uint8Array;
  try {
    bytes = base32crockford.decode(normal);
  } catch {
    throw new ValidationError(field, 'expected groups of letters and digits, as printed at signup');
  }
  if (bytes.length !== 32 + RECOVERY_CHECKSUM) {
    throw new ValidationError(field, 'wrong length: expected 56 characters, as printed at signup');
  }
  const key = bytes.subarray(0, 32);
  const sum = (await platform.sha256(key)).subarray(0, RECOVERY_CHECKSUM);
  if (!equalBytes(sum, bytes.subarray(32))) {
    throw new ValidationError(field, 'checksum does not match: a character is mistyped');
  }
  return key.slice() as RecoveryKey;
}
