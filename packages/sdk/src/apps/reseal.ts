import {
  appGrantOf,
  appGrantSigned,
  fromBase64Url,
  type NodeId,
  type SigningPublicKey,
  sealAppFolderKey,
  toBase64Url,
} from '@coffer/crypto';
import { ConflictError, NotFoundError } from '@coffer/errors';
import type { AppInfo } from '@coffer/protocol';
import type { HubCalls } from '../hub-client.ts';
import type { AccountKeys } from '../keys.ts';
import type { TreeAccess } from '../tree.ts';

// [Note: Resealing after a rotation]
// A rotation ([Note: Key rotation]) gives the rotated folder and every node under it a new key
// and a key version one up, so each app granted that folder or one under it holds a key for
// the old version. Right after a rotation it made, the account's client seals each such
// folder's new key to those apps again ([Note: Grants after a rotation] in the hub) so they
// keep working without asking the user again. It reseals only to an app whose current grant
// carries our own signature (so the keys it seals to, the folder and the access are what we
// approved, not what the hub says now), that the hub lists as active, that the rotating call
// does not exclude (the app being revoked), and whose grant is for exactly the version just
// rotated away from: an app left behind by an earlier rotation (a revoked writer above all)
// is never brought back, even by a hub that lists it as active again. Which folders lie under
// the rotated one is the hub's word (the tree's shape); a lie there only makes us seal to an
// app the key of the folder we granted it, or not.

export interface ResealDeps {
  hub: HubCalls;
  keys: AccountKeys;
  tree: Pick<TreeAccess, 'openById'>;
  /** Our signing keys, current and earlier: a grant any of them signed is ours. */
  ourKeys(): Promise<SigningPublicKey[]>;
  now(): number;
}

/**
 * After we rotated the keys of folder `rotatedId`: the ids of the apps we gave the new key of
 * their folder (the rotated one or one under it), all but those in `except`.
 */
export async function resealUnder(
  deps: ResealDeps,
  rotatedId: string,
  except: readonly string[] = [],
): Promise<string[]> {
  const { hub, keys, tree } = deps;
  const { apps } = await hub.call('apps', {});
  const ours = await deps.ourKeys();
  const now = deps.now();
  const done: string[] = [];
  for (const a of apps) {
    if (a.revokedAt !== null || a.expiresAt <= now || except.includes(a.id)) continue;
    const grant = appGrantOf(keys.accountId, a);
    const sealed = fromBase64Url(a.sealedKey, 'sealedKey');
    if (!ours.some((k) => appGrantSigned(sealed, grant, k))) continue;
    if (!(await under(hub, a, rotatedId))) continue;
    const folder = await tree.openById(a.folderId as NodeId);
    if (folder?.kind !== 'folder') continue;
    const keyVersion = folder.info.keyVersion ?? 1;
    if (keyVersion !== a.keyVersion + 1) continue;
    const box = await sealAppFolderKey(
      folder.key,
      { ...grant, keyVersion },
      keys.identity.signingSecret,
    );
    try {
      await hub.call('regrantApp', {
        params: { id: a.id },
        body: { folderId: a.folderId, keyVersion, sealedKey: toBase64Url(box) },
      });
      done.push(a.id);
    } catch (e) {
      // Revoked, expired or rotated again meanwhile: that app asks again, the others go on.
      if (!(e instanceof ConflictError || e instanceof NotFoundError)) throw e;
    }
  }
  return done;
}

/** Whether the app's folder is `rotatedId` or under it (the hub's word; see the note). */
async function under(hub: HubCalls, a: AppInfo, rotatedId: string): Promise<boolean> {
  const seen = new Set<string>();
  let cur: string | null = a.folderId;
  while (cur && !seen.has(cur)) {
    if (cur === rotatedId) return true;
    seen.add(cur);
    const id: string = cur;
    const info = await hub
      .call('getNode', { params: { id }, query: {} })
      .catch((e) => (e instanceof NotFoundError ? null : Promise.reject(e)));
    cur = info?.parentId ?? null;
  }
  return false;
}
