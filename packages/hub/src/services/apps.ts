import {
  type AppGrant,
  appGrantOf,
  appGrantSigned,
  fromBase64Url,
  randomBytes,
} from '@coffer/crypto';
import { AuthError, ConflictError, NotFoundError, ValidationError } from '@coffer/errors';
import {
  type AppInfo,
  formatUserCode,
  newUserCode,
  normalizeUserCode,
  type RouteBody,
  type RouteResponse,
} from '@coffer/protocol';
import type { Caller, Hub } from '../context.ts';
import type { AppsTable } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { ownNode } from './access.ts';
import { signingKeyOf } from './account-keys.ts';
import {
  addressBucket,
  capPendingRequests,
  spendCodeAttempt,
  withFreshUserCode,
} from './app-limits.ts';
import { APP_TOKEN_PREFIX } from './app-scope.ts';
import { hashText, newRecordId, newSecretToken } from './ids.ts';
import { rateLimit } from './rate-limit.ts';
import { requireSecondFactor } from './second-factor.ts';

// [Note: App tokens]
// A third-party app gets one folder of an account through a device flow in the style of
// RFC 8628. The app posts its name, the access it wants and its public keys (X25519 to
// receive the folder key, Ed25519 to sign what it writes); the hub answers a device code
// (secret, the app's alone), a user code (shown to the user, [Note: User codes]), the polling
// interval and the lifetime (ten minutes). The user, logged in elsewhere, looks the request up
// by user code and approves with a folder id and that folder's key sealed to the app and
// signed by the account ([Note: App grants] in crypto); the hub stores the box and cannot
// open it. The app's next poll gets the token (once: the request is gone after) with the
// box. Polling faster than the interval answers slow_down and adds 5 s to it (§3.5).
//
// The token is `capp.` and 32 random bytes; the hub keeps its SHA-256 only. It names the app,
// the account, the folder, the access and the expiry; revoking sets revoked_at, and the next
// request with it gets 401 (services/app-scope.ts, checked on every request). Look-ups by user
// code are limited per account, per address and network-wide, and requests per address, so
// codes cannot be guessed ([Note: Guessing user codes] in app-limits.ts).

const REQUEST_TTL_MS = 10 * 60_000;
const INTERVAL_MS = 5_000;
const SLOW_DOWN_MS = 5_000;
const DEFAULT_TOKEN_TTL_S = 90 * 86_400;
const LOOKUPS_PER_MINUTE = 30;
const REQUESTS_PER_MINUTE = 30;

export async function requestApp(
  hub: Hub,
  b: RouteBody<'requestApp'>,
  address: string,
): Promise<RouteResponse<'requestApp'>> {
  const client = addressBucket(address);
  await rateLimit(hub, `apps:request:${client}`, REQUESTS_PER_MINUTE, 60_000);
  const now = hub.now();
  await hub.db.deleteFrom('app_requests').where('expires_at', '<', now).execute();
  const deviceCode = newSecretToken();
  const deviceCodeHash = await hashText(deviceCode);
  const id = newRecordId();
  // A code already taken inserts nothing, and another is drawn ([Note: Guessing user codes]).
  const userCode = await withFreshUserCode(
    () => newUserCode(randomBytes),
    async (code) => {
      const row = await hub.db
        .insertInto('app_requests')
        .values({
          id,
          device_code_hash: deviceCodeHash,
          user_code: code,
          name: b.name,
          access: b.access,
          folder_hint: b.folder ?? null,
          public_key: b.publicKey,
          signing_key: b.signingKey,
          state: 'pending',
          app_id: null,
          interval_ms: INTERVAL_MS,
          last_polled_at: null,
          client_address: client,
          created_at: now,
          expires_at: now + REQUEST_TTL_MS,
        })
        .onConflict((oc) => oc.column('user_code').doNothing())
        .returning('user_code')
        .executeTakeFirst();
      return row?.user_code;
    },
  );
  await capPendingRequests(hub, client, id);
  return {
    requestId: id,
    deviceCode,
    userCode: formatUserCode(userCode),
    interval: INTERVAL_MS / 1000,
    expiresIn: REQUEST_TTL_MS / 1000,
  };
}

