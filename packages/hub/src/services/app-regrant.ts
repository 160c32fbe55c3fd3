import { appGrantOf } from '@coffer/crypto';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '@coffer/errors';
import type { AppInfo, RouteBody, RouteResponse } from '@coffer/protocol';
import type { Caller, Hub } from '../context.ts';
import { ownNode } from './access.ts';
import { accountSigned, appInfo } from './apps.ts';

// [Note: Grants after a rotation]
// An app's grant is its folder's key for one key version. When the account's client rotates
// that folder's keys (a share member removed, a writing app revoked; [Note: Key rotation]),
// every node under it gets a new key, so every other app granted the folder or a folder under
// it would be cut off. The client that rotated seals the folder's new key to each such app
// again (same app keys, same request, folder and access, the new key version) and signs it as
// at approval; `regrant` stores it in place of the old box. The hub takes it only for an app of
// the caller that is still active, for the folder it was granted, at the folder's current key
// version (one above the grant's), and only with the account's signature over exactly that:
// a session token alone cannot make one ([Note: A grant needs the identity key]), and a revoked
// app gets nothing. No second factor is asked, unlike approval: a new grant gives the same
// app the same folder with the same rights, nothing it did not have. The app fetches its own grant again (`ownGrant`, its token only) when its
// key stops opening things, and checks the account's signature itself: a hub that swaps in
// another box fails that check ([Note: Renewing an app's grant] in the SDK).

export async function regrant(
  hub: Hub,
  c: Caller,
  id: string,
  b: RouteBody<'regrantApp'>,
): Promise<AppInfo> {
  const app = await hub.db
    .selectFrom('apps')
    .selectAll()
    .where('id', '=', id)
    .where('account_id', '=', c.accountId)
    .executeTakeFirst();
  if (!app) throw new NotFoundError('id: no such app of yours');
  const now = hub.now();
  if (app.revoked_at !== null) throw new ConflictError('id: this app is revoked');
  if (appInfo(app, now).expiresAt <= now)
    throw new ConflictError('id: this app’s token has expired');
  if (b.folderId !== app.folder_id) {
    throw new ValidationError(
      'folderId',
      `expected the folder this app was granted, ${app.folder_id}`,
    );
  }
  const folder = await ownNode(hub.db, c, app.folder_id, 'folderId');
  if (folder.key_version !== b.keyVersion) {
    throw new ConflictError(`keyVersion: the folder's keys are at version ${folder.key_version}`);
  }
  if (b.keyVersion <= app.key_version) {
    throw new ValidationError(
      'keyVersion',
      `expected a key version above the app's grant, ${app.key_version}`,
    );
  }
  const grant = appGrantOf(c.accountId, {
    requestId: app.request_id,
    folderId: app.folder_id,
    keyVersion: b.keyVersion,
    access: app.access,
    publicKey: app.public_key,
    signingKey: app.signing_key,
  });
  if (!(await accountSigned(hub, c.accountId, b.sealedKey, grant))) {
    throw new ValidationError(
      'sealedKey',
      "expected this app's folder key sealed to it and signed by the account's identity key for its request, folder, access and this key version",
    );
  }
  const u = await hub.db
    .updateTable('apps')
    .set({ key_version: b.keyVersion, sealed_key: b.sealedKey })
    .where('id', '=', id)
    .where('key_version', '=', app.key_version)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (Number(u.numUpdatedRows) !== 1) throw new ConflictError('id: this app changed meanwhile');
  return appInfo({ ...app, key_version: b.keyVersion, sealed_key: b.sealedKey }, now);
}

/** An app token's own grant as it stands (the app checks the account's signature over it). */
export async function ownGrant(hub: Hub, c: Caller): Promise<RouteResponse<'appGrant'>> {
  if (!c.app) throw new ForbiddenError('appGrant: only an app token has a grant');
  const app = await hub.db
    .selectFrom('apps')
    .selectAll()
    .where('id', '=', c.app.id)
    .executeTakeFirstOrThrow();
  return {
    appId: app.id,
    requestId: app.request_id,
    folderId: app.folder_id,
    keyVersion: app.key_version,
    access: app.access,
    sealedKey: app.sealed_key,
  };
}
