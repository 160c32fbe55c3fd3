import { toBase64Url } from '@coffer/crypto';
import {
  opaqueFinishLogin,
  opaqueRegistrationResponse,
  opaqueStartLogin,
} from '@coffer/crypto/server';
import { AuthError, ConflictError, NotFoundError } from '@coffer/errors';
import type { AccountInfo, RouteBody, RouteResponse, SessionGrant } from '@coffer/protocol';
import type { Selectable } from 'kysely';
import type { Caller, Hub } from '../context.ts';
import type { AccountsTable } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { hashText, newRecordId, newSecretToken } from './ids.ts';
import { rateLimit } from './rate-limit.ts';
import { hasSecondFactor, pendingSessionMs, requireSecondFactor } from './second-factor.ts';
import { forgetSyncStates } from './sync-state.ts';

const LOGIN_STATE_TTL_MS = 60_000;

function accountInfo(a: Selectable<AccountsTable>, rootWrappedKey: string): AccountInfo {
  return {
    id: a.id,
    email: a.email,
    createdAt: a.created_at,
    rootId: a.root_id,
    wrappedMasterKey: a.wrapped_master_key,
    wrappedIdentity: { signing: a.wrapped_signing, agreement: a.wrapped_agreement },
    keyBundle: a.key_bundle,
    rootWrappedKey,
  };
}

export async function loadAccountInfo(hub: Hub, accountId: string): Promise<AccountInfo> {
  const a = await hub.db
    .selectFrom('accounts')
    .selectAll()
    .where('id', '=', accountId)
    .executeTakeFirst();
  if (!a) throw new AuthError('the account no longer exists');
  const root = await hub.db
    .selectFrom('nodes')
    .select('wrapped_key')
    .where('id', '=', a.root_id)
    .executeTakeFirstOrThrow();
  return accountInfo(a, root.wrapped_key);
}

async function insertSession(
  hub: Hub,
  accountId: string,
  deviceName: string | undefined,
  pending: boolean,
) {
  const token = newSecretToken();
  const now = hub.now();
  const session = {
    id: newRecordId(),
    account_id: accountId,
    token_hash: await hashText(token),
    device_name: deviceName?.trim() || 'unnamed device',
    created_at: now,
    last_seen_at: now,
    expires_at: now + (pending ? pendingSessionMs : hub.config.sessionTtlHours * 3_600_000),
    second_factor_pending: pending ? 1 : 0,
  };
  await hub.db.insertInto('sessions').values(session).execute();
  return { token, session };
}

async function newSession(
  hub: Hub,
  accountId: string,
  deviceName: string | undefined,
): Promise<SessionGrant> {
  const { token, session } = await insertSession(hub, accountId, deviceName, false);
  return {
    token,
    sessionId: session.id,
    expiresAt: session.expires_at,
    account: await loadAccountInfo(hub, accountId),
  };
}

async function limitLogin(hub: Hub, email: string, address: string) {
  const { perEmail, perAddress, windowSeconds } = hub.config.login;
  await rateLimit(hub, `login:address:${address}`, perAddress, windowSeconds * 1000);
  await rateLimit(hub, `login:email:${email}`, perEmail, windowSeconds * 1000);
}

export async function registerStart(
  hub: Hub,
  body: RouteBody<'registerStart'>,
  address: string,
): Promise<RouteResponse<'registerStart'>> {
  await rateLimit(hub, `register:address:${address}`, hub.config.login.perAddress, 60_000);
  return { response: await opaqueRegistrationResponse(hub.opaqueSetup, body.email, body.request) };
}

