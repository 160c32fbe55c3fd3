import type { CofferClient, Group } from '@coffer/sdk';
import { withSession } from '../client.ts';
import { type CommandGroup, command, commonFlags, need, noMore } from '../command.ts';
import type { Out } from '../output.ts';

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

function describeMembers(out: Out, g: Group) {
  out.say(`${g.name}, owned by ${g.owner.email}:`);
  for (const m of g.members) {
    out.say(
      `  ${m.email.padEnd(32)} ${STATES[m.state]}${m.verified ? '' : '  (keys not verified)'}`,
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
  describeMembers(out, g);
  out.result(g);
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

export const groupCommands: CommandGroup = {
  title: 'Private groups (GROUP is a group name or id)',
  help: [
    ['groups', 'your groups, and invitations waiting for your answer'],
    ['group create NAME [--invite EMAIL]...', 'a new group; invite contacts (repeat)'],
    ['group invite GROUP EMAIL...', 'invite contacts (unverified keys are flagged)'],
    ['group accept GROUP', 'join a group you were invited to'],
    ['group decline GROUP', 'turn an invitation down'],
    ['group members GROUP', 'who is in, invited, declined or gone'],
    ['group remove GROUP EMAIL', 'take someone out (the owner; the key is rotated)'],
    ['group leave GROUP', 'leave a group you are in'],
    ['group delete GROUP', 'end a group you own, for everyone'],
  ],
  commands: [groupsList, create, invite, accept, decline, members, remove, leave, end],
};
