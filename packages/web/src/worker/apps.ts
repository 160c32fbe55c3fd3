// The account's side of connected apps ([Note: App tokens] in the hub): what an app that shows
// a code asks for, allowing or refusing it, and the apps allowed, with revoking.
import { call, need } from './session.ts';

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
  appRevoke: (id: string) => call(() => need().apps.revoke(id)),
};
