import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { AuthError, ValidationError } from '@coffer/errors';
import { type AppClient, connectApp, resumeApp, type SavedApp } from '@coffer/sdk';
import { z } from 'zod';
import { configDir, writeSecret } from '../config.ts';
import { newGatewayPassword } from './server.ts';

// [Note: A gateway that runs as an app]
// `coffer webdav --app` holds no session of the account: it asks for one folder through the
// device flow ([Note: Connecting an app] in the SDK), as any app does, and serves that folder
// with the rights the user approved. A machine that only serves a drive (a NAS, a media player)
// then never holds the account's master key, and the user sees and revokes it in the Apps
// list. The grant is kept in the config folder, in webdav-apps.json (0600), one per hub, folder
// and access, so the next start reuses it; once it is revoked or expired the gateway asks
// again. Beside each grant is the drive's password ([Note: Gateway authentication]): a random
// one of its own, made with the grant (or on the first start of a grant an earlier version
// kept without one), so a mount survives restarts while the hub token never leaves this
// process. The file holds every gateway's grant on this machine, so one that cannot be read as
// such stops the start with an error naming it and is never written over: taking it for empty
// would lose the others' grants. It is written whole to a temporary file renamed into place.
// A grant renewed after a rotation of the folder's keys ([Note: Renewing an app's grant] in the
// SDK) replaces the kept one the same way, so the next start opens the folder with the new key
// instead of renewing again; the token written is the one already kept there.

const savedApp = z.object({
  hubUrl: z.string(),
  token: z.string(),
  appId: z.string(),
  /** Checked against a renewed grant; missing in a grant an earlier version kept. */
  requestId: z.string().optional(),
  accountId: z.string(),
  accountSigningKey: z.string(),
  folderId: z.string(),
  keyVersion: z.number().int(),
  access: z.enum(['read', 'readwrite']),
  expiresAt: z.number(),
  folderKey: z.string(),
  signingSeed: z.string(),
  agreementSeed: z.string(),
  /** The drive's password; missing in a grant an earlier version kept. */
  password: z.string().min(16).optional(),
});
const savedApps = z.object({ apps: z.record(z.string(), savedApp) });
type Kept = z.infer<typeof savedApp>;

const appsFile = () => join(configDir(), 'webdav-apps.json');

function damaged(file: string, what: string): ValidationError {
  return new ValidationError(
    'webdav-apps.json',
    `${file} is damaged (${what}). It holds the grants of every coffer webdav --app on this machine, so it is left as it is: fix it, or move it aside (mv '${file}' '${file}.damaged') and start again, which asks for this gateway's approval anew`,
  );
}

/** Where in the file a zod issue is, as `apps["KEY"].field`. */
const pathOf = (path: readonly PropertyKey[]) =>
  path
    .map((p) =>
      typeof p === 'string' && /^[A-Za-z_]\w*$/.test(p)
        ? `.${p}`
        : `[${JSON.stringify(String(p))}]`,
    )
    .join('')
    .replace(/^\./, '');

/** The grants kept so far ({} when there is no file yet); throws when the file is damaged. */
async function loadAll(file: string): Promise<Record<string, Kept>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw e;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    // Only where: the parser's message quotes the text around the fault, which holds tokens.
    const at = /position (\d+)/.exec((e as Error).message)?.[1];
    throw damaged(file, at ? `not JSON (at character ${at})` : 'not JSON');
  }
  const parsed = savedApps.safeParse(doc);
  if (parsed.success) return parsed.data.apps;
  const issue = parsed.error.issues[0];
  throw damaged(
    file,
    `${pathOf(issue?.path ?? []) || 'the whole file'}: ${issue?.message ?? 'invalid'}`,
  );
}

async function keep(key: string, app: Kept) {
  const file = appsFile();
  const all = await loadAll(file);
  all[key] = app;
  await writeSecret(file, `${JSON.stringify({ apps: all }, null, 2)}\n`);
}

export interface GatewayApp {
  client: AppClient;
  /** The drive's password, kept with the grant ([Note: Gateway authentication]). */
  password: string;
}

/**
 * The app this gateway runs as for `folder` on `hubUrl`: the one kept from an earlier start
 * while it works, else a new one the user approves (`tell` shows them the code).
 */
export async function gatewayApp(o: {
  hubUrl: string;
  folder: string;
  access: 'read' | 'readwrite';
  tell(line: string): void;
}): Promise<GatewayApp> {
  const key = `${o.hubUrl} ${o.folder} ${o.access}`;
  const kept = (await loadAll(appsFile()))[key];
  /** Keeps each renewed grant with the drive's password, which a renewal does not change. */
  const keepRenewed = (password: string) => async (grant: SavedApp) => {
    try {
      await keep(key, { ...grant, password });
    } catch (e) {
      o.tell(
        `Could not keep this gateway's renewed grant (${(e as Error).message}): it serves on, and renews again on its next start.`,
      );
    }
  };
  if (kept && kept.expiresAt > Date.now()) {
    const { password: keptPassword, ...grant } = kept;
    const password = keptPassword ?? newGatewayPassword();
    let client: AppClient | null = null;
    try {
      client = await resumeApp(grant, { onRenewed: keepRenewed(password) });
    } catch (e) {
      if (!(e instanceof AuthError)) throw e;
      o.tell('The app this gateway ran as was revoked or has expired: asking again.');
    }
    if (client) {
      if (keptPassword) return { client, password };
      // Made by a version that took the app's hub token as the drive's password: that token may
      // sit in mount settings and keyrings, so the user is told to end it.
      o.tell(
        `This gateway's grant dates from a version that used the app's token as the drive's password. That token may be stored in your mount settings: revoke the app ${grant.appId} in Apps (coffer apps revoke ${grant.appId}), then start the gateway again to approve a fresh one. The drive's password is now a separate one, printed below.`,
      );
      await keep(key, { ...grant, password });
      return { client, password };
    }
  }
  const password = newGatewayPassword();
  const client = await connectApp({
    hub: o.hubUrl,
    name: `WebDAV gateway on ${hostname()}`,
    folder: o.folder,
    access: o.access,
    onCode: ({ userCode, verificationUrl, fingerprint }) => {
      const rights = o.access === 'readwrite' ? 'read and write' : 'read only';
      o.tell(`This gateway asks to ${rights} ${o.folder}. To allow it, open`);
      o.tell(`  ${verificationUrl}`);
      o.tell(`or run: coffer apps approve ${userCode}`);
      o.tell(`code: ${userCode}   key fingerprint: ${fingerprint}`);
    },
    onRenewed: keepRenewed(password),
  });
  await keep(key, { ...client.saved(), password });
  return { client, password };
}
