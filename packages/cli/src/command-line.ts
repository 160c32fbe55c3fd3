import { parseArgs } from 'node:util';
import { ValidationError } from '@coffer/errors';
import {
  type Command,
  commonFlags,
  everyCommandFlags,
  type Flags,
  type FlagTable,
} from './command.ts';

/** A first look at a command line: which command, and the flags that apply before any. */
export interface CommandLine {
  /** The words that are not flags, the command's name first. */
  words: string[];
  command: Command | undefined;
  help: boolean;
  version: boolean;
  json: boolean;
}

/** The command that `words` name: two words for a subcommand with its own flags, else one. */
export function findCommand(commands: readonly Command[], words: string[]): Command | undefined {
  const two = words.slice(0, 2).join(' ');
  return commands.find((c) => c.name === two) ?? commands.find((c) => c.name === words[0]);
}

/**
 * Finds the command without refusing any flag yet. Flags may come before the command's name
 * (`coffer --json ls`), so this knows every command's flags, lest a flag's value be taken for
 * the name; a flag name has the same type in every command (a test checks it).
 */
export function readCommandLine(commands: readonly Command[], argv: string[]): CommandLine {
  const options: FlagTable = Object.assign({}, commonFlags, ...commands.map((c) => c.flags));
  const { values, positionals } = parseArgs({
    args: argv,
    options,
    strict: false,
    allowPositionals: true,
  });
  return {
    words: positionals,
    command: findCommand(commands, positionals),
    help: values.help === true,
    version: values.version === true,
    json: values.json === true,
  };
}

/**
 * The command's arguments and flags. A flag the command does not take, a flag without its
 * value or a switch given a value is a ValidationError naming the command.
 */
export function parseCommandLine(
  command: Command,
  argv: string[],
): { args: string[]; flags: Flags<FlagTable> } {
  const options: FlagTable = { ...command.flags, ...everyCommandFlags };
  const { tokens } = parseArgs({
    args: argv,
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  for (const t of tokens) {
    if (t.kind === 'option' && !Object.hasOwn(options, t.name)) {
      throw new ValidationError(
        command.name,
        `unknown option ${t.rawName}; see coffer ${command.name} --help`,
      );
    }
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  } catch (e) {
    if (!(e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS')))
      throw e;
    throw new ValidationError(command.name, e.message);
  }
  return {
    args: parsed.positionals.slice(command.name.split(' ').length),
    // parseArgs checked each value against this table.
    flags: parsed.values as Flags<FlagTable>,
  };
}
