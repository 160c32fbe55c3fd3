import {
  type AgreementPublicKey,
  type AppGrant,
  appGrantOf,
  appGrantSigned,
  appKeyFingerprint,
  fromBase64Url,
  type NodeId,
  type SigningPublicKey,
  sealAppFolderKey,
  toBase64Url,
} from '@coffer/crypto';
import { IntegrityError, ValidationError } from '@coffer/errors';
import type { AppInfo } from '@coffer/protocol';
import type { HubCalls } from '../hub-client.ts';
import type { AccountKeys, Author, OpenNode } from '../keys.ts';
import type { TreeAccess } from '../tree.ts';
import { resealUnder } from './reseal.ts';

// [Note: Apps in the client]
// The approving side of the device flow ([Note: App tokens] in the hub): look a code up, seal
// the chosen folder's key to the app and sign the grant with our identity key ([Note: App
// grants]), deny, list and revoke. A read-write app signs the files it writes with its own
// Ed25519 key; `authorKeys` gives the keys of the apps we granted write access, each after
// checking our own signature over its grant, so what an app wrote opens for us and a key the
// hub slipped into the list does not. Revoking a read-write app rotates its folder's keys as a
// share removal does ([Note: Key rotation]), re-signing what the app signed; the other apps of
// that folder and of folders under it are then given the new keys ([Note: Resealing after a
// rotation]), so only the revoked app loses access.

/** What an app asks for, as the user should see it before approving. */
export interface AppRequest {
  requestId: string;
  userCode: string;
  name: string;
  access: 'read' | 'readwrite';
  /** The folder the app suggests (the hub saw this text). */
  folder: string | null;
  expiresAt: number;
  /** Of the keys the folder key would be sealed to: the app must show the same one. */
  fingerprint: string;
}

/** An app we granted a folder. `active`: neither revoked nor expired. */
export interface GrantedApp extends AppInfo {
  active: boolean;
}

export interface AppsDeps {
  hub: HubCalls;
  keys: AccountKeys;
  tree: Pick<TreeAccess, 'resolve' | 'openById' | 'pathOf'>;
  /** Our earlier signing keys: grants signed before a key rotation stay ours. */
  ownPreviousKeys(): Promise<SigningPublicKey[]>;
  /** Whether we share `folder` with anyone now. */
  sharedWithOthers(folder: OpenNode): Promise<boolean>;
  /** New keys for the folder at `path`, what `removed` signed signed again by us. */
  rotateKeys(path: string, removed: readonly Author[]): Promise<void>;
  now?: () => number;
}

const KEYS_FRESH_MS = 30_000;

export class Apps {
  private cached: { at: number; keys: Promise<SigningPublicKey[]> } | undefined;

  constructor(private readonly deps: AppsDeps) {}

  /** The request of the app showing `userCode`; NotFoundError if none waits with it. */
  async lookup(userCode: string): Promise<AppRequest> {
    const r = await this.deps.hub.call('lookupAppRequest', { body: { userCode } });
    return {
      requestId: r.requestId,
      userCode,
      name: r.name,
      access: r.access,
      folder: r.folder,
      expiresAt: r.expiresAt,
      fingerprint: await fingerprintOf(r),
    };
  }

  /**
   * Grants the app showing `userCode` the folder at `folderPath` (its suggestion when absent):
   * the folder's key sealed to the app and signed by us. `expiresIn` in seconds (90 days).
   * `fingerprint`: the one the user compared with the app's (from `lookup`); IntegrityError if
   * the keys the hub serves now have another ([Note: App key fingerprint]). `secondFactor`: a
   * fresh code or recovery code, needed when the account has a second factor.
   */
  async approve(
    userCode: string,
    folderPath?: string,
    o: { expiresIn?: number; fingerprint?: string; secondFactor?: string | undefined } = {},
  ): Promise<GrantedApp> {
    const { hub, keys, tree } = this.deps;
    const r = await hub.call('lookupAppRequest', { body: { userCode } });
    if (o.fingerprint !== undefined && (await fingerprintOf(r)) !== o.fingerprint) {
      throw new IntegrityError(
        'fingerprint: the hub now serves other keys for this request than those you checked',
      );
    }
    const path = folderPath ?? r.folder;
    if (!path) throw new ValidationError('folder', 'expected the folder to give the app');
    const folder = await tree.resolve(path);
    if (folder.kind !== 'folder') throw new ValidationError('folder', `${path} is a file`);
    if (folder.info.parentId === null) {
      throw new ValidationError('folder', 'expected a folder, not the whole account');
    }
    // What an app writes is signed with its own key, which a share's signed member list does not
    // name: in a folder shared with others the members would refuse it. A folder once shared
    // (or rotated after a writing app's revocation) and shared with nobody now is fine.
    if (r.access === 'readwrite' && folder.authors && (await this.deps.sharedWithOthers(folder))) {
      throw new ValidationError(
        'folder',
        `${path} is shared: give a writing app a folder that is not`,
      );
    }
    const grant: AppGrant = {
      accountId: keys.accountId,
      requestId: r.requestId,
      folderId: folder.info.id as NodeId,
      keyVersion: folder.info.keyVersion ?? 1,
      access: r.access,
      appAgreementPublic: fromBase64Url(r.publicKey, 'publicKey') as AgreementPublicKey,
      appSigningPublic: fromBase64Url(r.signingKey, 'signingKey') as SigningPublicKey,
    };
    const sealed = await sealAppFolderKey(folder.key, grant, keys.identity.signingSecret);
    const app = await hub.call('approveApp', {
      body: {
        userCode,
        requestId: r.requestId,
        folderId: grant.folderId,
        keyVersion: grant.keyVersion,
        sealedKey: toBase64Url(sealed),
        ...(o.expiresIn !== undefined ? { expiresIn: o.expiresIn } : {}),
        ...(o.secondFactor ? { secondFactor: o.secondFactor } : {}),
      },
    });
    this.cached = undefined;
    return this.granted(app);
  }

