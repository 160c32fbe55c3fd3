import { ConflictError, ValidationError } from '@coffer/errors';
import { type FolderPolicy, storageSite } from '@coffer/protocol';
import { byKindThenName, type Entry, PublicLink, singleCopy } from '@coffer/sdk';
import { inTree, session } from '../client.ts';
import { type CommandGroup, command, commonFlags, type Flags, need, noMore } from '../command.ts';
import { linkPassword } from '../config.ts';
import { get as getFiles } from '../get.ts';
import { formatBytes } from '../output.ts';
import { put as putFiles } from '../put.ts';
import { getLink } from '../transfers.ts';
import { formatTags, parseTags } from '../values.ts';

const hub = commonFlags.hub;

function describe(e: Entry, long: boolean): string {
  const name = e.kind === 'folder' ? `${e.name}/` : e.name;
  if (!long) return name;
  const when = new Date(e.mtime ?? e.updatedAt).toISOString().replace('T', ' ').slice(0, 16);
  const size = e.kind === 'folder' ? '-' : formatBytes(e.size);
  return `${size.padStart(10)}  ${when}  ${e.revision ? `v${e.revision}`.padEnd(4) : '    '}  ${name}`;
}

const ls = command({
  name: 'ls',
  flags: {
    long: { type: 'boolean', short: 'l', help: 'with size, time and revision' },
    hub,
  },
  async run(args, flags, out) {
    noMore(args, 1);
    const { client, path } = await inTree(await session(flags), args[0] ?? '/', 'PATH');
    const node = await client.stat(path);
    const entries: Entry[] = node.kind === 'folder' ? await client.list(path) : [node];
    for (const e of entries.sort(byKindThenName)) out.say(describe(e, flags.long ?? false));
    out.result({ path, entries });
  },
});

const put = command({
  name: 'put',
  flags: { hub },
  async run(args, flags, out) {
    noMore(args, 2);
    const local = need(args, 0, 'LOCAL');
    if (args[1] === undefined) return putFiles(await session(flags), out, local, undefined);
    const { client, path } = await inTree(await session(flags), args[1], 'REMOTE');
    return putFiles(client, out, local, path);
  },
});

const get = command({
  name: 'get',
  flags: {
    revision: { type: 'string', value: 'N', help: 'that revision of a file (see coffer versions)' },
    force: { type: 'boolean', help: 'replace local files that differ (else nothing is fetched)' },
    'link-password-file': {
      type: 'string',
      value: 'F',
      help: "a link's password from a file (else $COFFER_LINK_PASSWORD, else a prompt)",
    },
    hub,
  },
  async run(args, flags, out) {
    noMore(args, 2);
    if (/^https?:\/\/\S+\/l\/[0-9a-f]{32}/.test(args[0] ?? '')) {
      let link: PublicLink;
      try {
        link = await PublicLink.open(args[0] as string);
      } catch (e) {
        if (!(e instanceof ValidationError && e.field === 'password')) throw e;
        const password = await linkPassword(flags, 'The link’s password: ');
        link = await PublicLink.open(args[0] as string, { password });
      }
      return getLink(link, out, args[1]);
    }
    const revision = flags.revision === undefined ? undefined : Number(flags.revision);
    if (revision !== undefined && (!Number.isInteger(revision) || revision < 1)) {
      throw new ValidationError('--revision', 'expected a revision number (see coffer versions)');
    }
    const { client, path } = await inTree(await session(flags), need(args, 0, 'REMOTE'), 'REMOTE');
    return getFiles(client, out, path, args[1], {
      ...(revision === undefined ? {} : { revision }),
      force: flags.force === true,
    });
  },
});

const mkdir = command({
  name: 'mkdir',
  flags: {
    parents: { type: 'boolean', short: 'p', help: 'and its parents, as needed' },
    hub,
  },
  async run(args, flags, out) {
    noMore(args, 1);
    const { client, path } = await inTree(await session(flags), need(args, 0, 'PATH'), 'PATH');
    const e = await client.mkdir(path, { parents: flags.parents ?? false });
    out.say(`Created ${args[0]}`);
    out.result(e);
  },
});

