import { pathById, session } from '../client.ts';
import { type CommandGroup, command, commonFlags, need, noMore } from '../command.ts';
import { linkPassword } from '../config.ts';
import { atLeastOne, duration } from '../values.ts';

const link = command({
  name: 'link',
  flags: {
    password: { type: 'boolean', help: 'protect the link with a password (asks for one)' },
    'link-password-file': {
      type: 'string',
      value: 'F',
      help: "read the link's password from a file (else $COFFER_LINK_PASSWORD, else a prompt)",
    },
    expires: { type: 'string', value: '7d', help: 'end the link after 30m, 12h, 7d, 2w…' },
    downloads: { type: 'string', value: 'N', help: 'end the link after N downloads' },
    hub: commonFlags.hub,
  },
  async run(args, flags, out) {
    noMore(args, 1);
    const path = need(args, 0, 'PATH');
    const expiresAt =
      flags.expires === undefined ? undefined : Date.now() + duration(flags.expires);
    const maxDownloads =
      flags.downloads === undefined ? undefined : atLeastOne(flags.downloads, '--downloads');
    const client = await session(flags);
    const pass =
      flags.password || flags['link-password-file']
        ? await linkPassword(flags, 'A password for the link: ', true)
        : undefined;
    const made = await client.links.create(path, {
      ...(pass !== undefined ? { password: pass } : {}),
      ...(expiresAt !== undefined ? { expiresAt } : {}),
      ...(maxDownloads !== undefined ? { maxDownloads } : {}),
    });
    out.say(made.url);
    out.say(
      [
        pass !== undefined ? 'password-protected' : 'no password',
        made.expiresAt ? `expires ${new Date(made.expiresAt).toISOString()}` : 'no expiry',
        made.maxDownloads ? `${made.maxDownloads} download(s)` : 'no download limit',
      ].join(', '),
    );
    out.result(made);
  },
});

const links = command({
  name: 'links',
  flags: { hub: commonFlags.hub },
  async run(args, flags, out) {
    const client = await session(flags);
    if (args[0] === 'revoke') {
      noMore(args, 2);
      await client.links.revoke(need(args, 1, 'ID'));
      out.say(`Link ${args[1]} revoked.`);
      out.result({ revoked: args[1] });
      return;
    }
    noMore(args, 0);
    const list = await client.links.list();
    const now = Date.now();
    for (const l of list) {
      const where = await pathById(client, l.nodeId, '(deleted)');
      const state = l.revokedAt
        ? 'revoked'
        : l.expiresAt !== null && l.expiresAt <= now
          ? 'expired'
          : l.maxDownloads !== null && l.downloads >= l.maxDownloads
            ? 'used up'
            : 'active';
      out.say(
        `${l.id}  ${where}  ${state}  ${l.downloads}${l.maxDownloads ? `/${l.maxDownloads}` : ''} download(s)${l.password ? '  password' : ''}${l.expiresAt ? `  expires ${new Date(l.expiresAt).toISOString()}` : ''}`,
      );
    }
    if (!list.length) out.say('No links yet: coffer link PATH');
    out.result({ links: list });
  },
});

export const linkCommands: CommandGroup = {
  title: 'Links (anyone with the link can open it; the key is in the part after #)',
  help: [
    [
      'link PATH [--password] [--expires 7d] [--downloads N]',
      'a public link to a file or folder; --password asks for one (or\n--link-password-file F, $COFFER_LINK_PASSWORD); expiry in m, h, d or w',
    ],
    ['links', 'your links: state, downloads, expiry; "links revoke ID" ends one'],
    // `coffer get` (in files.ts) opens links too.
    ['get LINK [LOCAL]', 'download what a link points to (no account needed)'],
  ],
  commands: [link, links],
};
