import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commonFlags } from '../src/command.ts';
import { findCommand } from '../src/command-line.ts';
import { groups } from '../src/commands/index.ts';
import { commandHelp, mainHelp } from '../src/help.ts';

const commands = groups.flatMap((g) => g.commands);
const help = mainHelp(groups);

test('coffer --help has every section, every common option, the exit codes and examples', () => {
  for (const g of groups) assert.ok(help.includes(`\n${g.title}\n`), g.title);
  for (const name of Object.keys(commonFlags)) assert.ok(help.includes(`--${name}`), name);
  assert.match(help, /^Exit codes: 0 ok, 1 internal error, 2 bad input/m);
  assert.match(help, /\n {2}8 no space, 9 rate-limited, 130 interrupted\n/);
  assert.match(help, /\nExamples\n {2}coffer up --data \.\/coffer-data/);
});

test('every command has a line of help', () => {
  const usages = groups.flatMap((g) => g.help.map(([usage]) => usage));
  for (const c of commands) {
    assert.ok(
      usages.some((u) => u === c.name || u.startsWith(`${c.name} `)),
      `no help line for ${c.name}`,
    );
  }
});

test('every flag a help line mentions is one its command takes', () => {
  for (const [usage, about = ''] of groups.flatMap((g) => g.help)) {
    const c = findCommand(commands, usage.split(' '));
    assert.ok(c, `no command for "${usage}"`);
    const shorts = Object.values(c.flags).map((f) => f.short);
    for (const [flag] of `${usage} ${about}`.matchAll(/(?<![\w-])--?[a-z][a-z-]*/g)) {
      const known = flag.startsWith('--') ? flag.slice(2) in c.flags : shorts.includes(flag[1]);
      assert.ok(known, `"${usage}" mentions ${flag}, which ${c.name} does not take`);
    }
  }
});

test('coffer COMMAND --help lists every flag of that command', () => {
  for (const c of commands) {
    const text = commandHelp(groups, c);
    for (const name of Object.keys(c.flags)) assert.ok(text.includes(`--${name}`), `${c.name}`);
    assert.ok(text.includes('--json') && text.includes('-h, --help'), c.name);
  }
});

test('a short usage and what it does share a line; a longer one goes above it', () => {
  const mkdir = commands.find((c) => c.name === 'mkdir');
  assert.ok(mkdir);
  assert.equal(
    commandHelp(groups, mkdir),
    `coffer mkdir — Files (PATH may be shared:NAME/... for a folder shared with you; see coffer shares)

  mkdir PATH [-p]     create a folder (-p: and its parents)

Options
  -p, --parents       and its parents, as needed
  --hub URL           the hub (default: $COFFER_HUB, then the logged-in session's hub)
  --json              machine-readable output on stdout
  -h, --help          this help

More: coffer --help (every command, the environment, exit codes and examples)
`,
  );
  assert.match(
    help,
    /\n {2}requests collect \[ID\]\n {22}take the files visitors sent into the requests' folders\n/,
  );
  assert.match(
    help,
    /\n {2}host --hub URL .*\n {7}\[--public-url URL\] .*\n {22}serve chunks; .*\n {22}\(10MB\/s/,
  );
});
