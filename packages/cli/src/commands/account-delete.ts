import { ValidationError } from '@coffer/errors';
import { askLine } from '../ask.ts';
import { session } from '../client.ts';
import { command, commonFlags, noMore } from '../command.ts';
import { forgetSession, password } from '../config.ts';
import { codeFlag, withSecondFactor } from '../second-factor.ts';

// `coffer account delete` ([Note: Account deletion] in the hub's services/account-delete.ts).

export const accountDelete = command({
  name: 'account delete',
  flags: {
    yes: {
      type: 'boolean',
      help: 'do not ask to type the email to confirm (the password is still needed)',
    },
    hub: commonFlags.hub,
    'password-file': commonFlags['password-file'],
    code: codeFlag,
  },
  async run(args, flags, out) {
    noMore(args, 0);
    const client = await session(flags);
    const { email } = client.whoami();
    if (!flags.yes) {
      out.say(
        `This deletes ${email} for good: every file, version, share, link, file request, app and session. It cannot be undone.`,
      );
      const typed = (await askLine(`Type the account's email (${email}) to confirm: `)).trim();
      if (typed.toLowerCase() !== email) {
        throw new ValidationError(
          'email',
          `expected ${email} typed again to confirm; nothing was deleted`,
        );
      }
    }
    const pw = await password(flags, 'Password: ');
    await withSecondFactor(flags, (code) => client.deleteAccount(pw, email, code));
    await forgetSession();
    out.say(`Account ${email} deleted; you are logged out.`);
    out.result({ deleted: true, email });
  },
});