export async function pollToken(hub: Hub, deviceCode: string): Promise<RouteResponse<'appToken'>> {
  const hash = await hashText(deviceCode);
  const r = await hub.db
    .selectFrom('app_requests')
    .selectAll()
    .where('device_code_hash', '=', hash)
    .executeTakeFirst();
  if (!r) throw new NotFoundError('deviceCode: no such request (already answered, or mistyped)');
  const now = hub.now();
  if (r.expires_at < now) {
    await hub.db.deleteFrom('app_requests').where('id', '=', r.id).execute();
    return { state: 'expired_token' };
  }
  if (r.last_polled_at !== null && now - r.last_polled_at < r.interval_ms) {
    const interval = r.interval_ms + SLOW_DOWN_MS;
    await hub.db
      .updateTable('app_requests')
      .set({ interval_ms: interval, last_polled_at: now })
      .where('id', '=', r.id)
      .execute();
    return { state: 'slow_down', interval: interval / 1000 };
  }
  await hub.db
    .updateTable('app_requests')
    .set({ last_polled_at: now })
    .where('id', '=', r.id)
    .execute();
  if (r.state === 'pending') return { state: 'authorization_pending' };
  if (r.state === 'denied') {
    await hub.db.deleteFrom('app_requests').where('id', '=', r.id).execute();
    return { state: 'access_denied' };
  }
  const token = `${APP_TOKEN_PREFIX}${newSecretToken()}`;
  const app = await inTransaction(hub.db, async (tx) => {
    const gone = await tx.deleteFrom('app_requests').where('id', '=', r.id).executeTakeFirst();
    if (Number(gone.numDeletedRows) !== 1) return null;
    await tx
      .updateTable('apps')
      .set({ token_hash: await hashText(token) })
      .where('id', '=', r.app_id as string)
      .execute();
    return tx
      .selectFrom('apps')
      .innerJoin('accounts', 'accounts.id', 'apps.account_id')
      .selectAll('apps')
      .select('accounts.key_bundle')
      .where('apps.id', '=', r.app_id as string)
      .executeTakeFirstOrThrow();
  });
  // A poll at the same moment took the token: this one finds the request gone.
  if (!app) throw new NotFoundError('deviceCode: no such request (already answered)');
  return {
    state: 'granted',
    token,
    appId: app.id,
    accountId: app.account_id,
    keyBundle: app.key_bundle,
    folderId: app.folder_id,
    keyVersion: app.key_version,
    access: app.access,
    sealedKey: app.sealed_key,
    expiresAt: app.expires_at,
  };
}

/**
 * The pending request behind a code a logged-in user typed; look-ups are limited per account,
 * per address and, for those that find nothing, network-wide ([Note: Guessing user codes]).
 */
async function pendingByCode(hub: Hub, c: Caller, typed: string, address: string) {
  const code = normalizeUserCode(typed);
  await rateLimit(hub, `apps:lookup:${c.accountId}`, LOOKUPS_PER_MINUTE, 60_000);
  await rateLimit(
    hub,
    `apps:lookup-address:${addressBucket(address)}`,
    LOOKUPS_PER_MINUTE * 2,
    60_000,
  );
  const found = await spendCodeAttempt(hub);
  const r = await hub.db
    .selectFrom('app_requests')
    .selectAll()
    .where('user_code', '=', code)
    .where('state', '=', 'pending')
    .where('expires_at', '>=', hub.now())
    .executeTakeFirst();
  if (!r)
    throw new NotFoundError('userCode: no app is waiting with this code (expired or mistyped?)');
  await found();
  return r;
}

export async function lookupRequest(
  hub: Hub,
  c: Caller,
  b: RouteBody<'lookupAppRequest'>,
  address: string,
): Promise<RouteResponse<'lookupAppRequest'>> {
  const r = await pendingByCode(hub, c, b.userCode, address);
  return {
    requestId: r.id,
    name: r.name,
    access: r.access,
    folder: r.folder_hint,
    publicKey: r.public_key,
    signingKey: r.signing_key,
    expiresAt: r.expires_at,
  };
}

export async function approve(
  hub: Hub,
  c: Caller,
  b: RouteBody<'approveApp'>,
  address: string,
): Promise<AppInfo> {
  const r = await pendingByCode(hub, c, b.userCode, address);
  if (r.id !== b.requestId) {
    throw new ConflictError('requestId: the code now belongs to another request; look it up again');
  }
  const folder = await ownNode(hub.db, c, b.folderId, 'folderId');
  if (folder.kind !== 'folder') throw new ValidationError('folderId', 'is a file, not a folder');
  if (folder.trashed_at !== null) throw new ValidationError('folderId', 'is in the trash');
  if (folder.parent_id === null) {
    throw new ValidationError('folderId', 'expected a folder, not the whole account');
  }
  if (folder.key_version !== b.keyVersion) {
    throw new ConflictError(`keyVersion: the folder's keys are at version ${folder.key_version}`);
  }
  // [Note: A grant needs the identity key]
  // The grant must carry the account's signature over this very request, folder and access
  // (crypto's [Note: App grants]). A session token alone (stolen, say, from a browser) holds no
  // identity key, so it cannot mint a long-lived app token; and what the hub stores, and the
  // token confines the app to, is exactly what the account signed.
  const grant = appGrantOf(c.accountId, {
    requestId: r.id,
    folderId: folder.id,
    keyVersion: b.keyVersion,
    access: r.access,
    publicKey: r.public_key,
    signingKey: r.signing_key,
  });
  if (!(await accountSigned(hub, c.accountId, b.sealedKey, grant))) {
    throw new ValidationError(
      'sealedKey',
      "expected this app's folder key sealed to it and signed by the account's identity key for this request, folder and access",
    );
  }
  await requireSecondFactor(hub, c.accountId, b.secondFactor, address);
  const now = hub.now();
  const app: AppsTable = {
    id: newRecordId(),
    account_id: c.accountId,
    request_id: r.id,
    name: r.name,
    access: r.access,
    folder_id: folder.id,
    key_version: b.keyVersion,
    public_key: r.public_key,
    signing_key: r.signing_key,
    sealed_key: b.sealedKey,
    token_hash: null,
    created_at: now,
    expires_at: now + (b.expiresIn ?? DEFAULT_TOKEN_TTL_S) * 1000,
    last_used_at: null,
    revoked_at: null,
  };
  const taken = await inTransaction(hub.db, async (tx) => {
    const u = await tx
      .updateTable('app_requests')
      .set({ state: 'approved', app_id: app.id })
      .where('id', '=', r.id)
      .where('state', '=', 'pending')
      .executeTakeFirst();
    if (Number(u.numUpdatedRows) !== 1) return false;
    await tx.insertInto('apps').values(app).execute();
    return true;
  });
  if (!taken) throw new ConflictError('userCode: this request was answered meanwhile');
  return appInfo(app, now);
}

