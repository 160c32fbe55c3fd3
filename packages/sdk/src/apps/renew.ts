import {
  type AccountId,
  type AppAccess,
  type AppGrant,
  type FolderKey,
  fromBase64Url,
  type Identity,
  type NodeId,
  openAppFolderKey,
  type SigningPublicKey,
  toBase64Url,
} from '@coffer/crypto';
import { IntegrityError } from '@coffer/errors';
import type { NodeInfo } from '@coffer/protocol';
import type { HubCalls } from '../hub-client.ts';
import { fromHub, type OpenNode } from '../keys.ts';
import type { SavedApp } from './saved.ts';

// [Note: Renewing an app's grant]
// When the account rotates the keys of an app's folder (or of a folder above it), its client
// seals the new folder key to the app again ([Note: Resealing after a rotation]). The app
// notices when its key stops opening things (a name not found under it, a node that does not
// open, a write refused because the folder's keys changed), fetches its own grant once
// (`appGrant`, its token only) and, if it is for a newer key version, checks it exactly as at
// connect time: the account's signature, with the signing key the app pinned then, over its
// own request, folder, access and keys and the new version ([Note: App grants]). A hub that
// serves a box the account did not sign, or for another app, folder or access, is an
// IntegrityError; one that serves an older or the same version changes nothing. The new state
// goes to the app's `onRenewed`, for an app that keeps its state (`coffer webdav --app`) to save
// it: resumed from the old state, it would renew again on every start.

/** The app's folder as a node, its info at the key version of the key we hold. */
export async function appFolder(
  hub: HubCalls,
  saved: SavedApp,
  signal?: AbortSignal,
): Promise<{ folder: OpenNode; served: NodeInfo }> {
  const served = await hub.call('getNode', { params: { id: saved.folderId }, query: {} }, signal);
  if (served.id !== saved.folderId || served.kind !== 'folder') {
    throw new IntegrityError('app folder: the hub served another node');
  }
  // Writes name the version of our key: after a rotation the hub refuses them (409) rather
  // than take nodes wrapped under a key the account no longer uses.
  const info = { ...served, keyVersion: saved.keyVersion };
  const key = fromBase64Url(saved.folderKey, 'folderKey') as FolderKey;
  return { folder: { info, kind: 'folder', key, meta: { name: '' } }, served };
}

/**
 * The app's grant as the hub holds it now, checked: what to save instead of `saved`, or null
 * when the hub has no newer grant. IntegrityError when the account did not sign it.
 */
export async function renewedGrant(
  hub: HubCalls,
  saved: SavedApp,
  identity: Identity,
): Promise<SavedApp | null> {
  const g = await hub.call('appGrant', {});
  if (g.keyVersion <= saved.keyVersion) return null;
  if (
    g.appId !== saved.appId ||
    g.folderId !== saved.folderId ||
    g.access !== saved.access ||
    (saved.requestId !== undefined && g.requestId !== saved.requestId)
  ) {
    throw new IntegrityError(
      'app grant: the hub serves the grant of another app, folder or access',
    );
  }
  const requestId = saved.requestId ?? g.requestId;
  const key = await openGrantKey(
    'renewed folder key of the app',
    { ...saved, ...g, requestId },
    identity,
    fromBase64Url(saved.accountSigningKey, 'accountSigningKey') as SigningPublicKey,
  );
  return {
    ...saved,
    requestId,
    keyVersion: g.keyVersion,
    folderKey: toBase64Url(key),
  };
}

/**
 * Checks the account's signature over the grant of this app (`identity`: its own keys) for
 * this request, folder, key version and access, then opens the folder key (IntegrityError
 * when the hub changed any of it; [Note: App grants]).
 */
export function openGrantKey(
  what: string,
  g: {
    accountId: string;
    requestId: string;
    folderId: string;
    keyVersion: number;
    access: AppAccess;
    sealedKey: string;
  },
  identity: Identity,
  accountSigning: SigningPublicKey,
): Promise<FolderKey> {
  const grant: AppGrant = {
    accountId: g.accountId as AccountId,
    requestId: g.requestId,
    folderId: g.folderId as NodeId,
    keyVersion: g.keyVersion,
    access: g.access,
    appAgreementPublic: identity.agreementPublic,
    appSigningPublic: identity.signingPublic,
  };
  return fromHub(what, () =>
    openAppFolderKey(
      fromBase64Url(g.sealedKey, 'sealedKey'),
      grant,
      { secret: identity.agreementSecret, public: identity.agreementPublic },
      accountSigning,
    ),
  );
}
