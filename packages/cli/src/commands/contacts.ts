import { NotFoundError } from '@coffer/errors';
import type { Contact } from '@coffer/sdk';
import { pathById, session, withSession } from '../client.ts';
import { type CommandGroup, command, commonFlags, need, noMore } from '../command.ts';
import type { Out } from '../output.ts';
import { appsGivenKeys } from './apps.ts';

/** The 60 digits of a safety number as three lines of four groups, easy to read aloud. */
const groupedSafetyNumber = (n: string) =>
  n
    .split(' ')
    .reduce<string[]>((lines, g, i) => {
      if (i % 4 === 0) lines.push(g);
      else lines[lines.length - 1] += ` ${g}`;
      return lines;
    }, [])
    .map((l) => `  ${l}`)
    .join('\n');

function describeContact(out: Out, c: Contact) {
  const status = c.keyChanged ? 'KEYS CHANGED' : c.verified ? 'verified' : 'not verified';
  out.say(`${c.email}  ${status}`);
  if (c.keyChanged) {
    out.warn(
      `WARNING: ${c.email}'s keys changed since you added them. This happens when they reset their keys, or when someone (the hub?) is in between. Sharing with them is blocked until you compare the safety number below with them and run: coffer contacts verify ${c.email}`,
    );
  }
  out.say('Safety number (compare it with theirs):');
  out.say(groupedSafetyNumber(c.safetyNumber));
}

const contacts = command({
  name: 'contacts',
  flags: {
    'safety-number': {
      type: 'string',
      value: 'N',
      help: 'with verify: the safety number they gave you, checked against theirs',
    },
    hub: commonFlags.hub,
  },
  async run(args, flags, out) {
    const sub = args[0];
    const email = () => need(args, 1, 'EMAIL');
    await withSession(flags, async (client) => {
      switch (sub) {
        case undefined: {
          const list = await client.contacts.list();
          if (list.length === 0) out.say('No contacts yet: coffer contacts add EMAIL');
          for (const c of list)
            out.say(
              `${c.email.padEnd(32)} ${c.keyChanged ? 'KEYS CHANGED' : c.verified ? 'verified' : 'not verified'}`,
            );
          out.result({ contacts: list });
          return;
        }
        case 'add':
        case 'show':
        case 'verify': {
          noMore(args, 2);
          const c =
            sub === 'add'
              ? await client.contacts.add(email())
              : sub === 'show'
                ? await client.contacts.refresh(email())
                : await client.contacts.verify(email(), {
                    ...(flags['safety-number'] !== undefined
                      ? { safetyNumber: flags['safety-number'] }
                      : {}),
                  });
          describeContact(out, c);
          if (sub === 'verify') out.say(`${c.email} is verified.`);
          out.result(c);
          return;
        }
        case 'remove': {
          noMore(args, 2);
          await client.contacts.remove(email());
          out.say(`${email()} removed from your contacts.`);
          out.result({ removed: email() });
          return;
        }
        default:
          throw new NotFoundError(`command: unknown "contacts ${sub}"; see coffer --help`);
      }
    });
  },
});

const keys = command({
  name: 'keys',
  flags: { hub: commonFlags.hub },
  async run(args, flags, out) {
    const client = await session(flags);
    if (args[0] === 'rotate') {
      noMore(args, 1);
      await client.rotateKeys();
      out.say('New key pairs made. Your contacts will be asked to verify you again.');
    } else noMore(args, 0);
    const mine = await client.contacts.myFingerprint();
    out.say(`Your fingerprint: ${mine}`);
    out.result({ fingerprint: mine, version: client.keys.keyVersion });
  },
});

const share = command({
  name: 'share',
  flags: {
    write: { type: 'boolean', help: 'let them change the folder too (default: read-only)' },
    hub: commonFlags.hub,
  },
  async run(args, flags, out) {
    noMore(args, 2);
    const path = need(args, 0, 'PATH');
    const email = need(args, 1, 'EMAIL');
    await withSession(flags, async (client) => {
      const shared = await client.shares.share(path, email, flags.write ? 'write' : 'read');
      out.say(`${path} is shared with ${email} (${flags.write ? 'read-write' : 'read-only'}).`);
      out.result(shared);
    });
  },
});

const unshare = command({
  name: 'unshare',
  flags: { hub: commonFlags.hub },
  async run(args, flags, out) {
    noMore(args, 2);
    const path = need(args, 0, 'PATH');
    const email = need(args, 1, 'EMAIL');
    await withSession(flags, async (client) => {
      const { share: left, resealed } = await client.shares.remove(path, email);
      out.say(
        (left
          ? `${email} is off ${path}; its keys are rotated. Still shared with ${left.members.map((m) => m.email).join(', ')}.`
          : `${email} is off ${path}; its keys are rotated. It is no longer shared.`) +
          (await appsGivenKeys(client, resealed)),
      );
      out.result({ share: left, resealed });
    });
  },
});

const shares = command({
  name: 'shares',
  flags: { hub: commonFlags.hub },
  async run(args, flags, out) {
    noMore(args, 0);
    await withSession(flags, async (client) => {
      const outgoing = await client.shares.outgoing();
      const incoming = await client.shares.incoming();
      for (const s of outgoing) {
        const where = await pathById(client, s.folderId, s.folderId);
        out.say(
          `${where}  shared with ${s.members.map((m) => `${m.email} (${m.role})`).join(', ')}`,
        );
      }
      for (const s of incoming) {
        out.say(`${s.folder.meta.name}  from ${s.owner.email} (${s.role})`);
        for (const w of s.uncheckedWriters)
          out.warn(
            `${s.folder.meta.name}: files by ${w} will not open until you verify their new keys`,
          );
      }
      if (!outgoing.length && !incoming.length)
        out.say('Nothing shared yet: coffer share PATH EMAIL');
      out.result({
        outgoing,
        incoming: incoming.map((s) => ({
          id: s.id,
          name: s.folder.meta.name,
          owner: s.owner,
          role: s.role,
          members: s.members,
          uncheckedWriters: s.uncheckedWriters,
        })),
      });
    });
  },
});

export const contactCommands: CommandGroup = {
  title: 'Contacts',
  help: [
    ['contacts', 'your contacts: verified, unverified, or keys changed'],
    ['contacts add EMAIL', 'look up their keys and pin them (shows the safety number)'],
    ['contacts show EMAIL', 'check their keys again; shows the safety number to compare'],
    [
      'contacts verify EMAIL [--safety-number N]',
      'after comparing safety numbers (in person, by phone or QR code);\nalso accepts a key change',
    ],
    ['contacts remove EMAIL'],
    ['keys', 'your own fingerprint; "keys rotate" makes new key pairs'],
    ['share PATH EMAIL [--write]', 'share a folder with a contact, read-only (or read-write)'],
    [
      'unshare PATH EMAIL',
      'take a member off a shared folder; its keys are rotated, so nothing\nwritten from now on opens for them',
    ],
    ['shares', 'the folders you share, and those shared with you'],
  ],
  commands: [contacts, keys, share, unshare, shares],
};