export async function signup(hub: Hub, b: RouteBody<'signup'>): Promise<SessionGrant> {
  const now = hub.now();
  const taken = await hub.db
    .selectFrom('accounts')
    .select('id')
    .where((w) => w.or([w('email', '=', b.email), w('id', '=', b.accountId)]))
    .executeTakeFirst();
  if (taken) throw new ConflictError('email: an account with this email already exists');
  await inTransaction(hub.db, async (tx) => {
    await tx
      .insertInto('accounts')
      .values({
        id: b.accountId,
        email: b.email,
        opaque_record: b.record,
        wrapped_master_key: b.wrappedMasterKey,
        recovery_wrapped_master_key: b.recoveryWrappedMasterKey,
        recovery_proof_hash: await hashText(b.recoveryProof),
        wrapped_signing: b.wrappedIdentity.signing,
        wrapped_agreement: b.wrappedIdentity.agreement,
        key_bundle: b.keyBundle,
        root_id: b.rootId,
        created_at: now,
      })
      .execute();
    await tx
      .insertInto('nodes')
      .values({
        id: b.rootId,
        account_id: b.accountId,
        parent_id: null,
        kind: 'folder',
        wrapped_key: b.rootWrappedKey,
        metadata: b.rootMetadata,
        name_hash: null,
        version: 1,
        revision: null,
        size: 0,
        trashed_at: null,
        created_at: now,
        updated_at: now,
        key_version: 1,
      })
      .execute();
  });
  return newSession(hub, b.accountId, b.deviceName);
}

export async function loginStart(
  hub: Hub,
  b: RouteBody<'loginStart'>,
  address: string,
): Promise<RouteResponse<'loginStart'>> {
  await limitLogin(hub, b.email, address);
  const account = await hub.db
    .selectFrom('accounts')
    .select('opaque_record')
    .where('email', '=', b.email)
    .executeTakeFirst();
  // An unknown email gets a well-formed fake answer: the hub does not reveal who has an account.
  const { state, response } = await opaqueStartLogin(
    hub.opaqueSetup,
    b.email,
    account?.opaque_record ?? null,
    b.request,
  );
  const id = newRecordId();
  await hub.db.deleteFrom('login_states').where('expires_at', '<', hub.now()).execute();
  await hub.db
    .insertInto('login_states')
    .values({ id, email: b.email, state, expires_at: hub.now() + LOGIN_STATE_TTL_MS })
    .execute();
  return { loginId: id, response };
}

/** A login attempt's server state, used once: a second finish for it is refused. */
export async function takeLoginState(hub: Hub, loginId: string) {
  const pending = await hub.db
    .deleteFrom('login_states')
    .where('id', '=', loginId)
    .returningAll()
    .executeTakeFirst();
  if (!pending || pending.expires_at < hub.now()) {
    throw new AuthError('loginId: unknown or expired login attempt; start again');
  }
  return pending;
}

/**
 * The caller's current password, proven with a fresh OPAQUE login (loginStart, then its finish
 * message) for the session's own account: what a stolen session token alone cannot do. For a
 * new password and for turning the second factor on.
 */
export async function proveCurrentPassword(
  hub: Hub,
  c: Caller,
  loginId: string,
  finish: string,
): Promise<{ id: string; email: string }> {
  const pending = await takeLoginState(hub, loginId);
  const account = await hub.db
    .selectFrom('accounts')
    .select(['id', 'email'])
    .where('id', '=', c.accountId)
    .executeTakeFirstOrThrow();
  if (pending.email !== account.email) {
    throw new AuthError('loginId: that login attempt is for another account');
  }
  try {
    await opaqueFinishLogin(pending.state, finish);
  } catch (e) {
    if (e instanceof AuthError) throw new AuthError('currentPassword: wrong password');
    throw e;
  }
  return account;
}

export async function loginFinish(
  hub: Hub,
  b: RouteBody<'loginFinish'>,
): Promise<RouteResponse<'loginFinish'>> {
  const pending = await takeLoginState(hub, b.loginId);
  await opaqueFinishLogin(pending.state, b.finish);
  const account = await hub.db
    .selectFrom('accounts')
    .select('id')
    .where('email', '=', pending.email)
    .executeTakeFirst();
  if (!account) throw new AuthError('login failed: wrong password or unknown account');
  if (await hasSecondFactor(hub, account.id)) {
    // [Note: Second factor on the hub]: no account keys until the code passes.
    const { token, session } = await insertSession(hub, account.id, b.deviceName, true);
    return {
      token,
      sessionId: session.id,
      expiresAt: session.expires_at,
      secondFactorRequired: true,
    };
  }
  return newSession(hub, account.id, b.deviceName);
}

