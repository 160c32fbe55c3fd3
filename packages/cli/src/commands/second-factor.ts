import { ConflictError, ValidationError } from '@coffer/errors';
import { renderUnicodeCompact } from 'uqr';
import { askLine } from '../ask.ts';
import { withSession } from '../client.ts';
import { type CommandGroup, command, commonFlags, noMore } from '../command.ts';
import { password } from '../config.ts';
import type { Out } from '../output.ts';
import { codeFlag, secondFactorCode } from '../second-factor.ts';

// The account's second factor, TOTP ([Note: Second factor on the hub]): enrol, new recovery
// codes, turn off, status.

const hub = commonFlags.hub;

/** Recovery codes, shown this once. */
function sayRecoveryCodes(out: Out, codes: string[], advice: string) {
  out.say('');
  out.say(`Recovery codes (shown once; each works once, in place of a code; ${advice}):`);
  for (const c of codes) out.say(`  ${c}`);
}

const enable = command({
  name: '2fa enable',
  flags: {
    code: {
      type: 'string',
      value: 'CODE',
      help: 'finish the enrolment started before with a code from the authenticator app',
    },
    'password-file': commonFlags['password-file'],
    hub,
  },
  async run(args, flags, out) {
    noMore(args, 0);
    await withSession(flags, async (client) => {
      let code = flags.code?.trim();
      let started: { secret: string; uri: string } | undefined;
      if (!code) {
        const status = await client.secondFactor.status();
        if (status.enabled) throw new ConflictError('the second factor is on already');
        started = await client.secondFactor.start();
        out.say('Scan this with your authenticator app (or type the secret into it):');
        out.say('');
        out.say(renderUnicodeCompact(started.uri, { border: 2 }));
        out.say(`Secret: ${started.secret}`);
        out.say(`URI:    ${started.uri}`);
        out.say('');
        code = (await askLine('Code the app shows now: ')).trim();
        if (!code) {
          out.say('Not on yet. Finish with: coffer 2fa enable --code CODE');
          out.result({ enabled: false, ...started });
          return;
        }
      }
      if (!/^\d{6}$/.test(code)) {
        throw new ValidationError('code', 'expected the 6 digits the authenticator app shows');
      }
      const pw = await password(flags, 'Password (to confirm it is you): ');
      const recoveryCodes = await client.secondFactor.enable(code, pw);
      out.say('The second factor is on. Logging in now asks for a code from the app.');
      sayRecoveryCodes(out, recoveryCodes, 'keep them offline');
      out.result({ enabled: true, recoveryCodes, ...(started ?? {}) });
    });
  },
});

const disable = command({
  name: '2fa disable',
  flags: { code: codeFlag, hub },
  async run(args, flags, out) {
    noMore(args, 0);
    await withSession(flags, async (client) => {
      await client.secondFactor.disable(await secondFactorCode(flags));
      out.say('The second factor is off; logging in needs the password alone.');
      out.result({ enabled: false });
    });
  },
});

const recoveryCodes = command({
  name: '2fa recovery-codes',
  flags: { code: codeFlag, 'password-file': commonFlags['password-file'], hub },
  async run(args, flags, out) {
    noMore(args, 0);
    await withSession(flags, async (client) => {
      const code = await secondFactorCode(flags);
      const pw = await password(flags, 'Password (to confirm it is you): ');
      const codes = await client.secondFactor.newRecoveryCodes(code, pw);
      sayRecoveryCodes(out, codes, 'the ones you had before no longer work');
      out.result({ recoveryCodes: codes });
    });
  },
});

const status = command({
  name: '2fa',
  flags: { hub },
  async run(args, flags, out) {
    if (args[0] !== 'status' || args.length > 1) {
      throw new ValidationError(
        '2fa',
        'expected: coffer 2fa status | enable | recovery-codes | disable',
      );
    }
    await withSession(flags, async (client) => {
      const s = await client.secondFactor.status();
      if (!s.enabled) {
        out.say(s.pending ? 'Off (an enrolment waits: coffer 2fa enable --code CODE).' : 'Off.');
      } else {
        out.say(`On; ${s.recoveryCodesLeft} recovery codes left.`);
        if (s.recoveryCodesLow) {
          out.say('Make new ones before they run out: coffer 2fa recovery-codes');
        }
        if (s.lockedUntil !== null) {
          out.say(`Locked after wrong codes until ${new Date(s.lockedUntil).toISOString()}.`);
        }
      }
      out.result(s);
    });
  },
});

export const secondFactorCommands: CommandGroup = {
  title: 'Second factor',
  help: [
    [
      '2fa enable',
      'turn on a second factor: scan the QR code, type a code and your password; prints 10 recovery codes once',
    ],
    [
      '2fa recovery-codes',
      'replace the recovery codes left with 10 new ones, shown once: a code (--code, $COFFER_TOTP or a prompt) and your password',
    ],
    ['2fa disable', 'turn it off (--code, $COFFER_TOTP or a prompt)'],
    ['2fa status', 'whether it is on, and the recovery codes left'],
  ],
  commands: [enable, recoveryCodes, disable, status],
};
