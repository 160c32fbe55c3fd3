import { ValidationError } from '@coffer/errors';
import { session } from '../client.ts';
import { type CommandGroup, command, commonFlags, noMore } from '../command.ts';
import { formatBytes } from '../output.ts';

// The hub and host programs (../servers.ts, with better-sqlite3) load only for these commands;
// the rest of the CLI stays small.
const servers = () => import('../servers.ts');

const tls = {
  'tls-cert': {
    type: 'string',
    value: 'FILE',
    help: 'serve HTTPS with this certificate (PEM); clients trust a private CA via NODE_EXTRA_CA_CERTS',
  },
  'tls-key': { type: 'string', value: 'FILE', help: "the certificate's private key (PEM)" },
} as const;

/** What an operator may offer every account: both also in the hub config file. */
const operator = {
  'account-quota': {
    type: 'string',
    value: 'SIZE',
    help: 'the most each account may store, e.g. 10GiB (default: unlimited)',
  },
  'donation-url': {
    type: 'string',
    value: 'URL',
    help: 'an https:// link shown to users as "Support this network"',
  },
} as const;

const up = command({
  name: 'up',
  flags: {
    data: {
      type: 'string',
      value: 'DIR',
      help: 'where everything is kept (default ./coffer-data)',
    },
    port: { type: 'string', value: 'N', help: "the hub's port (default 4000; 0 picks a free one)" },
    hosts: { type: 'string', value: 'N', help: 'how many hosts, 2 to 10 (default 3)' },
    'host-capacity': {
      type: 'string',
      value: 'SIZE',
      help: 'the space each host offers (default 100GiB)',
    },
    ...operator,
    ...tls,
  },
  async run(args, flags, out) {
    noMore(args, 0);
    return (await servers()).upCommand(out, flags);
  },
});

const hub = command({
  name: 'hub',
  flags: {
    data: { type: 'string', value: 'DIR', help: "the hub's data folder" },
    port: { type: 'string', value: 'N', help: 'the port (default 4000; 0 picks a free one)' },
    config: { type: 'string', value: 'FILE', help: 'the hub config file (JSON)' },
    bind: { type: 'string', value: 'ADDR', help: 'the address to listen on (default 127.0.0.1)' },
    'public-url': { type: 'string', value: 'URL', help: 'the URL clients and hosts reach it at' },
    role: {
      type: 'string',
      value: 'ROLE',
      help: 'api (serve requests only), worker (background jobs only) or all (default; several processes need PostgreSQL, docs/deployment.md)',
    },
    ...operator,
    ...tls,
  },
  async run(args, flags, out) {
    noMore(args, 0);
    return (await servers()).hubCommand(out, flags);
  },
});

const host = command({
  name: 'host',
  flags: {
    hub: { type: 'string', value: 'URL', help: 'the hub to join (default: $COFFER_HUB)' },
    country: { type: 'string', value: 'CC', help: "the host's country: an ISO code such as FR" },
    capacity: { type: 'string', value: 'SIZE', help: 'the space to offer, e.g. 500GiB' },
    data: { type: 'string', value: 'DIR', help: 'the folder to store chunks in' },
    port: { type: 'string', value: 'N', help: 'the port (default: a free one)' },
    bind: { type: 'string', value: 'ADDR', help: 'the address to listen on (default 127.0.0.1)' },
    'public-url': {
      type: 'string',
      value: 'URL',
      help: 'the URL others reach it at (default http(s)://ADDR:N)',
    },
    bandwidth: {
      type: 'string',
      value: 'LIMIT',
      help: 'cap chunk traffic in each direction: 10MB/s, 8MiB/s, 100Mbit/s',
    },
    tag: {
      type: 'string',
      multiple: true,
      value: 'k=v',
      help: 'a tag placement policies can require, e.g. power=solar (repeat)',
    },
    personal: {
      type: 'boolean',
      help: 'a personal server: it keeps only your data (claim it with coffer host claim)',
    },
    ...tls,
  },
  async run(args, flags, out) {
    noMore(args, 0);
    return (await servers()).hostCommand(out, flags);
  },
});

const hostExit = command({
  name: 'host exit',
  flags: {
    hub: { type: 'string', value: 'URL', help: 'the hub to leave (default: $COFFER_HUB)' },
    data: { type: 'string', value: 'DIR', help: "the host's data folder" },
    wait: { type: 'boolean', help: 'follow the exit until it is done' },
  },
  async run(args, flags, out) {
    noMore(args, 0);
    return (await servers()).hostExitCommand(out, flags);
  },
});

const hostClaim = command({
  name: 'host claim',
  flags: {
    data: { type: 'string', value: 'DIR', help: "the host's data folder" },
    hub: commonFlags.hub,
  },
  async run(args, flags, out) {
    noMore(args, 0);
    if (!flags.data) throw new ValidationError('--data', "missing: the host's data folder");
    const client = await session(flags);
    const { signHostClaim } = await import('@coffer/host');
    const id = await client.claimHost(await signHostClaim(flags.data, client.whoami().accountId));
    out.say(`Host ${id} is yours: see coffer hosts, or Hosting in the web app.`);
    out.result({ hostId: id });
  },
});

const hosts = command({
  name: 'hosts',
  flags: { hub: commonFlags.hub },
  async run(args, flags, out) {
    noMore(args, 0);
    const list = await (await session(flags)).myHosts();
    if (list.length === 0) out.say('No hosts yet: run coffer host claim --data DIR on one.');
    for (const h of list)
      out.say(
        `${h.id}  ${h.country}  ${(h.personal ? 'personal' : 'public').padEnd(8)}  ${h.state.padEnd(12)}  ${formatBytes(h.usedBytes).padStart(10)} / ${formatBytes(h.capacity).padEnd(10)}  audits ${h.audits.passed}✓ ${h.audits.failed}✗  up ${(h.uptime * 100).toFixed(1)}%  in ${formatBytes(h.bytesIn)} out ${formatBytes(h.bytesOut)}`,
      );
    out.result({ hosts: list });
  },
});

export const networkCommands: CommandGroup = {
  title: 'Run a network',
  help: [
    [
      'up [--data DIR] [--port N] [--hosts N]',
      'hub + N hosts in distinct countries, on this machine',
    ],
    ['hub [--data DIR] [--port N] [--config FILE] [--public-url URL] [--role api|worker|all]'],
    [
      'host --hub URL --country CC --capacity SIZE --data DIR [--port N] [--bind ADDR]\n     [--public-url URL] [--bandwidth LIMIT] [--tag k=v]... [--personal]',
      'serve chunks; --bandwidth caps chunk traffic in each direction\n(10MB/s, 8MiB/s, 100Mbit/s); --tag (repeat) e.g. power=solar;\n--personal: keeps only your data once claimed (see coffer policy)',
    ],
    [
      'up | hub | host ... --tls-cert FILE --tls-key FILE',
      'serve HTTPS (PEM); clients trust a private CA via NODE_EXTRA_CA_CERTS',
    ],
    [
      'host exit --hub URL --data DIR [--wait]',
      'leave the network: the hub copies this host\'s chunks elsewhere;\nkeep the host running until it says "exited" (--wait follows it)',
    ],
    ['host claim --data DIR', 'link a host to your account (its dashboard: coffer hosts, web app)'],
    ['hosts', 'your hosts: state, storage, audits, uptime, traffic'],
  ],
  commands: [up, hub, host, hostExit, hostClaim, hosts],
};
