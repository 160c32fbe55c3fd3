import {
  type AccountId,
  appKeyFingerprint,
  fromBase64Url,
  generateIdentity,
  type Identity,
  identityFromSeeds,
  type SigningPublicKey,
  toBase64Url,
  verifyKeyBundle,
} from '@coffer/crypto';
import { ExpiredError, ForbiddenError, IntegrityError } from '@coffer/errors';
import { HubClient } from '../hub-client.ts';
import { fromHub } from '../keys.ts';
import type { FreshnessPins } from '../pins.ts';
import { type RetryPolicy, sleep } from '../retry.ts';
import { AppClient, type SavedApp } from './app-client.ts';
import { appFolder, openGrantKey } from './renew.ts';

// [Note: Connecting an app]
// The app's side of the device flow ([Note: App tokens] in the hub): fresh key pairs, the
// request, the user code handed to `onCode`, then polls every `interval` seconds (longer after
// a slow_down) until the user answers or the code expires. The answer is checked before
// anything is used: the account's key bundle must be self-signed by that account; the access
// must be what the app asked for; and the sealed folder key must carry the account's signature
// over this request, this folder, its key version, this access and the app's own keys ([Note:
// App grants]). A hub that hands over another folder's box, or names a wider folder in the
// token, fails that check with an IntegrityError. What the app cannot check is that the
// account is the user's: a hub could approve its own request with an account of its own. The
// user code shown on the user's own screen is what ties the two, and `accountId` lets the app
// show or pin whose folder it got (docs/security.md §16).

export interface ConnectAppOptions {
  /** The hub's URL, e.g. https://coffer.example. */
  hub: string;
  /** Shown to the user when they approve. */
  name: string;
  /** A folder to suggest to the user, e.g. "/Photos/Phone" (the hub sees this text). */
  folder?: string;
  access: 'read' | 'readwrite';
  /** Show `userCode` to the user and where to type it. */
  /**
   * Show `userCode` to the user and where to type it, with `fingerprint`: the approving screen
   * shows the same one when the request it answers is really this app's ([Note: App key
   * fingerprint]).
   */
  onCode(code: {
    userCode: string;
    verificationUrl: string;
    expiresIn: number;
    fingerprint: string;
  }): void;
  signal?: AbortSignal;
  retry?: RetryPolicy;
  /** Where to keep the newest state seen of each node ([Note: Freshness pins]). */
  pins?: FreshnessPins;
  /**
   * Given `saved()` after each grant renewed ([Note: Renewing an app's grant]): what to keep
   * from then on, so the next `resumeApp` need not renew again. Awaited; what it throws fails
   * the call that renewed (the client holds the new grant all the same).
   */
  onRenewed?: (saved: SavedApp) => void | Promise<void>;
}

/**
 * Asks the user for one folder through the device flow and returns a client confined to it.
 * ForbiddenError if the user refuses, ExpiredError if nobody answers in time, IntegrityError
 * if the hub tampered with the grant.
 */
export async function connectApp(o: ConnectAppOptions): Promise<AppClient> {
  const identity = generateIdentity();
  const hub = new HubClient({ hubUrl: o.hub, ...(o.retry ? { retry: o.retry } : {}) });
  const request = await hub.call(
    'requestApp',
    {
      body: {
        name: o.name,
        access: o.access,
        publicKey: toBase64Url(identity.agreementPublic),
        signingKey: toBase64Url(identity.signingPublic),
        ...(o.folder ? { folder: o.folder } : {}),
      },
    },
    o.signal,
  );
  o.onCode({
    userCode: request.userCode,
    verificationUrl: `${hub.hubUrl}/#/approve?code=${request.userCode}`,
    expiresIn: request.expiresIn,
    fingerprint: await appKeyFingerprint(identity.agreementPublic, identity.signingPublic),
  });
  let interval = request.interval;
  for (;;) {
    await sleep(interval * 1000, o.signal);
    const a = await hub.call('appToken', { body: { deviceCode: request.deviceCode } }, o.signal);
    if (a.state === 'authorization_pending') continue;
    if (a.state === 'slow_down') {
      interval = Math.max(a.interval, interval + 5);
      continue;
    }
    if (a.state === 'access_denied') throw new ForbiddenError('the user refused this app access');
    if (a.state === 'expired_token') {
      throw new ExpiredError('nobody approved the app in time; ask again for a new code');
    }
    if (a.access !== o.access) {
      throw new IntegrityError(
        `app grant: the hub says ${a.access}, the app asked for ${o.access}`,
      );
    }
    const bundle = await fromHub('key bundle of the account', async () =>
      verifyKeyBundle(fromBase64Url(a.keyBundle, 'keyBundle'), a.accountId as AccountId),
    );
    const folderKey = await openGrantKey(
      'sealed folder key of the app',
      { ...a, requestId: request.requestId },
      identity,
      bundle.signingPublic,
    );
    return resumeApp(
      {
        hubUrl: hub.hubUrl,
        token: a.token,
        appId: a.appId,
        requestId: request.requestId,
        accountId: a.accountId,
        accountSigningKey: toBase64Url(bundle.signingPublic),
        folderId: a.folderId,
        keyVersion: a.keyVersion,
        access: a.access,
        expiresAt: a.expiresAt,
        folderKey: toBase64Url(folderKey),
        signingSeed: toBase64Url(identity.signingSecret),
        agreementSeed: toBase64Url(identity.agreementSecret),
      },
      o,
    );
  }
}

/** A client from what `AppClient.saved()` gave; AuthError once the token is revoked or expired. */
export async function resumeApp(
  saved: SavedApp,
  o: Pick<ConnectAppOptions, 'retry' | 'pins' | 'signal' | 'onRenewed'> = {},
): Promise<AppClient> {
  const hub = new HubClient({
    hubUrl: saved.hubUrl,
    token: saved.token,
    ...(o.retry ? { retry: o.retry } : {}),
  });
  const identity: Identity = identityFromSeeds(
    fromBase64Url(saved.signingSeed, 'signingSeed'),
    fromBase64Url(saved.agreementSeed, 'agreementSeed'),
  );
  const { folder } = await appFolder(hub, saved, o.signal);
  return new AppClient({
    hub,
    saved,
    identity,
    folder,
    accountSigning: fromBase64Url(saved.accountSigningKey, 'accountSigningKey') as SigningPublicKey,
    pins: o.pins,
    onRenewed: o.onRenewed,
  });
}
