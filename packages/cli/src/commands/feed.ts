import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CatalogEntry, type CofferClient, type FeedEntry, parseStars } from '@coffer/sdk';
import { withSession } from '../client.ts';
import { type CommandGroup, command, commonFlags, need, noMore } from '../command.ts';
import { formatBytes, type Out } from '../output.ts';
import { parsePort, untilSignal } from '../values.ts';
import { copiedLine, copyingWith, toFlag } from './group-copies.ts';

// The feed of your groups ([Note: The feed] in the SDK): what is new since you last looked,
// ratings, keep and discard, and the same as an Atom document for a reader on this machine.

const hub = commonFlags.hub;
/** `coffer feed serve` listens here unless --port says otherwise: a URL a reader keeps. */
const SERVE_PORT = 4580;

const rated = (e: CatalogEntry) =>
  e.rating?.count ? `  ★ ${e.rating.average?.toFixed(1)} (${e.rating.count})` : '';

/** One line per entry; the first 8 characters of its id are enough to name it, mostly. */
function describe(
  out: Out,
  e: CatalogEntry & Partial<Pick<FeedEntry, 'unread' | 'kept' | 'onMyServer'>>,
) {
  const flags = `${e.unread ? 'NEW ' : '    '}${e.kept ? 'KEPT ' : ''}${e.onMyServer ? 'ON YOUR SERVER ' : ''}`;
  out.say(
    `${flags}${formatBytes(e.size).padStart(10)}  ${e.kind.padEnd(8)}  ${e.name}${rated(e)}  (${e.author.email}, ${e.groupName})  ${e.entryId.slice(0, 8)}`,
  );
}

const feed = command({
  name: 'feed',
  flags: {
    all: { type: 'boolean', help: 'also the entries you have seen (never the discarded ones)' },
    peek: { type: 'boolean', help: 'leave what is shown unread' },
    atom: { type: 'boolean', help: 'print the feed as an Atom document (marks nothing seen)' },
    hub,
  },
  async run(args, flags, out) {
    noMore(args, 0);
    await withSession(flags, async (client) => {
      if (flags.atom) {
        const atom = await client.feed.atom();
        if (out.json) out.result({ atom });
        else process.stdout.write(atom);
        return;
      }
      const view = await client.feed.read();
      for (const p of view.problems) out.warn(`warning: ${p}`);
      const shown = flags.all ? view.entries : view.entries.filter((e) => e.unread);
      out.say(
        view.unread
          ? `${view.unread} new in your groups since you last looked:`
          : `Nothing new in your groups since you last looked${flags.all ? '.' : ' (coffer feed --all shows the rest).'}`,
      );
      for (const e of shown) describe(out, e);
      if (!flags.peek) await client.feed.markSeen(view);
      out.result({ unread: view.unread, entries: shown, markedSeen: !flags.peek });
    });
  },
});

/** Serves `client`'s feed as Atom at 127.0.0.1:port, made afresh for each request. */
async function serve(client: CofferClient, port: number, out: Out) {
  let url = '';
  let last: Promise<unknown> = Promise.resolve();
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== '/' && path !== '/feed.atom') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    // One document at a time: a reader that asks twice does not double the hub's work.
    const made = last.then(() => client.feed.atom({ selfUrl: url }));
    last = made.catch(() => undefined);
    made.then(
      (atom) => {
        res.writeHead(200, {
          'content-type': 'application/atom+xml; charset=utf-8',
          'cache-control': 'no-store',
        });
        res.end(req.method === 'HEAD' ? undefined : atom);
      },
      (e: Error) => {
        out.warn(`coffer feed serve: ${e.message}`);
        res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`coffer could not make the feed: ${e.message}\n`);
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Loopback only: the feed holds names, and nobody else's reader has any business with it.
    server.listen(port, '127.0.0.1', () => resolve());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed.atom`;
  out.say(`Your feed, as Atom, at ${url} (this machine only). Ctrl-C stops.`);
  out.result({ url });
  await untilSignal();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

const feedServe = command({
  name: 'feed serve',
  flags: {
    port: { type: 'string', value: 'N', help: `the port on 127.0.0.1 (default ${SERVE_PORT})` },
    hub,
  },
  async run(args, flags, out) {
    noMore(args, 0);
    const port = parsePort(flags.port, SERVE_PORT);
    await withSession(flags, (client) => serve(client, port, out));
  },
});

const rate = command({
  name: 'rate',
  flags: { hub },
  async run(args, flags, out) {
    noMore(args, 2);
    const item = need(args, 0, 'ITEM');
    const stars = parseStars(need(args, 1, 'N'), 'rating');
    await withSession(flags, async (client) => {
      const e = await client.feed.rate(item, stars);
      out.say(`You rated ${e.name} ${stars} of 5.${rated(e) ? ` Now${rated(e)}.` : ''}`);
      out.result(e);
    });
  },
});

/** discard ITEM: a mark in your private feed state. */
const mark = (name: 'discard', said: (e: FeedEntry) => string) =>
  command({
    name,
    flags: { hub },
    async run(args, flags, out) {
      noMore(args, 1);
      const item = need(args, 0, 'ITEM');
      await withSession(flags, async (client) => {
        const e = await client.feed[name](item);
        out.say(said(e));
        out.result(e);
      });
    },
  });

const keep = command({
  name: 'keep',
  flags: {
    to: toFlag,
    hub,
  },
  async run(args, flags, out) {
    noMore(args, 1);
    const item = need(args, 0, 'ITEM');
    await withSession(flags, async (client) => {
      const copying = copyingWith(out, item, flags.to);
      try {
        const e = await client.feed.keep(item, copying.options);
        copying.done();
        out.say(
          e.copy
            ? `${copiedLine(e.name, e.copy)} Kept (${e.groupName}), on all your devices.`
            : `You keep ${e.name} (${e.groupName}) already.`,
        );
        out.result(e);
      } finally {
        copying.done();
      }
    });
  },
});
const discard = mark(
  'discard',
  (e) => `${e.name} (${e.groupName}) is out of your feed; coffer keep brings it back.`,
);

export const feedCommands: CommandGroup = {
  title: 'The feed (ITEM is an entry id, its first characters, or GROUP:ID)',
  help: [
    [
      'feed [--all] [--peek]',
      'what is new in your groups since you last looked, newest first\n(not your own, not discarded); marks it seen unless --peek;\n--all: also what you saw',
    ],
    ['feed --atom', 'the same as an Atom document (RFC 4287) on stdout; marks nothing seen'],
    [
      'feed serve [--port N]',
      `serve that Atom feed at http://127.0.0.1:N/feed.atom (default ${SERVE_PORT}),\nmade afresh for each request, for a reader on this machine; Ctrl-C stops`,
    ],
    ['rate ITEM N', "rate another member's entry 1 to 5; rating again replaces it"],
    [
      'keep ITEM [--to FOLDER]',
      'copy it to your server (as coffer copy) and mark it kept (private to you)',
    ],
    ['discard ITEM', 'hide an entry from your feed (private to you); keep brings it back'],
  ],
  commands: [feed, feedServe, rate, keep, discard],
};
