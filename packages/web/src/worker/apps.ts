// The account's side of connected apps ([Note: App tokens] in the hub): what an app that shows
// a code asks for, allowing or refusing it, and the apps allowed, with revoking.
import type { CofferClient } from '@coffer/sdk';
import { call, need } from './session.ts';

/**
 * The names of the apps `ids` (those a rotation gave the new keys of their folder), for the
 * page to tell who keeps working ([Note: Resealing after a rotation]).
 */
export async function appNames(c: CofferClient, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  // The rotation is done: a list that fails to load only costs the names.
  const apps = await c.apps.list().catch(() => []);
  return ids.map((id) => apps.find((a) => a.id === id)?.name ?? id);
}

export const appsApi = {
  /** What the app showing `code` asks for: its name, rights and the folder it suggests. */
  appRequest: (code: string) => call(() => need().apps.lookup(code)),
  /** Allows it the folder at `folder` (created if missing): its key sealed to the app alone. */
  /** `fingerprint`: the one shown with the request, which the person compared with the app's. */
  /** `secondFactor`: a fresh code, when the account has a second factor. */
  appAllow: (code: string, folder: string, fingerprint: string, secondFactor?: string) =>
    call(async () => {
      const c = need();
      await c.ensureFolder(folder);
      return c.apps.approve(code, folder, { fingerprint, secondFactor });
    }),
  appDeny: (code: string) => call(() => need().apps.deny(code)),
  /** The apps allowed, newest first, each with the path of its folder (null once it is gone). */
  apps: () =>
    call(async () => {
      const c = need();
      return Promise.all(
        (await c.apps.list()).map(async (a) => {
          const node = await c
            .openById(a.folderId as Parameters<typeof c.openById>[0])
            .catch(() => null);
          return { ...a, path: node ? await c.pathOf(node) : null };
        }),
      );
    }),
  /**
   * Revokes an app; `rotated`: its folder got new keys (it could write), and `resealed` names
   * the other apps there given them.
   */
  appRevoke: (id: string) =>
    call(async () => {
      const c = need();
      const { rotated, resealed = [] } = await c.apps.revoke(id);
      return { rotated, resealed: await appNames(c, resealed) };
    }),
};
