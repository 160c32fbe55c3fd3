import { ValidationError } from '@coffer/errors';
import { parseSize } from '@coffer/protocol';
import { withSession } from '../client.ts';
import { type CommandGroup, command, commonFlags, need, noMore } from '../command.ts';
import { formatBytes } from '../output.ts';

// Auto-mirror ([Note: Auto-mirror in the client] in the SDK): subscriptions that copy a
// group's new entries to our personal servers with no further action.

const hub = commonFlags.hub;
const member = {
  type: 'string',
  value: 'EMAIL',
  help: "only this member's shelf",
} as const;

const subscribe = command({
  name: 'subscribe',
  flags: {
    member,
    budget: { type: 'string', value: 'SIZE', help: 'space for mirrors, e.g. 200GiB (required)' },
    hub,
  },
  async run(args, flags, out) {
    noMore(args, 1);
    const group = need(args, 0, 'GROUP');
    if (flags.budget === undefined)
      throw new ValidationError('--budget', 'say how much space mirrors may use, e.g. 200GiB');
    const budget = parseSize(flags.budget, '--budget');
    if (budget < 1) throw new ValidationError('--budget', 'expected at least one byte');
    await withSession(flags, async (client) => {
      const s = await client.mirrors.subscribe(group, {
        budget,
        ...(flags.member !== undefined ? { member: flags.member } : {}),
      });
      out.say(
        `Subscribed to ${s.memberEmail ? `${s.memberEmail}'s shelf in ` : ''}${s.group}: new entries are copied to your server, within ${formatBytes(s.budget)}.`,
      );
      out.result(s);
    });
  },
});

const unsubscribe = command({
  name: 'unsubscribe',
  flags: { member, hub },
  async run(args, flags, out) {
    noMore(args, 1);
    const group = need(args, 0, 'GROUP');
    await withSession(flags, async (client) => {
      await client.mirrors.unsubscribe(group, {
        ...(flags.member !== undefined ? { member: flags.member } : {}),
      });
      out.say(`Unsubscribed from ${group}: mirrors you did not keep are removed from your server.`);
      out.result({ unsubscribed: group });
    });
  },
});

const subscriptions = command({
  name: 'subscriptions',
  flags: { hub },
  async run(args, flags, out) {
    noMore(args, 0);
    await withSession(flags, async (client) => {
      const list = await client.mirrors.subscriptions();
      const mirrors = list.length ? await client.mirrors.list() : [];
      if (list.length === 0) out.say('No subscriptions: coffer subscribe GROUP --budget SIZE');
      const result = list.map((s) => {
        const items = mirrors.filter((m) => m.groupId === s.groupId);
        out.say(
          `${s.group}${s.memberEmail ? ` (${s.memberEmail})` : ''}  ${formatBytes(s.used)} of ${formatBytes(s.budget)} used, ${s.mirrored} mirrored`,
        );
        for (const m of items)
          out.say(
            `  ${m.entryId}  ${m.state.padEnd(8)} ${formatBytes(m.bytes)}${m.kept ? '  kept' : ''}`,
          );
        return { ...s, mirrors: items };
      });
      out.result({ subscriptions: result });
    });
  },
});

export const mirrorCommands: CommandGroup = {
  title: 'Auto-mirror (new entries of a group copied to your server as they are published)',
  help: [
    [
      'subscribe GROUP --budget SIZE [--member EMAIL]',
      "mirror a group's new entries (or one member's) to your personal server",
    ],
    ['unsubscribe GROUP [--member EMAIL]', 'stop, and remove the mirrors you did not keep'],
    ['subscriptions', 'your subscriptions: space used of the budget, and what is mirrored'],
  ],
  commands: [subscribe, unsubscribe, subscriptions],
};
