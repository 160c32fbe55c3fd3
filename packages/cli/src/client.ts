import { AuthError, NotFoundError, ValidationError } from '@coffer/errors';
import { CofferClient } from '@coffer/sdk';
import { hubUrlFrom, loadSession, saveSession } from './config.ts';
import { retryLogging } from './log.ts';
import { pinsOf } from './pins.ts';

/** The logged-in account's client; --hub, if given, must be the session's hub. */
export async function session(flags: { hub?: string | undefined }): Promise<CofferClient> {
  const saved = await loadSession();
  if (flags.hub && hubUrlFrom(flags.hub) !== saved.hubUrl) {
    throw new AuthError(`logged in to ${saved.hubUrl}, not ${flags.hub}; log in there first`);
  }
  // What this account saw before, so the hub cannot serve an older state ([Note: Pins on disk]).
  return CofferClient.resume(saved, { ...retryLogging(), pins: pinsOf(saved) });
}

/**
 * Runs `f` with the logged-in client and saves the session afterwards, also when `f` fails: the
 * contact book version seen is kept with it, so a rollback is caught next time ([Note: Contacts]).
 */
export async function withSession<T>(
  flags: { hub?: string | undefined },
  f: (client: CofferClient) => Promise<T>,
): Promise<T> {
  const client = await session(flags);
  try {
    return await f(client);
  } finally {
    await saveSession(client.saved());
  }
}

/** The path of the account's node `id` (a link's, a request's or a share's), or `missing`. */
export async function pathById(client: CofferClient, id: string, missing: string): Promise<string> {
  const node = await client.openById(id as Parameters<CofferClient['openById']>[0]);
  return node ? client.pathOf(node) : missing;
}

const SHARED = 'shared:';

/**
 * A path in your own files, or `shared:NAME/...` inside the folder called NAME that is shared
 * with you (as `coffer shares` lists it): the client to use for it and the path within.
 */
export async function inTree(client: CofferClient, path: string, field: string) {
  if (!path.startsWith(SHARED)) return { client, path };
  const rest = path.slice(SHARED.length);
  const slash = rest.indexOf('/');
  const name = slash < 0 ? rest : rest.slice(0, slash);
  const matches = (await client.shares.incoming()).filter((s) => s.folder.meta.name === name);
  await saveSession(client.saved());
  const [share] = matches;
  if (!share)
    throw new NotFoundError(
      `${field}: no folder called "${name}" is shared with you (see coffer shares)`,
    );
  if (matches.length > 1)
    throw new ValidationError(
      field,
      `${matches.length} folders called "${name}" are shared with you (from ${matches.map((m) => m.owner.email).join(', ')})`,
    );
  return {
    client: client.within(share.folder),
    path: slash < 0 ? '/' : rest.slice(slash),
    share,
  };
}
