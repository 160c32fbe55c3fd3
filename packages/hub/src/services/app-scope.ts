import { ForbiddenError } from '@coffer/errors';
import type { RouteSpec } from '@coffer/protocol';
import type { AppCaller } from '../context.ts';
import type { DbOrTx } from '../db/schema.ts';
import { ancestry } from './nodes.ts';

// [Note: App scope]
// An app token (services/apps.ts) reaches only the routes whose declaration in the protocol's
// route table carries `app`, and the OpenAPI document marks those (`x-app-token`). The HTTP
// dispatch (http.ts) calls `confine` for every request made with an app token, after parsing
// and before the handler, so a route cannot forget it: a route without `app` is 403; a write
// route (`access: 'write'`) with a read-only token is 403; every node id the declaration
// points at must, when it exists, be the app's folder or inside it (`nodes`), or strictly
// inside it (`below`: what renames, moves or trashes a node, so the folder itself stays put).
// A node id that does not exist passes to the handler, which answers 404 or creates it. What
// a route returns follows from its inputs: children of a folder inside are inside. Chunks are
// the one input that is not a node: access.ts lets an app use only the chunks of files inside
// its folder and of uploads it opened itself ([Note: App chunks]). Account-wide routes
// (contacts, sessions, usage, keys, shares, the change feed, the trash as a whole) carry no
// `app` and stay closed.

/** The bearer prefix of app tokens: `.` is not base64url, so no session token starts so. */
export const APP_TOKEN_PREFIX = 'capp.';

export const isAppToken = (token: string) => token.startsWith(APP_TOKEN_PREFIX);

/**
 * The values at `path` in a parsed input: `params.id`, `body.files[].nodeId`,
 * `body.folders[]`. Missing parts give nothing; non-strings are skipped.
 */
export function valuesAt(input: unknown, path: string): string[] {
  let at: unknown[] = [input];
  for (const part of path.split('.')) {
    const many = part.endsWith('[]');
    const key = many ? part.slice(0, -2) : part;
    const next: unknown[] = [];
    for (const v of at) {
      if (v === null || typeof v !== 'object') continue;
      const got = key === '' ? v : (v as Record<string, unknown>)[key];
      if (many) {
        if (Array.isArray(got)) next.push(...got);
      } else if (got !== undefined) next.push(got);
    }
    at = next;
  }
  return at.filter((v): v is string => typeof v === 'string');
}

/** Whether a route lets an app with `access` call it at all (before its node ids are checked). */
export function appMayCall(spec: RouteSpec, access: AppCaller['access']): string | null {
  if (!spec.app) return 'not open to app tokens';
  if (spec.app.access === 'write' && access !== 'readwrite') return 'this app token is read-only';
  return null;
}

/** ForbiddenError unless the route is open to apps with this access. */
export function refuseClosedRoute(route: string, spec: RouteSpec, app: AppCaller): void {
  const refused = appMayCall(spec, app.access);
  if (refused) throw new ForbiddenError(`${route}: ${refused}`);
}

/** ForbiddenError unless the app may make this call on these nodes ([Note: App scope]). */
export async function confine(
  db: DbOrTx,
  route: string,
  spec: RouteSpec,
  app: AppCaller,
  input: unknown,
): Promise<void> {
  refuseClosedRoute(route, spec, app);
  const check = async (path: string, strict: boolean) => {
    for (const id of new Set(valuesAt(input, path))) {
      const chain = await ancestry(db, id);
      if (chain.length === 0) continue;
      if (!chain.includes(app.folderId) || (strict && id === app.folderId)) {
        throw new ForbiddenError(
          `${path.replace('[]', '')}: outside the folder this app token is for`,
        );
      }
    }
  };
  for (const path of spec.app?.nodes ?? []) await check(path, false);
  for (const path of spec.app?.below ?? []) await check(path, true);
}

/** Whether node `id` is the app's folder or inside it. */
export async function insideAppFolder(db: DbOrTx, app: AppCaller, id: string): Promise<boolean> {
  return (await ancestry(db, id)).includes(app.folderId);
}
