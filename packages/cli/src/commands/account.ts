import { hostname } from 'node:os';
import { AuthError, ValidationError } from '@coffer/errors';
import { CofferClient } from '@coffer/sdk';
import { session } from '../client.ts';
import { type CommandGroup, command, commonFlags, need, noMore } from '../command.ts';
import {
  forgetSession,
  hubUrlFrom,
  newPassword,
  password,
  recoveryKey,
  saveSession,
} from '../config.ts';
import { formatBytes } from '../output.ts';
import { codeFlag, secondFactorCode, withSecondFactor } from '../second-factor.ts';
import { accountDelete } from './account-delete.ts';

/** `--device`: what this session is called in `coffer sessions` and the web app's Sessions. */
const device = {
  type: 'string',
  value: 'NAME',
  help: 'what this session is called in coffer sessions (default: coffer cli on HOSTNAME)',
} as const;

function deviceName(flags: { device?: string | undefined }): string {
  const name = (flags.device ?? `coffer cli on ${hostname()}`).trim();
  if (!name) throw new ValidationError('--device', 'expected a name, such as "work laptop"');
  if (name.length > 100) throw new ValidationError('--device', 'expected at most 100 characters');
  if (/[\p{Cc}\p{Cf}]/u.test(name)) {
    throw new ValidationError('--device', 'expected no control or format characters');
  }
  return name;
}

const signup = command({
  name: 'signup',
  flags: { hub: commonFlags.hub, 'password-file': commonFlags['password-file'], device },
  async run(args, flags, out) {
    noMore(args, 1);
    const email = need(args, 0, 'EMAIL');
    const name = deviceName(flags);
    const pw = await password(flags, 'Choose a password: ', true);
    const { client, recoveryKey } = await CofferClient.signup({
      hubUrl: hubUrlFrom(flags.hub),
      email,
      password: pw,
      deviceName: name,
    });
    await saveSession(client.saved());
    out.say(`Account created for ${email}; you are logged in.`);
    out.say('');
    out.say(
      'Your recovery key (shown once; store it offline, it is the only way back in if you forget the password):',
    );
    out.say(`  ${recoveryKey}`);
    out.result({
      accountId: client.keys.accountId,
      email: client.keys.email,
      hubUrl: client.hub.hubUrl,
      recoveryKey,
    });
  },
});

const login = command({
  name: 'login',
  flags: {
    hub: commonFlags.hub,
    'password-file': commonFlags['password-file'],
    device,
    code: codeFlag,
  },
  async run(args, flags, out) {
    noMore(args, 1);
    const email = need(args, 0, 'EMAIL');
    const name = deviceName(flags);
    const pw = await password(flags, 'Password: ');
    const client = await CofferClient.login({
      hubUrl: hubUrlFrom(flags.hub),
      email,
      password: pw,
      deviceName: name,
      // Asked for only when the account has a second factor.
      code: () => secondFactorCode(flags),
    });
    await saveSession(client.saved());
    out.say(`Logged in as ${email}.`);
    out.result(client.whoami());
  },
});

const recover = command({
  name: 'recover',
  flags: {
    'recovery-key': {
      type: 'string',
      value: 'KEY',
      help: 'the recovery key (else $COFFER_RECOVERY_KEY, else a prompt)',
    },
    hub: commonFlags.hub,
    'password-file': commonFlags['password-file'],
    device,
    code: codeFlag,
  },
  async run(args, flags, out) {
    noMore(args, 1);
    const email = need(args, 0, 'EMAIL');
    const name = deviceName(flags);
    const key = await recoveryKey(flags);
    const pw = await password(flags, 'New password: ', true);
    const client = await withSecondFactor(flags, (secondFactor) =>
      CofferClient.recover({
        hubUrl: hubUrlFrom(flags.hub),
        email,
        recoveryKey: key,
        newPassword: pw,
        deviceName: name,
        secondFactor,
      }),
    );
    await saveSession(client.saved());
    out.say(`New password set for ${email}; every other session was ended.`);
    out.result(client.whoami());
  },
});

