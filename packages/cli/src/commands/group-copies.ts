import type { CopyOptions, CopyResult } from '@coffer/sdk';
import { withSession } from '../client.ts';
import { type CommandGroup, command, commonFlags, need, noMore } from '../command.ts';
import { get } from '../get.ts';
import { formatBytes, type Out, progressBar } from '../output.ts';

// "Copy to my server" ([Note: Copies in the client] in the SDK): another member's file goes
// host to host into our tree, then, if asked, down to this machine from our own copy.

const hub = commonFlags.hub;

/**
 * Copy options for a command that copies one entry: a progress bar, and Ctrl-C stops waiting
 * (the hosts go on; running the command again picks the copy up). Call `done` after.
 */
export function copyingWith(out: Out, name: string, to: string | undefined) {
  const draw = progressBar(out, name);
  const ac = new AbortController();
  const stop = () => ac.abort(new Error('interrupted'));
  process.once('SIGINT', stop);
  const options: CopyOptions = {
    ...(to !== undefined ? { to } : {}),
    signal: ac.signal,
    onProgress: (p) =>
      draw({
        bytesDone: p.done,
        bytesTotal: p.total,
        filesDone: p.state === 'ready' ? 1 : 0,
        filesTotal: 1,
      }),
  };
  return {
    options,
    done() {
      process.off('SIGINT', stop);
      out.status('');
    },
  };
}

/** What a finished copy says to a person. */
export const copiedLine = (name: string, r: CopyResult) =>
  r.copied
    ? `${name} is yours at ${r.path}: ${formatBytes(r.copied)} copied server to server.`
    : `${name} is yours at ${r.path}: your hosts held it already.`;

/** --to FOLDER, for the commands that copy an entry. */
export const toFlag = {
  type: 'string',
  value: 'FOLDER',
  help: 'the folder of yours to copy into (default /Groups/<group>)',
} as const;

const copy = command({
  name: 'copy',
  flags: {
    to: toFlag,
    hub,
  },
  async run(args, flags, out) {
    noMore(args, 2);
    const ref = need(args, 0, 'ITEM');
    const local = args[1];
    await withSession(flags, async (client) => {
      const entry = (await client.shelves.catalog()).item(ref);
      const copying = copyingWith(out, entry.name, flags.to);
      try {
        const r = await client.copies.copy(entry, copying.options);
        copying.done();
        out.say(copiedLine(entry.name, r));
        let downloaded: unknown;
        if (local !== undefined)
          await get(client, { ...out, result: (v) => (downloaded = v) }, r.path, local, {});
        out.result({
          entryId: entry.entryId,
          groupId: entry.groupId,
          ...r,
          ...(local !== undefined ? { downloaded } : {}),
        });
      } finally {
        copying.done();
      }
    });
  },
});

const copies = command({
  name: 'copies',
  flags: { cancel: { type: 'string', value: 'ID', help: 'stop one copy in progress' }, hub },
  async run(args, flags, out) {
    noMore(args, 0);
    await withSession(flags, async (client) => {
      if (flags.cancel !== undefined) {
        await client.copies.cancel(flags.cancel);
        out.say(`Copy ${flags.cancel} is stopped.`);
        out.result({ cancelled: flags.cancel });
        return;
      }
      const list = await client.copies.list();
      if (list.length === 0) out.say('No copies in progress.');
      for (const c of list) {
        out.say(
          `${c.copyId}  ${c.state.padEnd(8)} ${formatBytes(c.bytes.done)}/${formatBytes(c.bytes.total)}${c.lastError ? `  ${c.lastError}` : ''}`,
        );
      }
      out.result({ copies: list });
    });
  },
});

export const groupCopyCommands: CommandGroup = {
  title: 'Copies from groups (ITEM is an entry id, its start, or a name; GROUP:ITEM to be exact)',
  help: [
    [
      'copy ITEM [LOCAL] [--to FOLDER]',
      "copy another member's file to your server, host to host; then to LOCAL if given",
    ],
    ['copies [--cancel ID]', 'your copies in progress'],
  ],
  commands: [copy, copies],
};
