import {
  type Command,
  type CommandGroup,
  commonFlags,
  everyCommandFlags,
  type FlagTable,
  type HelpLine,
} from './command.ts';

const INTRO = `coffer — end-to-end encrypted storage on a network of independent hosts

Usage: coffer <command> [options]   (coffer <command> --help: that command's options)
`;

const ENVIRONMENT =
  'Environment: COFFER_HUB, COFFER_PASSWORD, COFFER_CONFIG_DIR, COFFER_ADMIN_TOKEN,\n  COFFER_RECOVERY_KEY, COFFER_LOG=debug (log each retried call on stderr)';

const EXIT_CODES = `Exit codes: 0 ok, 1 internal error, 2 bad input, 3 not logged in / wrong password / not allowed,
  4 not found, 5 conflict, 6 integrity (tampering detected), 7 cannot reach hub or hosts,
  8 no space, 9 rate-limited, 130 interrupted`;

const EXAMPLES = `Examples
  coffer up --data ./coffer-data            # a whole network on this machine
  export COFFER_HUB=http://127.0.0.1:4000
  coffer signup alice@example.com
  coffer put ./photos /photos               # a folder, with a progress bar
  coffer ls -l /photos
  coffer get /photos/cat.jpg ./cat.jpg
  coffer mv /photos/cat.jpg /pets/cat.jpg
  coffer rm /pets/cat.jpg && coffer restore cat.jpg
  COFFER_PASSWORD=... coffer login alice@example.com --json
  coffer admin placement /photos/cat.jpg --json --token-file ./coffer-data/operator-token
`;

/** Where what a line does starts: on the usage's line if it fits, else on the next. */
const COLUMN = 20;

function format([usage, about]: HelpLine): string {
  const lines = usage.split('\n').map((l) => `  ${l}`);
  if (about === undefined) return lines.join('\n');
  const [first, ...rest] = about.split('\n');
  if (lines.length === 1 && usage.length < COLUMN) lines[0] = `  ${usage.padEnd(COLUMN)}${first}`;
  else lines.push(`${' '.repeat(COLUMN + 2)}${first}`);
  for (const l of rest) lines.push(`${' '.repeat(COLUMN + 2)}${l}`);
  return lines.join('\n');
}

function flagLines(flags: FlagTable): string {
  return Object.entries(flags)
    .map(([name, f]) => {
      const usage = `${f.short ? `-${f.short}, ` : ''}--${name}${f.value ? ` ${f.value}` : ''}`;
      return format([usage, f.help]);
    })
    .join('\n');
}

/** `coffer --help`: every group's section, the common options, exit codes and examples. */
export function mainHelp(groups: readonly CommandGroup[]): string {
  const sections = groups.map((g) => `${g.title}\n${g.help.map(format).join('\n')}\n`);
  return [
    INTRO,
    ...sections,
    `Options\n${flagLines(commonFlags)}\n`,
    `${ENVIRONMENT}\n`,
    `${EXIT_CODES}\n`,
    EXAMPLES,
  ].join('\n');
}

/** `coffer <command> --help`: the help lines about that command, and every flag it takes. */
export function commandHelp(groups: readonly CommandGroup[], command: Command): string {
  const word = command.name.split(' ')[0];
  const lines = groups.flatMap((g) => g.help.filter(([usage]) => usage.split(' ')[0] === word));
  const group = groups.find((g) => g.commands.includes(command));
  return [
    `coffer ${command.name}${group ? ` — ${group.title}` : ''}\n`,
    `${lines.map(format).join('\n')}\n`,
    `Options\n${flagLines({ ...command.flags, ...everyCommandFlags })}\n`,
    'More: coffer --help (every command, the environment, exit codes and examples)\n',
  ].join('\n');
}