/** Whether `sealedKey` carries the account's signature over `grant` (a malformed box does not). */
export async function accountSigned(
  hub: Hub,
  accountId: string,
  sealedKey: string,
  grant: AppGrant,
): Promise<boolean> {
  const accountKey = await signingKeyOf(hub.db, accountId);
  try {
    return appGrantSigned(fromBase64Url(sealedKey, 'sealedKey'), grant, accountKey);
  } catch {
    // A box too short or malformed to read is no signature either.
    return false;
  }
}

export async function deny(hub: Hub, c: Caller, b: RouteBody<'denyApp'>, address: string) {
  const r = await pendingByCode(hub, c, b.userCode, address);
  await hub.db
    .updateTable('app_requests')
    .set({ state: 'denied' })
    .where('id', '=', r.id)
    .where('state', '=', 'pending')
    .execute();
}

export async function list(hub: Hub, c: Caller): Promise<RouteResponse<'apps'>> {
  const rows = await hub.db
    .selectFrom('apps')
    .selectAll()
    .where('account_id', '=', c.accountId)
    .orderBy('created_at')
    .execute();
  const now = hub.now();
  return { apps: rows.map((a) => appInfo(a, now)) };
}

export async function revoke(hub: Hub, c: Caller, id: string) {
  const app = await hub.db
    .selectFrom('apps')
    .select(['id', 'revoked_at'])
    .where('id', '=', id)
    .where('account_id', '=', c.accountId)
    .executeTakeFirst();
  if (!app) throw new NotFoundError('id: no such app of yours');
  if (app.revoked_at !== null) return;
  await hub.db.updateTable('apps').set({ revoked_at: hub.now() }).where('id', '=', id).execute();
}

/** The caller behind an app token; AuthError (401) once it is revoked or expired. */
export async function appCaller(hub: Hub, token: string): Promise<Caller> {
  const a = await hub.db
    .selectFrom('apps')
    .select(['id', 'account_id', 'folder_id', 'access', 'expires_at', 'revoked_at', 'last_used_at'])
    .where('token_hash', '=', await hashText(token))
    .executeTakeFirst();
  const now = hub.now();
  if (!a || a.revoked_at !== null || a.expires_at < now) {
    throw new AuthError('app token expired or revoked; ask for access again');
  }
  if (a.last_used_at === null || now - a.last_used_at > 60_000) {
    await hub.db.updateTable('apps').set({ last_used_at: now }).where('id', '=', a.id).execute();
  }
  return {
    accountId: a.account_id,
    sessionId: a.id,
    app: { id: a.id, folderId: a.folder_id, access: a.access },
  };
}

// [Note: Grants never picked up]
// A grant is made when the account approves, and its token when the app polls next. An app
// that never polls (it quit, or the request was someone else's) cannot get the token once its
// request has expired (pollToken), so the grant ends then: it is listed as expired at the
// latest REQUEST_TTL_MS after the approval (the request expired before that), not as active
// for the 90 days of a token nobody holds.

/** An app as the account sees it; a grant never picked up expires with its request. */
export const appInfo = (a: AppsTable, now: number): AppInfo => ({
  id: a.id,
  name: a.name,
  access: a.access,
  folderId: a.folder_id,
  keyVersion: a.key_version,
  requestId: a.request_id,
  publicKey: a.public_key,
  signingKey: a.signing_key,
  sealedKey: a.sealed_key,
  createdAt: a.created_at,
  expiresAt:
    a.token_hash === null && a.created_at + REQUEST_TTL_MS < now
      ? a.created_at + REQUEST_TTL_MS
      : a.expires_at,
  lastUsedAt: a.last_used_at,
  revokedAt: a.revoked_at,
});