  /** Refuses the request of the app showing `userCode`. */
  async deny(userCode: string): Promise<void> {
    await this.deps.hub.call('denyApp', { body: { userCode } });
  }

  /** The apps we granted a folder, newest last. */
  async list(): Promise<GrantedApp[]> {
    const { apps } = await this.deps.hub.call('apps', {});
    return apps.map((a) => this.granted(a));
  }

  /**
   * Revokes an app: its token stops working on its next request. A read-write app's folder
   * then gets new keys, as when a member leaves a share, so nothing written there afterwards
   * opens with the key the app kept; what it signed is signed again by us. Returns whether the
   * keys were rotated (false for a read-only app, or a folder that is gone).
   */
  async revoke(id: string): Promise<{ rotated: boolean; resealed?: string[] }> {
    const app = (await this.deps.hub.call('apps', {})).apps.find((a) => a.id === id);
    await this.deps.hub.call('revokeApp', { params: { id } });
    this.cached = undefined;
    if (app?.access !== 'readwrite') return { rotated: false };
    const folder = await this.deps.tree.openById(app.folderId as NodeId);
    if (!folder) return { rotated: false };
    const path = await this.deps.tree.pathOf(folder);
    const grant = grantOf(this.deps.keys.accountId, app);
    await this.deps.rotateKeys(path, [
      { accountId: app.id, signingPublic: grant.appSigningPublic },
    ]);
    // The other apps of the folder and of folders under it keep working ([Note: Resealing
    // after a rotation]); the revoked one is left out whatever the hub says of it.
    return { rotated: true, resealed: await this.resealUnder(folder.info.id, [id]) };
  }

  /**
   * After we rotated the keys of folder `folderId` (a share member removed, a writing app
   * revoked): gives every other active app of that folder or of one under it the new key of
   * its folder, sealed to the keys we approved ([Note: Resealing after a rotation]). Returns
   * the ids of the apps resealed; `except` are left out.
   */
  resealUnder(folderId: string, except: readonly string[] = []): Promise<string[]> {
    const { hub, keys, tree } = this.deps;
    return resealUnder(
      {
        hub,
        keys,
        tree,
        ourKeys: async () => [keys.identity.signingPublic, ...(await this.deps.ownPreviousKeys())],
        now: this.deps.now ?? Date.now,
      },
      folderId,
      except,
    );
  }

  /**
   * The signing keys of apps we granted write access, each grant checked against our own
   * signature: what those apps wrote opens for us ([Note: Apps in the client]).
   */
  authorKeys(): Promise<SigningPublicKey[]> {
    const now = (this.deps.now ?? Date.now)();
    if (!this.cached || now - this.cached.at > KEYS_FRESH_MS) {
      const keys = this.verifiedAuthorKeys();
      keys.catch(() => {
        this.cached = undefined;
      });
      this.cached = { at: now, keys };
    }
    return this.cached.keys;
  }

  private async verifiedAuthorKeys(): Promise<SigningPublicKey[]> {
    const { apps } = await this.deps.hub.call('apps', {});
    const ours = [this.deps.keys.identity.signingPublic, ...(await this.deps.ownPreviousKeys())];
    const out: SigningPublicKey[] = [];
    for (const a of apps) {
      if (a.access !== 'readwrite') continue;
      const grant = grantOf(this.deps.keys.accountId, a);
      const sealed = fromBase64Url(a.sealedKey, 'sealedKey');
      if (ours.some((k) => appGrantSigned(sealed, grant, k))) out.push(grant.appSigningPublic);
    }
    return out;
  }

  private granted(a: AppInfo): GrantedApp {
    const now = (this.deps.now ?? Date.now)();
    return { ...a, active: a.revokedAt === null && a.expiresAt > now };
  }
}

/** The grant an app's record describes (what our signature must cover). */
export const grantOf = appGrantOf;

/** The fingerprint of the keys a request names ([Note: App key fingerprint]). */
const fingerprintOf = (r: { publicKey: string; signingKey: string }) =>
  appKeyFingerprint(
    fromBase64Url(r.publicKey, 'publicKey') as AgreementPublicKey,
    fromBase64Url(r.signingKey, 'signingKey') as SigningPublicKey,
  );
