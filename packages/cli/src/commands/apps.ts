import { ValidationError } from '@coffer/errors';
import type { CofferClient } from '@coffer/sdk';
import { askLine } from '../ask.ts';
import { withSession } from '../client.ts';
import { type CommandGroup, command, commonFlags, need, noMore } from '../command.ts';
import { codeFlag, withSecondFactor } from '../second-factor.ts';

// Apps confined to one folder ([Note: Apps in the client] in the SDK): approve or deny the
// code an app shows, list the apps, revoke one.

const hub = commonFlags.hub;

const rights = (access: 'read' | 'readwrite') =>
  access === 'readwrite' ? 'read and write' : 'read only';

/**
 * The sentence naming the apps a rotation gave the new keys of their folder ([Note: Resealing
 * after a rotation] in the SDK), with a leading space; empty when there were none.
 */
export async function appsGivenKeys(client: CofferClient, ids: readonly string[]) {
  if (ids.length === 0) return '';
  // The rotation is done: a list that fails to load only costs the names.
  const apps = await client.apps.list().catch(() => []);
  const named = ids.map((id) => {
    const name = apps.find((a) => a.id === id)?.name;
    return name ? `"${name}" (${id})` : id;
  });
  return ` Given the new keys, these apps keep working: ${named.join(', ')}.`;
}

const list = command({
  name: 'apps',
  flags: { hub },
  async run(args, flags, out) {
    noMore(args, 0);
    await withSession(flags, async (client) => {
      const apps = await client.apps.list();
      if (apps.length === 0) out.say('No apps. An app shows a code: coffer apps approve CODE');
      const result = [];
      for (const a of apps) {
        const folder = await client
          .openById(a.folderId as Parameters<typeof client.openById>[0])
          .catch(() => null);
        const path = folder ? await client.pathOf(folder) : '(folder gone)';
        const state = a.revokedAt !== null ? 'revoked' : a.active ? 'active' : 'expired';
        out.say(`${a.id}  ${a.name}  ${path}  ${rights(a.access)}  ${state}`);
        result.push({ ...a, path, state });
      }
      out.result({ apps: result });
    });
  },
});

const approve = command({
  name: 'apps approve',
  flags: {
    folder: {
      type: 'string',
      value: 'PATH',
      help: 'the folder to give (else the one the app suggests)',
    },
    expires: { type: 'string', value: 'DAYS', help: 'the token lives this many days (90)' },
    yes: { type: 'boolean', help: 'do not ask to confirm' },
    code: codeFlag,
    hub,
  },
  async run(args, flags, out) {
    noMore(args, 1);
    const code = need(args, 0, 'CODE');
    let expiresIn: number | undefined;
    if (flags.expires !== undefined) {
      const days = Number(flags.expires);
      if (!Number.isFinite(days) || days <= 0 || days > 365) {
        throw new ValidationError('--expires', 'expected a number of days from 1 to 365, e.g. 30');
      }
      expiresIn = Math.round(days * 86_400);
    }
    await withSession(flags, async (client) => {
      const r = await client.apps.lookup(code);
      const folder = flags.folder ?? r.folder;
      if (!folder) {
        throw new ValidationError(
          '--folder',
          `${r.name} suggests no folder: say which, e.g. --folder /Photos`,
        );
      }
      const asks =
        `${r.name} asks to ${rights(r.access)} ${folder} (and nothing else).\n` +
        `Key fingerprint: ${r.fingerprint}. The app must show the same one; if it does not, do not approve.`;
      if (flags.yes) out.say(asks);
      else {
        const answer = (await askLine(`${asks}\nApprove? [y/N] `)).trim().toLowerCase();
        if (answer !== 'y' && answer !== 'yes') {
          out.say(
            'Not approved; the app keeps waiting until its code expires (coffer apps deny CODE to refuse).',
          );
          out.result({ approved: false });
          return;
        }
      }
      const app = await withSecondFactor(flags, (secondFactor) =>
        client.apps.approve(code, folder, {
          fingerprint: r.fingerprint,
          ...(expiresIn ? { expiresIn } : {}),
          secondFactor,
        }),
      );
      out.say(`Approved: ${r.name} may ${rights(app.access)} ${folder} (app ${app.id}).`);
      out.result({ approved: true, ...app, path: folder });
    });
  },
});

const deny = command({
  name: 'apps deny',
  flags: { hub },
  async run(args, flags, out) {
    noMore(args, 1);
    const code = need(args, 0, 'CODE');
    await withSession(flags, async (client) => {
      await client.apps.deny(code);
      out.say('Refused: the app is told no.');
      out.result({ denied: true });
    });
  },
});

const revoke = command({
  name: 'apps revoke',
  flags: { hub },
  async run(args, flags, out) {
    noMore(args, 1);
    const id = need(args, 0, 'ID');
    await withSession(flags, async (client) => {
      const { rotated, resealed = [] } = await client.apps.revoke(id);
      const others = await appsGivenKeys(client, resealed);
      out.say(
        `Revoked: app ${id} can no longer reach your files.${rotated ? ` Its folder's keys were changed, so nothing written there from now on opens with the key it kept.${others}` : ''}`,
      );
      out.result(rotated ? { revoked: id, rotated, resealed } : { revoked: id, rotated });
    });
  },
});

export const appCommands: CommandGroup = {
  title: 'Apps (third-party apps confined to one of your folders)',
  help: [
    ['apps', 'the apps you approved: folder, rights, active, expired or revoked'],
    [
      'apps approve CODE [--folder PATH] [--expires DAYS] [--yes]',
      'give the app showing CODE one folder, after showing what it asks',
    ],
    ['apps deny CODE', 'refuse the app showing CODE'],
    [
      'apps revoke ID',
      "revoke an app: its token stops working at once (a writer's folder gets new keys)",
    ],
  ],
  commands: [list, approve, deny, revoke],
};
