import { CofferError, NotFoundError } from '@coffer/errors';
import { findCommand, parseCommandLine, readCommandLine } from './command-line.ts';
import { groups } from './commands/index.ts';
import { commandHelp, mainHelp } from './help.ts';
import { cliVersion } from './install.ts';
import { debugLogging } from './log.ts';
import { EXIT, exitCodeOf, makeOut } from './output.ts';
import { savePins } from './pins.ts';

const commands = groups.flatMap((g) => g.commands);

/** Runs one command line; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const line = readCommandLine(commands, argv);
  const [first] = line.words;
  if (line.version && first === undefined) {
    process.stdout.write(`coffer ${cliVersion()}\n`);
    return EXIT.ok;
  }
  if (line.help || first === undefined || first === 'help') {
    const topic = first === 'help' ? findCommand(commands, line.words.slice(1)) : line.command;
    process.stdout.write(topic ? commandHelp(groups, topic) : mainHelp(groups));
    return first !== undefined || line.help ? EXIT.ok : EXIT.usage;
  }
  const out = makeOut(line.json);
  try {
    if (!line.command)
      throw new NotFoundError(`command: unknown command "${first}"; see coffer --help`);
    const { args, flags } = parseCommandLine(line.command, argv);
    await line.command.run(args, flags, out);
    await savePins();
    return EXIT.ok;
  } catch (e) {
    // What was verified before the failure stays pinned; if it cannot be, say so.
    await savePins().catch((p: Error) =>
      process.stderr.write(`coffer: the freshness pins could not be saved: ${p.message}\n`),
    );
    out.clearStatus();
    const code = exitCodeOf(e);
    const message = e instanceof CofferError ? e.message : ((e as Error)?.message ?? String(e));
    if (out.json) {
      // The technical part of an error (a schema path, the ids involved) is for machines.
      const detail = e instanceof CofferError ? e.detail : undefined;
      const code = e instanceof CofferError ? e.code : 'internal';
      process.stdout.write(
        `${JSON.stringify({ error: { code, message, ...(detail ? { detail } : {}) } })}\n`,
      );
    }
    process.stderr.write(`coffer: ${message}\n`);
    if (!(e instanceof CofferError) && debugLogging())
      process.stderr.write(`${(e as Error)?.stack}\n`);
    return code;
  }
}