const mv = command({
  name: 'mv',
  flags: { hub },
  async run(args, flags, out) {
    noMore(args, 2);
    const me = await session(flags);
    const from = await inTree(me, need(args, 0, 'FROM'), 'FROM');
    const to = await inTree(me, need(args, 1, 'TO'), 'TO');
    if ((await from.client.root()).info.id !== (await to.client.root()).info.id)
      throw new ValidationError('TO', 'a move stays within your own files or within one share');
    const e = await from.client.move(from.path, to.path);
    out.say(`Moved ${args[0]} to ${args[1]}`);
    out.result(e);
  },
});

const rm = command({
  name: 'rm',
  flags: { hub },
  async run(args, flags, out) {
    noMore(args, 1);
    const { client, path } = await inTree(await session(flags), need(args, 0, 'PATH'), 'PATH');
    const e = await client.trash(path);
    out.say(`Moved ${args[0]} to the trash (coffer restore ${e.name} brings it back)`);
    out.result(e);
  },
});

const trash = command({
  name: 'trash',
  flags: { hub },
  async run(args, flags, out) {
    const client = await session(flags);
    if (args[0] === 'purge') {
      noMore(args, 2);
      await client.purge(need(args, 1, 'ITEM'));
      out.say(`Deleted ${args[1]} for good.`);
      out.result({ purged: args[1] });
      return;
    }
    if (args[0] === 'empty') {
      noMore(args, 1);
      // What is trashed after this listing, on another device, stays.
      const { items, bytes, upTo } = await client.trashContents();
      const purged = items.length ? await client.emptyTrash(upTo) : 0;
      out.say(
        purged === 0
          ? 'The trash is empty.'
          : `Deleted ${purged} item${purged === 1 ? '' : 's'} (${formatBytes(bytes)}) for good.`,
      );
      out.result({ purged, bytes });
      return;
    }
    noMore(args, 0);
    const items = await client.listTrash();
    if (items.length === 0) out.say('The trash is empty.');
    for (const t of items)
      out.say(
        `${t.id}  ${describe(t, false)}  holds ${formatBytes(t.held)}  from ${t.from ?? '?'}  trashed ${new Date(t.trashedAt ?? 0).toISOString()}`,
      );
    out.result({ items });
  },
});

const restore = command({
  name: 'restore',
  flags: { hub },
  async run(args, flags, out) {
    noMore(args, 1);
    const client = await session(flags);
    const e = await client.restore(need(args, 0, 'ITEM')).catch((e) => {
      if (!(e instanceof ConflictError)) throw e;
      throw new ConflictError(
        `${e.message} (rename or move the item in the way, then restore again)`,
      );
    });
    out.say(`Restored ${e.name}`);
    out.result(e);
  },
});

const versions = command({
  name: 'versions',
  flags: { hub },
  async run(args, flags, out) {
    noMore(args, 1);
    const list = await (await session(flags)).versions(need(args, 0, 'PATH'));
    for (const v of list)
      out.say(
        `v${v.revision}${v.current ? '*' : ' '}  ${formatBytes(v.size).padStart(10)}  ${new Date(v.createdAt).toISOString()}`,
      );
    out.result({ versions: list });
  },
});

const policyFlags = {
  replicas: { type: 'string', value: 'N', help: 'copies, each in another country' },
  allow: { type: 'string', value: 'FR,DE', help: 'only in these countries' },
  exclude: { type: 'string', value: 'BR', help: 'never in these countries' },
  require: {
    type: 'string',
    multiple: true,
    value: 'k=v',
    help: 'only on hosts with this tag, e.g. power=solar (repeat)',
  },
  on: {
    type: 'string',
    value: 'WHERE',
    help: 'network (the default), personal (only on your personal servers) or both',
  },
  clear: { type: 'boolean', help: "remove the folder's own policy" },
  hub,
} as const;

const countryList = (v: string) =>
  v
    .split(',')
    .map((c) => c.trim().toUpperCase())
    .filter(Boolean);

