// Helpers of `npm run bench:sync`: clean-up that runs on failure and on Ctrl-C, memory and CPU of
// a process from /proc, waiting with a clock, and comparing two trees byte for byte.
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { sameFile } from '@coffer/tests/files';
import type { Command } from '../network/measure.ts';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Cleanup {
  add(f: () => Promise<unknown>): void;
  /** Runs every clean-up step, newest first, then removes the work folder. */
  run(): Promise<void>;
}

/** Clean-up steps that also run when the benchmark is interrupted (SIGINT, SIGTERM). */
export function after(work: string): Cleanup {
  const steps: (() => Promise<unknown>)[] = [];
  let done: Promise<void> | null = null;
  const run = () => {
    done ??= (async () => {
      for (const step of steps.reverse()) {
        try {
          await step();
        } catch (e) {
          console.error(`clean-up: ${(e as Error).message}`);
        }
      }
      await rm(work, { recursive: true, force: true });
    })();
    return done;
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`${signal}: cleaning up`);
      void run().finally(() => process.exit(130));
    });
  }
  return { add: (f) => steps.push(f), run };
}

/** Nearest-rank percentile. */
export function percentile(xs: readonly number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/**
 * Calls `check` every `everyMs` until it is true (a throw is "not yet"); returns the ms since
 * `t0` (a performance.now() reading) when it was.
 */
export async function timeUntil(
  t0: number,
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  everyMs = 20,
): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return performance.now() - t0;
    } catch {
      // Not yet.
    }
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s`);
    await sleep(everyMs);
  }
}

export interface Mem {
  /** VmHWM, the peak resident set, of the process (MB = 10^6 bytes). */
  hwmMB: number;
  rssMB: number;
  /** CPU seconds (user + system). */
  cpuS: number;
  /** Peak resident set of its child processes, if it had any. */
  childrenMB: number;
  text(): string;
}

function statusKB(pid: number, field: string): number {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(text)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** CPU seconds (user + system) `pid` has used so far; 0 once it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** Child processes of `pid`, whichever of its threads started them. */
export function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8')
        .split(' ')
        .filter(Boolean)
        .map(Number),
    );
  } catch {
    return [];
  }
}

export interface Sampler {
  now(): Mem;
  stop(): Mem;
}

/**
 * Reads a process's memory and CPU from /proc every 100 ms (a process that exits takes its
 * figures with it, so the last reading stands).
 */
export function sample(pid: number): Sampler {
  let last: Mem = mem(0, 0, 0, 0);
  const children = new Map<number, number>();
  const read = () => {
    const hwm = statusKB(pid, 'VmHWM');
    if (hwm === 0) return; // gone
    for (const c of childrenOf(pid)) {
      children.set(c, Math.max(children.get(c) ?? 0, statusKB(c, 'VmHWM')));
    }
    const kids = [...children.values()].reduce((s, k) => s + k, 0);
    last = mem(hwm, statusKB(pid, 'VmRSS'), cpuSeconds(pid), kids);
  };
  read();
  const timer = setInterval(read, 100);
  return {
    now: () => {
      read();
      return last;
    },
    stop: () => {
      read();
      clearInterval(timer);
      return last;
    },
  };
}

function mem(hwmKB: number, rssKB: number, cpuS: number, childrenKB: number): Mem {
  const mb = (kb: number) => (kb * 1024) / 1e6;
  return {
    hwmMB: mb(hwmKB),
    rssMB: mb(rssKB),
    cpuS,
    childrenMB: mb(childrenKB),
    text: () =>
      `peak RSS ${mb(hwmKB).toFixed(0)} MB, RSS ${mb(rssKB).toFixed(0)} MB, ` +
      `${cpuS.toFixed(1)} CPU s${childrenKB ? `, children's peak ${mb(childrenKB).toFixed(0)} MB` : ''}`,
  };
}

/** Each tool's own files in a synced folder, left out of comparisons. */
const OWN = new Set(['.coffer', '.stfolder', '.stversions', '.cofferignore']);

async function filesOf(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .filter((p) => !OWN.has(p.split('/')[0] ?? ''))
    .sort();
}

/** Throws unless `b` holds exactly `a`'s files with the same bytes. */
export async function sameTree(a: string, b: string): Promise<void> {
  const [fa, fb] = [await filesOf(a), await filesOf(b)];
  if (fa.length !== fb.length || fa.some((p, i) => p !== fb[i])) {
    throw new Error(`${b} holds ${fb.length} files, ${a} ${fa.length}`);
  }
  for (const p of fa) {
    const [x, y] = [join(a, p), join(b, p)];
    const same =
      fa.length > 100 ? (await readFile(x)).equals(await readFile(y)) : await sameFile(x, y);
    if (!same) throw new Error(`${p} differs`);
  }
}

/** A command of bench/network/tools.ts's `coffer()`, started with extra flags for node. */
export function startNode(
  nodeFlags: string[],
  c: Command,
): {
  child: ChildProcess;
  stdout(): string;
  done: Promise<{ code: number; stdout: string; stderr: string }>;
} {
  if (c.file !== process.execPath) throw new Error(`${c.file} is not node: no ${nodeFlags}`);
  const child = spawn(c.file, [...nodeFlags, ...c.args], {
    env: { ...process.env, ...c.env },
    cwd: c.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    stdout += d;
  });
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const done = new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
  return { child, stdout: () => stdout, done };
}
