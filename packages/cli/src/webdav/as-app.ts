import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { AuthError } from '@coffer/errors';
import { type AppClient, connectApp, resumeApp, type SavedApp } from '@coffer/sdk';
import { z } from 'zod';
import { configDir, writeSecret } from '../config.ts';

// [Note: A gateway that runs as an app]
// `coffer webdav --app` holds no session of the account: it asks for one folder through the
// device flow ([Note: Connecting an app] in the SDK), as any app does, and serves that folder
// with the rights the user approved. A machine that only serves a drive (a NAS, a media player)
// then never holds the account's master key, and the user sees and revokes it in the Apps
// list. The grant is kept in the config folder (0600), one per hub, folder and access, so the
// next start reuses it; once it is revoked or expired the gateway asks again.

const savedApp = z.object({
  hubUrl: z.string(),
  token: z.string(),
  appId: z.string(),
  accountId: z.string(),
  accountSigningKey: z.string(),
  folderId: z.string(),
  keyVersion: z.number().int(),
  access: z.enum(['read', 'readwrite']),
  expiresAt: z.number(),
  folderKey: z.string(),
  signingSeed: z.string(),
  agreementSeed: z.string(),
});
const savedApps = z.object({ apps: z.record(z.string(), savedApp) });

const appsFile = () => join(configDir(), 'webdav-apps.json');

async function loadAll(): Promise<Record<string, SavedApp>> {
  let text: string;
  try {
    text = await readFile(appsFile(), 'utf8');
  } catch {
    return {};
  }
  try {
    const parsed = savedApps.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data.apps;
  } catch {}
  return {}; // damaged: ask again, as if nothing was kept
}

async function keep(key: string, app: SavedApp) {
  const all = await loadAll();
  all[key] = app;
  await writeSecret(appsFile(), `${JSON.stringify({ apps: all }, null, 2)}\n`);
}

export interface GatewayApp {
  client: AppClient;
  /** The token, which the gateway also takes as a password ([Note: Gateway authentication]). */
  token: string;
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
  const kept = (await loadAll())[key];
  if (kept && kept.expiresAt > Date.now()) {
    try {
      const client = await resumeApp(kept);
      return { client, token: kept.token };
    } catch (e) {
      if (!(e instanceof AuthError)) throw e;
      o.tell('The app this gateway ran as was revoked or has expired: asking again.');
    }
  }
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
  });
  const saved = client.saved();
  await keep(key, saved);
  return { client, token: saved.token };
}
