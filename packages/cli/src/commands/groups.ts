import { ValidationError } from '@coffer/errors';
import {
  CATALOG_SORTS,
  type CatalogSort,
  type CofferClient,
  type Group,
  KINDS,
  type Kind,
  type MemberServer,
} from '@coffer/sdk';
import { withSession } from '../client.ts';
import { type CommandGroup, command, commonFlags, need, noMore } from '../command.ts';
import { formatBytes, type Out } from '../output.ts';

// Private groups ([Note: Groups in the client] in the SDK): create, invite, answer, leave and
// remove, each checked against the owner's signed roster.

const hub = commonFlags.hub;

const STATES = {
  member: 'member',
  invited: 'invited, no answer yet',
  declined: 'declined',
  left: 'left',
} as const;

function describeGroup(out: Out, g: Group) {
  const joined = g.members.filter((m) => m.state === 'member').length;
  const role = g.role === 'owner' ? 'yours' : g.role === 'invited' ? 'INVITATION' : 'member';
  out.say(
    `${g.name}  (${role}; owner ${g.owner.email}; ${joined + 1} in, ${g.members.length - joined} invited or gone)  ${g.id}`,
  );
}

/** Flags invitees whose keys were not compared, as `coffer share` does for contacts. */
function warnUnverified(out: Out, g: Group) {
  for (const m of g.members.filter((x) => !x.verified && x.state !== 'left')) {
    out.warn(
      `warning: ${m.email}'s keys are not verified: compare safety numbers with them (coffer contacts show ${m.email}), then coffer contacts verify ${m.email}`,
    );
  }
}

/** Each person's personal servers: country and whether online (never where they are). */
function describeMembers(out: Out, g: Group, servers: readonly MemberServer[]) {
  const of = (accountId: string) => {
    const theirs = servers.filter((s) => s.accountId === accountId);
    if (theirs.length === 0) return '';
    return `  servers: ${theirs.map((s) => `${s.country} ${s.online ? 'online' : 'offline'}`).join(', ')}`;
  };
  out.say(`${g.name}, owned by ${g.owner.email}:${of(g.owner.accountId)}`);
  for (const m of g.members) {
    out.say(
      `  ${m.email.padEnd(32)} ${STATES[m.state]}${m.verified ? '' : '  (keys not verified)'}${of(m.accountId)}`,
    );
  }
  if (g.members.length === 0) out.say('  nobody invited yet: coffer group invite GROUP EMAIL');
}

const groupsList = command({
  name: 'groups',
  flags: { hub },
  async run(args, flags, out) {
    noMore(args, 0);
    await withSession(flags, async (client) => {
      const list = await client.groups.list();
      if (list.length === 0) out.say('No groups yet: coffer group create NAME [--invite EMAIL]');
      for (const g of list) describeGroup(out, g);
      const waiting = list.filter((g) => g.role === 'invited');
      for (const g of waiting) {
        out.say(
          `${g.owner.email} invites you to ${g.name}: coffer group accept ${g.id} (or decline)`,
        );
      }
      out.result({ groups: list });
    });
  },
});

const create = command({
  name: 'group create',
  flags: {
    invite: { type: 'string', multiple: true, value: 'EMAIL', help: 'invite a contact (repeat)' },
    hub,
  },
  async run(args, flags, out) {
    noMore(args, 1);
    const name = need(args, 0, 'NAME');
    await withSession(flags, async (client) => {
      const g = await client.groups.create(name, flags.invite ?? []);
      out.say(`Group ${g.name} created (${g.id}).`);
      if (g.members.length) out.say(`Invited: ${g.members.map((m) => m.email).join(', ')}`);
      warnUnverified(out, g);
      out.result(g);
    });
  },
});

const invite = command({
  name: 'group invite',
  flags: { hub },
  async run(args, flags, out) {
    const group = need(args, 0, 'GROUP');
    const emails = args.slice(1);
    need(args, 1, 'EMAIL');
    await withSession(flags, async (client) => {
      const g = await client.groups.invite(group, emails);
      out.say(`Invited to ${g.name}: ${emails.join(', ')}`);
      warnUnverified(out, g);
      out.result(g);
    });
  },
});

/** A command on one GROUP (name or id) and nothing else. */
const onGroup = (
  name: string,
  act: (client: CofferClient, group: string, out: Out) => Promise<void>,
) =>
  command({
    name,
    flags: { hub },
    async run(args, flags, out) {
      noMore(args, 1);
      const group = need(args, 0, 'GROUP');
      await withSession(flags, (client) => act(client, group, out));
    },
  });

const accept = onGroup('group accept', async (client, group, out) => {
  const g = await client.groups.accept(group);
  out.say(`You are in ${g.name}, owned by ${g.owner.email}.`);
  out.result(g);
});

const decline = onGroup('group decline', async (client, group, out) => {
  await client.groups.decline(group);
  out.say('Invitation declined.');
  out.result({ declined: group });
});

const leave = onGroup('group leave', async (client, group, out) => {
  await client.groups.leave(group);
  out.say(`You left ${group}.`);
  out.result({ left: group });
});

const members = onGroup('group members', async (client, group, out) => {
  const g = await client.groups.get(group);
  const servers = await client.groups.servers(g.id);
  describeMembers(out, g, servers);
  out.result({ ...g, servers });
});