const passwd = command({
  name: 'passwd',
  flags: {
    hub: commonFlags.hub,
    'password-file': {
      type: 'string',
      value: 'F',
      help: 'read the current password from a file (else $COFFER_PASSWORD, else a prompt)',
    },
    'new-password-file': {
      type: 'string',
      value: 'F',
      help: 'read the new password from a file (else $COFFER_NEW_PASSWORD, else a prompt)',
    },
    code: codeFlag,
  },
  async run(args, flags, out) {
    noMore(args, 0);
    const client = await session(flags);
    const current = await password(flags, 'Current password: ');
    const next = await newPassword(flags);
    if (next === current)
      throw new ValidationError('new password', 'is the same as the current one');
    await withSecondFactor(flags, (code) => client.changePassword(current, next, code));
    const { email } = client.whoami();
    out.say(`New password set for ${email}; every other session was ended.`);
    out.result({ ok: true, email });
  },
});

const logout = command({
  name: 'logout',
  flags: { hub: commonFlags.hub },
  async run(args, flags, out) {
    noMore(args, 0);
    const client = await session(flags).catch((e) =>
      e instanceof AuthError ? null : Promise.reject(e),
    );
    await client?.logout().catch(() => {});
    await forgetSession();
    out.say('Logged out.');
    out.result({ ok: true });
  },
});

const whoami = command({
  name: 'whoami',
  flags: { hub: commonFlags.hub },
  async run(args, flags, out) {
    noMore(args, 0);
    const client = await session(flags);
    const usage = await client.account.usage();
    const me = { ...client.whoami(), sessionExpiresAt: client.saved().expiresAt, usage };
    out.say(`${me.email} on ${me.hubUrl}`);
    out.say(
      `Stored: ${formatBytes(usage.total)} (files ${formatBytes(usage.files)}, versions ${formatBytes(usage.versions)}, trash ${formatBytes(usage.trash)})`,
    );
    if (usage.quota !== null) {
      out.say(`Quota: ${formatBytes(usage.total)} of ${formatBytes(usage.quota)} used`);
    }
    if (usage.donationUrl) out.say(`Support this network: ${usage.donationUrl}`);
    out.result(me);
  },
});

/** A sign-in with the password that has not given its code: the owner's, or someone else's. */
const AWAITING_CODE =
  '  waiting for its 2FA code (if this is not you, change your password: coffer passwd)';

const sessions = command({
  name: 'sessions',
  flags: {
    revoke: { type: 'string', value: 'ID', help: 'end that session' },
    hub: commonFlags.hub,
  },
  async run(args, flags, out) {
    noMore(args, 0);
    const client = await session(flags);
    if (flags.revoke) {
      await client.revokeSession(flags.revoke);
      out.say(`Session ${flags.revoke} revoked.`);
      out.result({ revoked: flags.revoke });
      return;
    }
    const list = await client.sessions();
    for (const s of list)
      out.say(
        `${s.id}  ${s.current ? '*' : ' '} ${s.deviceName}  last seen ${new Date(s.lastSeenAt).toISOString()}${s.awaitingCode ? AWAITING_CODE : ''}`,
      );
    out.result({ sessions: list });
  },
});

export const accountCommands: CommandGroup = {
  title: 'Account',
  help: [
    ['signup EMAIL', 'create an account (prints your recovery key once)'],
    [
      'login EMAIL',
      'log in; the session is kept in the config dir (0600). With a second factor: --code, $COFFER_TOTP or a prompt',
    ],
    ['logout', 'end this session'],
    ['whoami', 'who is logged in, and where'],
    ['sessions', 'list your sessions; --revoke ID ends one'],
    ['passwd', 'change your password (asks for the current one); other sessions end'],
    ['recover EMAIL', 'set a new password with your recovery key (--recovery-key or prompt)'],
    [
      'account delete',
      'delete your account and all it holds, for good (asks the email, the password, and a code with 2FA; --yes skips the email)',
    ],
  ],
  commands: [signup, login, logout, whoami, sessions, passwd, recover, accountDelete],
};
