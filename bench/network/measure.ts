// Running child processes: timed runs under GNU time (wall clock, CPU time, peak RSS), plain runs
// for setup steps, and long-running background processes (the local Coffer network).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Command {
  readonly file: string;
  readonly args: readonly string[];
  /** Added to (and overriding) the harness's own environment. */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
}

export interface Measurement {
  readonly seconds: number;
  /** User plus system CPU time of the process and its children; null without GNU time. */
  readonly cpuSeconds: number | null;
  /** Peak resident set size of the process (or of its largest child, if larger); null without
   * GNU time. */
  readonly peakRssBytes: number | null;
  /** CPU time every process on the machine used meanwhile (Linux /proc/stat), else null. */
  readonly machineCpuSeconds: number | null;
  readonly stdout: string;
}

const GNU_TIME = '/usr/bin/time';
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_S ?? 3600) * 1000;
/** How much of a command's output is kept: all of a JSON summary, the end of a long log. */
const KEEP_OUTPUT = 1 << 20;

/** Every running child's process group, so that an interrupted run leaves nothing behind. */
const running = new Set<ChildProcess>();
let stopping = false;

/** Kills every running child with its children, refuses to start more, and waits for them. */
export async function stopAll(): Promise<void> {
  stopping = true;
  const exits = [...running].map(
    (child) => new Promise<void>((resolve) => child.once('exit', () => resolve())),
  );
  for (const child of running) signalGroup(child, 'SIGKILL');
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(exits),
    new Promise((resolve) => (timer = setTimeout(resolve, 5000))),
  ]);
  clearTimeout(timer);
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    // Children run in their own process group (detached), so this reaches their children too,
    // even those that outlived it (the hosts of a `coffer up` that crashed).
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

const gnuTime = (() => {
  try {
    const version = execFileSync(GNU_TIME, ['--version'], { encoding: 'utf8', stdio: 'pipe' });
    return version.includes('GNU');
  } catch {
    return false;
  }
})();

export const hasGnuTime = () => gnuTime;

export function describe(cmd: Command): string {
  return [cmd.file, ...cmd.args].join(' ');
}

function start(cmd: Command): ChildProcess {
  if (stopping) throw new Error('interrupted');
  const child = spawn(cmd.file, cmd.args, {
    cwd: cmd.cwd ?? process.cwd(),
    env: { ...process.env, ...cmd.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  child.once('error', () => running.delete(child));
  return child;
}

function tail(text: string, max: number): string {
  return text.length > max ? text.slice(-max) : text;
}

/** Runs `cmd` to completion; resolves with its stdout, rejects on failure or timeout. */
async function complete(cmd: Command, shown: Command = cmd): Promise<string> {
  const child = start(cmd);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => {
    stdout = tail(stdout + s, KEEP_OUTPUT);
  });
  child.stderr?.setEncoding('utf8').on('data', (s: string) => {
    stderr = tail(stderr + s, 4096);
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    signalGroup(child, 'SIGKILL');
  }, TIMEOUT_MS);
  try {
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(
      (resolve, reject) => {
        child.once('error', reject);
        child.once('close', (c, s) => resolve([c, s]));
      },
    );
    if (code !== 0) {
      const why = timedOut
        ? `timed out after ${TIMEOUT_MS / 1000} s (BENCH_TIMEOUT_S)`
        : signal
          ? `killed by ${signal}`
          : `exit code ${code}`;
      throw new Error(`${describe(shown)}: ${why}\n${tail(stderr || stdout, 2000).trim()}`);
    }
    return stdout;
  } finally {
    clearTimeout(timer);
  }
}

/** Runs a setup command (not timed). */
export function run(cmd: Command): Promise<string> {
  return complete(cmd);
}

let statsSeq = 0;

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds the whole machine has spent busy since boot (not idle, iowait or steal). */
async function machineBusy(): Promise<number | null> {
  try {
    const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0] ?? '';
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0] = line
      .split(/\s+/)
      .slice(1)
      .map(Number);
    return (user + nice + system + irq + softirq) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

const finite = (n: number | undefined): n is number => n !== undefined && Number.isFinite(n);

/**
 * Runs `cmd` under GNU time and returns its wall-clock time, CPU time and peak RSS. Dirty pages
 * left by earlier steps are flushed first (`sync`, not timed), so no step pays for another's
 * writeback.
 */
export async function measure(cmd: Command): Promise<Measurement> {
  await complete({ file: 'sync', args: [] });
  const busy = await machineBusy();
  const machineCpuSeconds = async () => {
    const now = await machineBusy();
    return now === null || busy === null ? null : now - busy;
  };
  if (!gnuTime) {
    const t = performance.now();
    const stdout = await complete(cmd);
    const seconds = (performance.now() - t) / 1000;
    return {
      seconds,
      cpuSeconds: null,
      peakRssBytes: null,
      machineCpuSeconds: await machineCpuSeconds(),
      stdout,
    };
  }
  const stats = join(tmpdir(), `coffer-bench-time-${process.pid}-${statsSeq++}`);
  try {
    // Peak RSS in KiB, user and system CPU seconds, on the last line of `stats`.
    const args = ['-o', stats, '-f', '%M %U %S', cmd.file, ...cmd.args];
    const t = performance.now();
    const stdout = await complete({ ...cmd, file: GNU_TIME, args }, cmd);
    const seconds = (performance.now() - t) / 1000;
    const machine = await machineCpuSeconds();
    const last = (await readFile(stats, 'utf8')).trim().split('\n').at(-1) ?? '';
    const [kib, user, system] = last.split(' ').map(Number);
    return {
      seconds,
      cpuSeconds: finite(user) && finite(system) ? user + system : null,
      peakRssBytes: finite(kib) ? kib * 1024 : null,
      machineCpuSeconds: machine,
      stdout,
    };
  } finally {
    await rm(stats, { force: true });
  }
}

export interface Background {
  /** The first match of `ready` in the process's stdout. */
  readonly ready: RegExpMatchArray;
  /** SIGTERM, then SIGKILL if it has not exited after a grace period. */
  stop(): Promise<void>;
}

/** Starts a long-running process and waits until its stdout matches `ready`. */
export async function background(
  cmd: Command,
  ready: readonly RegExp[],
  timeoutMs: number,
): Promise<Background> {
  const child = start(cmd);
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let stdout = '';
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (s: string) => {
    stderr = tail(stderr + s, 4096);
  });
  const stop = async (): Promise<void> => {
    signalGroup(child, 'SIGTERM');
    const grace = setTimeout(() => signalGroup(child, 'SIGKILL'), 15_000);
    await exited;
    clearTimeout(grace);
  };
  try {
    const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${describe(cmd)}: not ready after ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
      child.stdout?.setEncoding('utf8').on('data', (s: string) => {
        stdout = tail(stdout + s, 64 * 1024);
        for (const re of ready) {
          const m = stdout.match(re);
          if (m) {
            clearTimeout(timer);
            resolve(m);
            return;
          }
        }
      });
      child.once('error', reject);
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${describe(cmd)}: exited (${signal ?? code}) before it was ready`));
      });
    });
    return { ready: match, stop };
  } catch (e) {
    await stop();
    const output = tail(`${stdout}\n${stderr}`.trim(), 2000);
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n${output}`);
  }
}