const end = onGroup('group delete', async (client, group, out) => {
  await client.groups.delete(group);
  out.say(`Group ${group} ended for everyone in it.`);
  out.result({ deleted: group });
});

const remove = command({
  name: 'group remove',
  flags: { hub },
  async run(args, flags, out) {
    noMore(args, 2);
    const group = need(args, 0, 'GROUP');
    const email = need(args, 1, 'EMAIL');
    await withSession(flags, async (client) => {
      const g = await client.groups.remove(group, email);
      out.say(`${email} is out of ${g.name}; its key is rotated (version ${g.keyVersion}).`);
      out.result(g);
    });
  },
});

const publish = command({
  name: 'publish',
  flags: {
    tag: { type: 'string', multiple: true, value: 'TAG', help: 'a tag to find it by (repeat)' },
    note: { type: 'string', value: 'TEXT', help: 'a short note for the group' },
    hub,
  },
  async run(args, flags, out) {
    noMore(args, 2);
    const path = need(args, 0, 'PATH');
    const group = need(args, 1, 'GROUP');
    await withSession(flags, async (client) => {
      const e = await client.shelves.publish(path, group, {
        tags: flags.tag ?? [],
        ...(flags.note !== undefined ? { note: flags.note } : {}),
      });
      out.say(`${e.name} is on your shelf in ${e.groupName} (entry ${e.entryId}).`);
      out.result(e);
    });
  },
});

const withdraw = command({
  name: 'withdraw',
  flags: { hub },
  async run(args, flags, out) {
    noMore(args, 2);
    const group = need(args, 0, 'GROUP');
    const entry = need(args, 1, 'ITEM');
    await withSession(flags, async (client) => {
      await client.shelves.withdraw(group, entry);
      out.say(`Entry ${entry} is off your shelf.`);
      out.result({ withdrawn: entry });
    });
  },
});

const catalog = command({
  name: 'catalog',
  flags: {
    search: { type: 'string', value: 'WORDS', help: 'names and tags starting with these words' },
    kind: { type: 'string', value: 'KIND', help: `only one kind: ${KINDS.join(', ')}` },
    member: { type: 'string', value: 'EMAIL', help: "only this member's shelf" },
    sort: {
      type: 'string',
      value: 'BY',
      help: 'date (newest first, the default), name, size or rating (best first)',
    },
    hub,
  },
  async run(args, flags, out) {
    noMore(args, 1);
    if (flags.kind !== undefined && !(KINDS as readonly string[]).includes(flags.kind))
      throw new ValidationError('--kind', `expected one of ${KINDS.join(', ')}`);
    if (flags.sort !== undefined && !(CATALOG_SORTS as readonly string[]).includes(flags.sort))
      throw new ValidationError('--sort', `expected one of ${CATALOG_SORTS.join(', ')}`);
    await withSession(flags, async (client) => {
      const all = await client.shelves.catalog(args[0]);
      for (const p of all.problems) out.warn(`warning: ${p}`);
      const found = all.find({
        ...(flags.search !== undefined ? { search: flags.search } : {}),
        ...(flags.kind !== undefined ? { kind: flags.kind as Kind } : {}),
        ...(flags.member !== undefined ? { member: flags.member } : {}),
        ...(flags.sort !== undefined ? { sort: flags.sort as CatalogSort } : {}),
      });
      if (found.length === 0) out.say('Nothing found.');
      for (const e of found) {
        const tags = e.tags.length ? `  #${e.tags.join(' #')}` : '';
        const stars = e.rating?.count
          ? `  ★ ${e.rating.average?.toFixed(1)} (${e.rating.count})`
          : '';
        out.say(
          `${formatBytes(e.size).padStart(10)}  ${e.kind.padEnd(8)}  ${e.name}  (${e.author.email}, ${e.groupName})${tags}${stars}  ${e.entryId}`,
        );
      }
      out.result({ entries: found });
    });
  },
});

export const groupCommands: CommandGroup = {
  title: 'Private groups (GROUP is a group name or id)',
  help: [
    ['groups', 'your groups, and invitations waiting for your answer'],
    ['group create NAME [--invite EMAIL]...', 'a new group; invite contacts (repeat)'],
    ['group invite GROUP EMAIL...', 'invite contacts (unverified keys are flagged)'],
    ['group accept GROUP', 'join a group you were invited to'],
    ['group decline GROUP', 'turn an invitation down'],
    ['group members GROUP', 'who is in, invited, declined or gone, and their servers'],
    ['group remove GROUP EMAIL', 'take someone out (the owner; the key is rotated)'],
    ['group leave GROUP', 'leave a group you are in'],
    ['group delete GROUP', 'end a group you own, for everyone'],
    [
      'publish PATH GROUP [--tag TAG]... [--note TEXT]',
      'put a file of yours on your shelf in a group',
    ],
    ['withdraw GROUP ITEM', 'take an entry off your shelf'],
    [
      'catalog [GROUP] [--search WORDS] [--kind KIND] [--member EMAIL] [--sort BY]',
      'every shelf of your groups (or one), searched on this machine, with ratings',
    ],
  ],
  commands: [
    groupsList,
    create,
    invite,
    accept,
    decline,
    members,
    remove,
    leave,
    end,
    publish,
    withdraw,
    catalog,
  ],
};
