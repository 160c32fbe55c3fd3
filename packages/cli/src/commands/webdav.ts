import { readFile } from 'node:fs/promises';
import { ValidationError } from '@coffer/errors';
import type { CofferClient } from '@coffer/sdk';
import { session } from '../client.ts';
import { type CommandGroup, command, commonFlags, noMore } from '../command.ts';
import { hubUrlFrom, loadSession, saveSession } from '../config.ts';
import type { Out } from '../output.ts';
import { gatewayApp } from '../webdav/as-app.ts';
import type { Drive, Quota } from '../webdav/context.ts';
import { newGatewayPassword, startGateway } from '../webdav/server.ts';

// `coffer webdav`: the account (or one folder of it) as a WebDAV drive for Finder, Windows,
// Linux file managers and rclone (docs/webdav.md). The gateway runs here, with this machine's
// session: the files are decrypted on this machine and served to local apps.

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

const webdav = command({
  name: 'webdav',
  flags: {
    port: {
      type: 'string',
      value: 'N',
      help: 'the port to listen on (default 8080; 0: any free port)',
    },
    address: {
      type: 'string',
      value: 'IP',
      help: 'the address to listen on (default 127.0.0.1; any other needs --tls-cert and --tls-key)',
    },
    root: {
      type: 'string',
      value: 'PATH',
      help: 'serve only this folder (default: all your files)',
    },
    'read-only': { type: 'boolean', help: 'refuse every change' },
    app: {
      type: 'boolean',
      help: 'run as an app confined to --root, approved once with coffer apps approve or the web app: no session of the account is needed',
    },
    'keep-mac-files': {
      type: 'boolean',
      help: "store Finder's ._* and .DS_Store files in Coffer (default: kept in memory only)",
    },
    'tls-cert': { type: 'string', value: 'FILE', help: 'a PEM certificate, to serve HTTPS' },
    'tls-key': { type: 'string', value: 'FILE', help: 'its PEM private key' },
    hub: commonFlags.hub,
  },
  async run(args, flags, out) {
    noMore(args, 0);
    const port = Number(flags.port ?? 8080);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new ValidationError('--port', 'expected a port number from 0 to 65535');
    const host = flags.address ?? '127.0.0.1';
    if (Boolean(flags['tls-cert']) !== Boolean(flags['tls-key']))
      throw new ValidationError('--tls-cert', 'give both --tls-cert and --tls-key, or neither');
    if (!LOOPBACK.has(host) && !flags['tls-cert'])
      throw new ValidationError(
        '--address',
        `${host} is reachable from other machines: the password and your decrypted files would cross the network in clear; give --tls-cert and --tls-key`,
      );
    const tls = flags['tls-cert']
      ? { cert: await readFile(flags['tls-cert']), key: await readFile(flags['tls-key'] as string) }
      : undefined;
    const readOnly = flags['read-only'] === true;
    const served = flags.app
      ? await asApp(flags, readOnly, out)
      : await asAccount(flags.root, flags);
    const { password } = served;
    const { server, url } = await startGateway({
      drive: served.drive,
      quota: served.quota,
      host,
      port,
      password,
      readOnly: readOnly || served.readOnly,
      keepMacFiles: flags['keep-mac-files'] === true,
      ...(tls ? { tls } : {}),
      log: (line) => out.warn(line),
    });
    if (out.json) out.result({ url, user: served.user, password });
    else {
      out.say(
        `WebDAV: ${url}${flags.root ? ` (${flags.root})` : ''}${readOnly || served.readOnly ? ', read-only' : ''}`,
      );
      out.say(`user: ${served.user} (any name works)`);
      out.say(
        flags.app
          ? `password (kept with the app's grant, the same after a restart): ${password}`
          : `password for this session: ${password}`,
      );
      out.say('Stop with Ctrl-C.');
    }
    await new Promise<void>((resolve) => {
      const stop = () => server.close(() => resolve());
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  },
});

/** What the gateway serves, and as whom. */
interface Served {
  drive: Drive;
  quota: Quota | null;
  user: string;
  /** The drive's password ([Note: Gateway authentication]). */
  password: string;
  readOnly: boolean;
}

/** The logged-in account, or one folder of it (`root`). */
async function asAccount(root: string | undefined, flags: { hub?: string }): Promise<Served> {
  const account = await session(flags);
  await saveSession(account.saved());
  let drive: CofferClient = account;
  if (root && root !== '/') {
    const folder = await account.resolve(root);
    if (folder.kind !== 'folder') throw new ValidationError('--root', `${root} is a file`);
    drive = account.within(folder);
  }
  const quota: Quota = async () => {
    const u = await account.account.usage();
    return { used: u.total, available: u.quota === null ? null : Math.max(0, u.quota - u.total) };
  };
  const user = account.whoami().email;
  return { drive, quota, user, password: newGatewayPassword(), readOnly: false };
}

/** An app confined to `--root` ([Note: A gateway that runs as an app]). */
async function asApp(
  flags: { hub?: string; root?: string },
  readOnly: boolean,
  out: Out,
): Promise<Served> {
  if (!flags.root || flags.root === '/')
    throw new ValidationError('--root', 'an app gets one folder: give --root PATH with --app');
  const saved = await loadSession().catch(() => undefined);
  const { client, password } = await gatewayApp({
    hubUrl: hubUrlFrom(flags.hub, saved),
    folder: flags.root,
    access: readOnly ? 'read' : 'readwrite',
    tell: (line) => out.warn(line),
  });
  return {
    drive: client,
    quota: null,
    user: 'coffer',
    password,
    readOnly: client.access === 'read',
  };
}

export const webdavCommands: CommandGroup = {
  title: 'WebDAV',
  help: [
    [
      'webdav [--port N] [--root PATH] [--read-only] [--app]',
      'serve your files over WebDAV on 127.0.0.1 for Finder, Windows, Linux and rclone;\nprints the URL and a password for this session (docs/webdav.md);\n--app: as an app confined to --root, with no session of the account\n(its password is kept with the grant and stays the same across restarts)',
    ],
  ],
  commands: [webdav],
};
