import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { everyCommandFlags, type FlagSpec } from '../src/command.ts';
import { findCommand, parseCommandLine, readCommandLine } from '../src/command-line.ts';
import { groups } from '../src/commands/index.ts';

const commands = groups.flatMap((g) => g.commands);

/** The command a line names, with its arguments and flags. */
function parse(argv: string[]) {
  const { command } = readCommandLine(commands, argv);
  assert.ok(command, `no command in ${argv.join(' ')}`);
  const { args, flags } = parseCommandLine(command, argv);
  return { name: command.name, args, flags: { ...flags } };
}

describe('finding the command', () => {
  test('flags may come before, between or after the words', () => {
    const line = readCommandLine(commands, ['--json', 'get', '--revision', '2', '/a', './a']);
    assert.equal(line.command?.name, 'get');
    assert.equal(line.json, true);
    assert.deepEqual(line.words, ['get', '/a', './a']);
  });

  test('a flag value is not taken for the command, whichever command the flag belongs to', () => {
    assert.equal(readCommandLine(commands, ['--hub', 'ls', 'whoami']).command?.name, 'whoami');
    assert.equal(readCommandLine(commands, ['--data', 'hub', 'up']).command?.name, 'up');
  });

  test('a subcommand with flags of its own is found by its two words', () => {
    assert.equal(findCommand(commands, ['host', 'exit'])?.name, 'host exit');
    assert.equal(findCommand(commands, ['host', 'claim'])?.name, 'host claim');
    assert.equal(findCommand(commands, ['host'])?.name, 'host');
    assert.equal(findCommand(commands, ['links', 'revoke', 'x'])?.name, 'links');
    assert.equal(findCommand(commands, ['nope']), undefined);
  });

  test('--help, --version and --json are seen without a command', () => {
    assert.deepEqual(readCommandLine(commands, ['--version']), {
      words: [],
      command: undefined,
      help: false,
      version: true,
      json: false,
    });
    assert.equal(readCommandLine(commands, ['-h']).help, true);
    assert.equal(readCommandLine(commands, ['ls', '--help']).help, true);
  });
});

describe('parsing a command line', () => {
  test('arguments are the words after the command name; flags are typed by the table', () => {
    assert.deepEqual(parse(['ls', '-l', '/photos']), {
      name: 'ls',
      args: ['/photos'],
      flags: { long: true },
    });
    assert.deepEqual(parse(['host', 'exit', '--hub', 'http://h', '--data', 'd', '--wait']), {
      name: 'host exit',
      args: [],
      flags: { hub: 'http://h', data: 'd', wait: true },
    });
    assert.deepEqual(parse(['policy', '/p', '--require', 'a=1', '--require=b=2']).flags, {
      require: ['a=1', 'b=2'],
    });
    assert.deepEqual(parse(['mkdir', '-p', '/a/b', '--json']).flags, {
      parents: true,
      json: true,
    });
  });

  test('an unknown flag is refused, naming the command and the flag', () => {
    assert.throws(() => parse(['ls', '--revision', '3']), {
      name: 'ValidationError',
      field: 'ls',
      message: 'ls: unknown option --revision; see coffer ls --help',
    });
    assert.throws(() => parse(['mkdir', '-px', '/a']), { message: /^mkdir: unknown option -x;/ });
    assert.throws(() => parse(['host', 'claim', '--country', 'FR']), {
      message: /^host claim: unknown option --country;/,
    });
    assert.throws(() => parse(['drop', 'http://h/r/x', 'f', '--hub', 'http://h']), {
      message: /^drop: unknown option --hub;/,
    });
  });

  test('a flag without its value, or a switch given one, is refused naming the command', () => {
    assert.throws(() => parse(['ls', '--hub']), {
      name: 'ValidationError',
      message: /^ls: Option '--hub <value>' argument missing/,
    });
    assert.throws(() => parse(['ls', '--json=yes']), { message: /^ls: .*--json/ });
  });

  for (const c of commands) {
    test(`${c.name}: takes --json and --help, and refuses a flag no command has`, () => {
      const words = c.name.split(' ');
      assert.deepEqual(
        { ...parseCommandLine(c, [...words, '--json', '-h']).flags },
        {
          json: true,
          help: true,
        },
      );
      assert.throws(() => parseCommandLine(c, [...words, '--bogus']), {
        name: 'ValidationError',
        message: `${c.name}: unknown option --bogus; see coffer ${c.name} --help`,
      });
    });
  }
});

test('a flag means the same in every command: one type, one short letter', () => {
  const seen = new Map<string, FlagSpec>();
  const shorts = new Map<string, string>();
  for (const c of commands) {
    const flags: Record<string, FlagSpec> = { ...c.flags, ...everyCommandFlags };
    for (const [name, f] of Object.entries(flags)) {
      const same = seen.get(name) ?? f;
      assert.deepEqual(
        [f.type, f.short, f.multiple],
        [same.type, same.short, same.multiple],
        `--${name} in ${c.name}`,
      );
      seen.set(name, f);
      if (f.short) {
        assert.equal(shorts.get(f.short) ?? name, name, `-${f.short} in ${c.name}`);
        shorts.set(f.short, name);
      }
    }
  }
});
