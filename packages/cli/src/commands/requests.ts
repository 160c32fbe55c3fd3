import { ValidationError } from '@coffer/errors';
import { parseSize } from '@coffer/protocol';
import { pathById, session } from '../client.ts';
import { type CommandGroup, command, commonFlags, need, noMore } from '../command.ts';
import { formatBytes } from '../output.ts';
import { dropFiles } from '../transfers.ts';
import { atLeastOne, duration } from '../values.ts';

const request = command({
  name: 'request',
  flags: {
    title: { type: 'string', value: 'T', help: 'what visitors see (default: the folder name)' },
    expires: { type: 'string', value: '7d', help: 'close it after 30m, 12h, 7d, 2w…' },
    files: { type: 'string', value: 'N', help: 'close it after N files' },
    size: { type: 'string', value: 'SIZE', help: 'at most this much in all, e.g. 1GiB' },
    hub: commonFlags.hub,
  },
  async run(args, flags, out) {
    noMore(args, 1);
    const path = need(args, 0, 'PATH');
    const expiresAt =
      flags.expires === undefined ? undefined : Date.now() + duration(flags.expires);
    const maxFiles = flags.files === undefined ? undefined : atLeastOne(flags.files, '--files');
    const maxBytes = flags.size === undefined ? undefined : parseSize(flags.size, '--size');
    const client = await session(flags);
    const made = await client.requests.create(path, {
      ...(flags.title !== undefined ? { title: flags.title } : {}),
      ...(expiresAt !== undefined ? { expiresAt } : {}),
      ...(maxFiles !== undefined ? { maxFiles } : {}),
      ...(maxBytes !== undefined ? { maxBytes } : {}),
    });
    out.say(made.url);
    out.say(
      [
        `"${made.title}" from ${made.from}`,
        made.expiresAt ? `closes ${new Date(made.expiresAt).toISOString()}` : 'no expiry',
        made.maxFiles ? `${made.maxFiles} file(s)` : 'no file limit',
        made.maxBytes ? `${formatBytes(made.maxBytes)} in all` : 'no size limit',
      ].join(', '),
    );
    out.result(made);
  },
});

const requests = command({
  name: 'requests',
  flags: { hub: commonFlags.hub },
  async run(args, flags, out) {
    const client = await session(flags);
    if (args[0] === 'revoke') {
      noMore(args, 2);
      await client.requests.revoke(need(args, 1, 'ID'));
      out.say(`File request ${args[1]} closed; what it received can still be collected.`);
      out.result({ revoked: args[1] });
      return;
    }
    if (args[0] === 'discard') {
      noMore(args, 3);
      await client.requests.discard(need(args, 1, 'ID'), need(args, 2, 'DROP'));
      out.say(`Received file ${args[2]} thrown away.`);
      out.result({ discarded: args[2] });
      return;
    }
    if (args[0] === 'collect') {
      noMore(args, 2);
      const got = await client.requests.collect(args[1] ? { requestId: args[1] } : {});
      for (const e of got.received) out.say(`${e.path}  ${formatBytes(e.size ?? 0)}`);
      for (const p of got.problems)
        out.warn(
          `request ${p.requestId}${p.dropId ? `, received file ${p.dropId}` : ''}: ${p.error.message}`,
        );
      out.say(
        got.received.length
          ? `Received ${got.received.length} file${got.received.length === 1 ? '' : 's'}.`
          : 'Nothing new.',
      );
      out.result({
        received: got.received,
        problems: got.problems.map((p) => ({ ...p, error: p.error.message })),
      });
      return;
    }
    noMore(args, 0);
    const list = await client.requests.list();
    const now = Date.now();
    for (const r of list) {
      const where = await pathById(client, r.folderId, '(deleted)');
      const state = r.revokedAt
        ? 'closed'
        : r.expiresAt !== null && r.expiresAt <= now
          ? 'expired'
          : r.maxFiles !== null && r.filesReceived >= r.maxFiles
            ? 'full'
            : 'open';
      out.say(
        `${r.id}  ${where}  ${state}  ${r.filesReceived}${r.maxFiles ? `/${r.maxFiles}` : ''} file(s)  ${r.pending} waiting  ${r.title}${r.expiresAt ? `  closes ${new Date(r.expiresAt).toISOString()}` : ''}`,
      );
    }
    if (!list.length) out.say('No file requests yet: coffer request PATH');
    else if (list.some((r) => r.pending > 0))
      out.say('Take waiting files in: coffer requests collect');
    out.result({ requests: list });
  },
});

const drop = command({
  name: 'drop',
  flags: {},
  async run(args, _flags, out) {
    const url = need(args, 0, 'LINK');
    if (args.length < 2) throw new ValidationError('FILE', 'missing; name the files to send');
    return dropFiles(url, out, args.slice(1));
  },
});

export const requestCommands: CommandGroup = {
  title: 'File requests (anyone with the link can send files; no one can list or read through it)',
  help: [
    [
      'request PATH [--title T] [--expires 7d] [--files N] [--size 1GiB]',
      'an upload-only link into a folder of yours',
    ],
    ['requests', 'your requests: state, files received, files waiting to come in'],
    ['requests collect [ID]', "take the files visitors sent into the requests' folders"],
    ['requests revoke ID', 'close one; "requests discard ID DROP" throws a received file away'],
    ['drop LINK FILE...', 'send files to a file request (no account needed)'],
  ],
  commands: [request, requests, drop],
};
