import { ValidationError } from '@coffer/errors';
import type { Out } from './output.ts';

/** A flag, as node:util parseArgs reads it, and what `--help` says about it. */
export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** May be given more than once; the value is then a list. */
  readonly multiple?: boolean;
  /** What a string flag's value stands for in help: DIR, N, URL. */
  readonly value?: string;
  readonly help: string;
}

export type FlagTable = Readonly<Record<string, FlagSpec>>;

type FlagValue<S extends FlagSpec> = S['type'] extends 'boolean'
  ? boolean
  : S extends { multiple: true }
    ? string[]
    : string;

/** The flags given on a command line, by name, as the table says. */
export type Flags<T extends FlagTable> = { [K in keyof T]?: FlagValue<T[K]> };

/** Flags several commands take, described once: the Options of `coffer --help`. */
export const commonFlags = {
  hub: {
    type: 'string',
    value: 'URL',
    help: "the hub (default: $COFFER_HUB, then the logged-in session's hub)",
  },
  'password-file': {
    type: 'string',
    value: 'F',
    help: 'read the password from a file (else $COFFER_PASSWORD, else a prompt)',
  },
  json: { type: 'boolean', help: 'machine-readable output on stdout' },
  help: { type: 'boolean', short: 'h', help: 'this help' },
  version: { type: 'boolean', help: 'the version of coffer' },
} as const satisfies FlagTable;

/** Flags every command takes besides its own. */
export const everyCommandFlags = { json: commonFlags.json, help: commonFlags.help } as const;

export interface Command<T extends FlagTable = FlagTable> {
  /** One word, or two for a subcommand with flags of its own ("host exit"). */
  readonly name: string;
  readonly flags: T;
  /** `args` are the words after the command's name. */
  run(args: string[], flags: Flags<T & typeof everyCommandFlags>, out: Out): Promise<void>;
}

/** Declares a command; its flags' types come from its table. */
export const command = <const T extends FlagTable>(c: Command<T>): Command<T> => c;

/** A line of help: what to type, and what it does. A "\n" in either starts another line. */
export type HelpLine = readonly [usage: string, about?: string];

/** A file under commands/: its section of `coffer --help`, and the commands it describes. */
export interface CommandGroup {
  readonly title: string;
  readonly help: readonly HelpLine[];
  readonly commands: readonly Command[];
}

/** The argument at `index`, which the command needs. */
export function need(args: string[], index: number, name: string): string {
  const v = args[index];
  if (v === undefined) throw new ValidationError(name, 'missing; see coffer --help');
  return v;
}

/** Refuses arguments beyond the first `max`. */
export function noMore(args: string[], max: number) {
  if (args.length > max)
    throw new ValidationError('arguments', `unexpected "${args[max]}"; see coffer --help`);
}