/** A wrapped-key-sized answer derived from a secret, for emails with no account. */
async function decoy(hub: Hub, email: string) {
  const parts: string[] = [];
  for (let i = 0; i < 4; i++) parts.push(await hashText(`${hub.decoySecret}:${email}:${i}`));
  const bytes = Uint8Array.from(Buffer.from(parts.join(''), 'hex')).subarray(0, 116);
  return { accountId: parts[0]?.slice(0, 32) ?? '', recoveryWrappedMasterKey: toBase64Url(bytes) };
}

export async function recoveryStart(
  hub: Hub,
  b: RouteBody<'recoveryStart'>,
  address: string,
): Promise<RouteResponse<'recoveryStart'>> {
  await limitLogin(hub, b.email, address);
  const a = await hub.db
    .selectFrom('accounts')
    .select(['id', 'recovery_wrapped_master_key'])
    .where('email', '=', b.email)
    .executeTakeFirst();
  if (!a) return decoy(hub, b.email);
  return { accountId: a.id, recoveryWrappedMasterKey: a.recovery_wrapped_master_key };
}

export async function recoveryFinish(
  hub: Hub,
  b: RouteBody<'recoveryFinish'>,
  address: string,
): Promise<SessionGrant> {
  await limitLogin(hub, b.email, address);
  const a = await hub.db
    .selectFrom('accounts')
    .select(['id', 'recovery_proof_hash'])
    .where('email', '=', b.email)
    .executeTakeFirst();
  if (!a || (await hashText(b.recoveryProof)) !== a.recovery_proof_hash) {
    throw new AuthError('recoveryProof: wrong recovery key for this account');
  }
  await requireSecondFactor(hub, a.id, b.secondFactor, address);
  await inTransaction(hub.db, async (tx) => {
    await tx
      .updateTable('accounts')
      .set({ opaque_record: b.record, wrapped_master_key: b.wrappedMasterKey })
      .where('id', '=', a.id)
      .execute();
    await tx.deleteFrom('sessions').where('account_id', '=', a.id).execute();
    await forgetSyncStates(tx, { accountId: a.id });
  });
  return newSession(hub, a.id, b.deviceName);
}

/** Resolves a bearer token to its session; expired and revoked sessions are AuthErrors. */
export async function authenticate(hub: Hub, token: string): Promise<Caller> {
  const s = await hub.db
    .selectFrom('sessions')
    .select(['id', 'account_id', 'expires_at', 'last_seen_at', 'second_factor_pending'])
    .where('token_hash', '=', await hashText(token))
    .executeTakeFirst();
  const now = hub.now();
  if (!s || s.expires_at < now) throw new AuthError('session expired or revoked; log in again');
  if (now - s.last_seen_at > 60_000) {
    await hub.db
      .updateTable('sessions')
      .set({ last_seen_at: now })
      .where('id', '=', s.id)
      .execute();
  }
  if (s.second_factor_pending) {
    return { accountId: s.account_id, sessionId: s.id, secondFactorPending: true };
  }
  return { accountId: s.account_id, sessionId: s.id };
}

export const account = (hub: Hub, c: Caller) => loadAccountInfo(hub, c.accountId);

export async function logout(hub: Hub, c: Caller) {
  await hub.db.deleteFrom('sessions').where('id', '=', c.sessionId).execute();
  await forgetSyncStates(hub.db, { sessionId: c.sessionId });
}

export async function sessions(hub: Hub, c: Caller): Promise<RouteResponse<'sessions'>> {
  const rows = await hub.db
    .selectFrom('sessions')
    .selectAll()
    .where('account_id', '=', c.accountId)
    .where('expires_at', '>=', hub.now())
    .orderBy('created_at')
    .execute();
  return {
    sessions: rows.map((s) => ({
      id: s.id,
      deviceName: s.device_name,
      createdAt: s.created_at,
      lastSeenAt: s.last_seen_at,
      expiresAt: s.expires_at,
      current: s.id === c.sessionId,
      awaitingCode: Boolean(s.second_factor_pending),
    })),
  };
}

export async function revokeSession(hub: Hub, c: Caller, id: string) {
  const r = await hub.db
    .deleteFrom('sessions')
    .where('id', '=', id)
    .where('account_id', '=', c.accountId)
    .executeTakeFirst();
  if (r.numDeletedRows === 0n) throw new NotFoundError('id: no such session on this account');
  await forgetSyncStates(hub.db, { sessionId: id });
}
