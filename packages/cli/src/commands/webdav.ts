import { readFile } from 'node:fs/promises';
import { newSecretToken } from '@coffer/crypto';
import { ValidationError } from '@coffer/errors';
import { session } from '../client.ts';
import { type CommandGroup, command, commonFlags, noMore } from '../command.ts';
import { saveSession } from '../config.ts';
import { startGateway } from '../webdav/server.ts';

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
    const account = await session(flags);
    await saveSession(account.saved());
    let client = account;
    if (flags.root && flags.root !== '/') {
      const folder = await account.resolve(flags.root);
      if (folder.kind !== 'folder') throw new ValidationError('--root', `${flags.root} is a file`);
      client = account.within(folder);
    }
    const password = newSecretToken().slice(0, 24);
    const { server, url } = await startGateway({
      client,
      host,
      port,
      password,
      readOnly: flags['read-only'] === true,
      keepMacFiles: flags['keep-mac-files'] === true,
      ...(tls ? { tls } : {}),
      log: (line) => out.warn(line),
    });
    const user = account.whoami().email;
    if (out.json) out.result({ url, user, password });
    else {
      out.say(
        `WebDAV: ${url}${flags.root ? ` (${flags.root})` : ''}${flags['read-only'] ? ', read-only' : ''}`,
      );
      out.say(`user: ${user} (any name works)`);
      out.say(`password for this session: ${password}`);
      out.say('Stop with Ctrl-C.');
    }
    await new Promise<void>((resolve) => {
      const stop = () => server.close(() => resolve());
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  },
});

export const webdavCommands: CommandGroup = {
  title: 'WebDAV',
  help: [
    [
      'webdav [--port N] [--root PATH] [--read-only]',
      'serve your files over WebDAV on 127.0.0.1 for Finder, Windows, Linux and rclone;\nprints the URL and a password for this session (docs/webdav.md)',
    ],
  ],
  commands: [webdav],
};