function policyFromFlags(flags: Flags<typeof policyFlags>): FolderPolicy {
  const policy: FolderPolicy = {};
  if (flags.replicas !== undefined) {
    const n = Number(flags.replicas);
    if (!Number.isInteger(n)) throw new ValidationError('--replicas', 'expected a whole number');
    policy.replicas = n;
  }
  if (flags.allow) policy.allowCountries = countryList(flags.allow);
  if (flags.exclude) policy.excludeCountries = countryList(flags.exclude);
  if (flags.require) policy.requiredTags = parseTags(flags.require, '--require');
  if (flags.on !== undefined) {
    const on = storageSite.safeParse(flags.on);
    if (!on.success) {
      throw new ValidationError('--on', 'expected network, personal or both');
    }
    policy.on = on.data;
  }
  return policy;
}

const SITES = {
  network: "on the network's hosts",
  personal: 'only on your personal servers, a copy on each',
  both: "on your personal servers and on the network's hosts",
} as const;

function describePolicy(p: FolderPolicy): string {
  const parts: string[] = [];
  if (p.on) parts.push(SITES[p.on]);
  if (p.replicas && p.on !== 'personal') parts.push(`${p.replicas} replicas in distinct countries`);
  if (p.allowCountries) parts.push(`only in ${p.allowCountries.join(', ') || 'no country'}`);
  if (p.excludeCountries?.length) parts.push(`never in ${p.excludeCountries.join(', ')}`);
  if (p.requiredTags && Object.keys(p.requiredTags).length) {
    parts.push(`on hosts tagged ${formatTags(p.requiredTags)}`);
  }
  return parts.join('; ') || 'no constraints';
}

const policy = command({
  name: 'policy',
  flags: policyFlags,
  async run(args, flags, out) {
    noMore(args, 1);
    const path = need(args, 0, 'PATH');
    const client = await session(flags);
    const setting =
      flags.clear || flags.replicas || flags.allow || flags.exclude || flags.require || flags.on;
    const p = setting
      ? await client.setFolderPolicy(path, flags.clear ? null : policyFromFlags(flags))
      : await client.folderPolicy(path);
    out.say(`${path}: ${p.own ? describePolicy(p.own) : 'no policy of its own'}`);
    out.say(`in effect: ${describePolicy(p.effective)}`);
    const risk = singleCopy(p)
      ? `${path} is kept on one personal server alone: a single copy. If its disk fails, or it is lost or stolen, these files are gone, and while it is off they cannot be read. Add a second personal server, or keep them on the network too: coffer policy ${path} --on both`
      : null;
    if (risk) out.warn(`warning: ${risk}`);
    out.result({ ...p, ...(risk ? { warning: risk } : {}) });
  },
});

export const fileCommands: CommandGroup = {
  title: 'Files (PATH may be shared:NAME/... for a folder shared with you; see coffer shares)',
  help: [
    ['ls [PATH] [-l]', 'list a folder'],
    [
      'put LOCAL [REMOTE]',
      "upload a file, or a folder's contents into REMOTE (default: /NAME);\na file goes into REMOTE if it is a folder or ends in /, else to REMOTE.\nRun again, it skips files already there (same size and time, or\ncontent) and resumes an interrupted one; never nests the folder",
    ],
    [
      'get REMOTE [LOCAL]',
      "download a file, or a folder's contents into LOCAL (default: ./NAME),\nby the same rules; skips local files already the same [--revision N]",
    ],
    ['mkdir PATH [-p]', 'create a folder (-p: and its parents)'],
    ['mv FROM TO', 'move or rename'],
    ['rm PATH', 'move to the trash'],
    ['trash', 'list the trash; "trash purge ITEM" deletes for good, "trash empty" all of it'],
    ['restore ITEM', 'bring back from the trash (by name or id)'],
    ['versions PATH', 'list the revisions of a file'],
    [
      'policy PATH',
      "where a folder's files may be stored; set it with --replicas N,\n--allow FR,DE, --exclude BR, --require k=v (repeat), --on personal\n(only on your personal servers) or both; --clear removes it",
    ],
  ],
  commands: [ls, put, get, mkdir, mv, rm, trash, restore, versions, policy],
};
