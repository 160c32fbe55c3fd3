// The three clients under test, each behind the same small interface: upload a workload, download
// it again, free the disk space it took.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { background, type Command, type Measurement, measure, run } from './measure.ts';
import type { Workload } from './workloads.ts';

export type ToolName = 'rclone crypt' | 'restic' | 'coffer';

export interface Step {
  readonly measurement: Measurement;
  /** Bytes the client sent (upload) or received (download) over the network, if it says. */
  readonly networkBytes: number | null;
}

export interface Download extends Step {
  /** The downloaded file or tree (`got`) and the source it must equal byte for byte (`want`). */
  readonly got: string;
  readonly want: string;
}

export interface Tool {
  readonly name: ToolName;
  readonly version: string;
  upload(w: Workload): Promise<Step>;
  download(w: Workload): Promise<Download>;
  /** Frees the disk space the workload took: the stored copy where possible, the download. */
  discard(w: Workload): Promise<void>;
  close(): Promise<void>;
}

const PASSWORD = 'coffer-bench correct horse battery staple';

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

const timedOnly = (measurement: Measurement): Step => ({ measurement, networkBytes: null });

// ---------------------------------------------------------------------------------------------
// rclone: a `crypt` remote over a `local` remote, default settings.

export async function rclone(work: string): Promise<Tool> {
  const dir = join(work, 'rclone');
  const remote = join(dir, 'remote');
  await mkdir(remote, { recursive: true });
  const env = { RCLONE_CONFIG: join(dir, 'rclone.conf') };
  const version = firstLine(await run({ file: 'rclone', args: ['version'], env }));
  const obscured = (await run({ file: 'rclone', args: ['obscure', PASSWORD], env })).trim();
  await writeFile(
    env.RCLONE_CONFIG,
    `[store]\ntype = local\n\n[crypt]\ntype = crypt\nremote = store:${remote}\npassword = ${obscured}\n`,
  );
  const out = (w: Workload) => join(dir, `out-${w.id}`);
  const rcloneCmd = (...args: string[]): Command => ({ file: 'rclone', args, env });
  return {
    name: 'rclone crypt',
    version,
    upload: async (w) => timedOnly(await measure(rcloneCmd('copy', w.dir, `crypt:${w.id}`))),
    download: async (w) => ({
      ...timedOnly(await measure(rcloneCmd('copy', `crypt:${w.id}`, out(w)))),
      got: out(w),
      want: w.dir,
    }),
    discard: async (w) => {
      await rm(out(w), { recursive: true, force: true });
      // The remote holds one workload at a time, under an encrypted name.
      await rm(remote, { recursive: true, force: true });
      await mkdir(remote);
    },
    close: async () => {},
  };
}

// ---------------------------------------------------------------------------------------------
// restic: one repository per workload (so `latest` is that workload's snapshot), default settings.

export async function restic(work: string): Promise<Tool> {
  const dir = join(work, 'restic');
  await mkdir(dir, { recursive: true });
  const env = (w: Workload) => ({
    RESTIC_PASSWORD: PASSWORD,
    RESTIC_REPOSITORY: join(dir, `repo-${w.id}`),
    RESTIC_CACHE_DIR: join(dir, 'cache'),
  });
  const version = firstLine(await run({ file: 'restic', args: ['version'] }));
  const out = (w: Workload) => join(dir, `out-${w.id}`);
  return {
    name: 'restic',
    version,
    upload: async (w) => {
      await run({ file: 'restic', args: ['init'], env: env(w) });
      // Backing up "." from inside the workload makes `restore` recreate it at the target's root.
      return timedOnly(
        await measure({ file: 'restic', args: ['backup', '.'], env: env(w), cwd: w.dir }),
      );
    },
    download: async (w) => ({
      ...timedOnly(
        await measure({
          file: 'restic',
          args: ['restore', 'latest', '--target', out(w)],
          env: env(w),
        }),
      ),
      got: out(w),
      want: w.dir,
    }),
    discard: async (w) => {
      await rm(out(w), { recursive: true, force: true });
      await rm(env(w).RESTIC_REPOSITORY, { recursive: true, force: true });
    },
    close: async () => {},
  };
}

// ---------------------------------------------------------------------------------------------
// Coffer: its CLI against a local network (`coffer up`: hub and three hosts on this machine).

const REPO = fileURLToPath(new URL('../..', import.meta.url));
/** BENCH_COFFER_CLI runs another entry point (a bundle, a stand-in) under `node --import tsx`. */
const CLI_OVERRIDE = process.env.BENCH_COFFER_CLI;
const CLI_MAIN = join(REPO, 'packages/cli/src/main.ts');
/** The package's bin, which calls main.ts's `main()` (main.ts on its own may only export it). */
const CLI_BIN = ['packages/cli/bin/coffer', 'packages/cli/bin/coffer.mjs']
  .map((p) => join(REPO, p))
  .find((p) => existsSync(p));

/** The one place that says how the coffer CLI is run. */
export function coffer(args: readonly string[], env: Readonly<Record<string, string>>): Command {
  const cwd = REPO; // where `tsx` resolves
  if (CLI_OVERRIDE)
    return { file: process.execPath, args: ['--import', 'tsx', CLI_OVERRIDE, ...args], env, cwd };
  if (CLI_BIN) return { file: process.execPath, args: [CLI_BIN, ...args], env, cwd };
  return { file: process.execPath, args: ['--import', 'tsx', CLI_MAIN, ...args], env, cwd };
}

/** Why Coffer cannot be measured, or null if its CLI is there. */
export function cofferMissing(): string | null {
  const entry = CLI_OVERRIDE ?? CLI_BIN ?? CLI_MAIN;
  return existsSync(entry) ? null : `${relative(REPO, entry)} does not exist yet`;
}

function cofferVersion(): string {
  let version = '?';
  try {
    const pkg: unknown = JSON.parse(readFileSync(join(REPO, 'packages/cli/package.json'), 'utf8'));
    if (pkg && typeof pkg === 'object' && 'version' in pkg) version = String(pkg.version);
  } catch {
    // No package.json yet.
  }
  try {
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: REPO, encoding: 'utf8', stdio: 'pipe' }).trim();
    const dirty = git('status', '--porcelain').length > 0 ? ' with uncommitted changes' : '';
    return `coffer cli ${version} (commit ${git('rev-parse', '--short', 'HEAD')}${dirty})`;
  } catch {
    return `coffer cli ${version}`;
  }
}

/** The JSON object a `--json` command prints at the end of its output. */
function lastJson(stdout: string): Record<string, unknown> | null {
  const text = stdout.trim();
  const candidates = [text, ...text.split('\n').reverse(), text.slice(text.lastIndexOf('\n{') + 1)];
  for (const candidate of candidates) {
    if (!candidate.startsWith('{')) continue;
    try {
      const value: unknown = JSON.parse(candidate);
      if (value && typeof value === 'object') return value as Record<string, unknown>;
    } catch {
      // Not this one.
    }
  }
  return null;
}

function numberField(json: Record<string, unknown> | null, key: string): number | null {
  const value = json?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

const HUB_READY = [/Hub:\s+(http\S+)/, /"hub(?:Url)?"\s*:\s*"(http[^"]+)"/i];
const UP_TIMEOUT_MS = 180_000;

export async function startCoffer(work: string): Promise<Tool> {
  const dir = join(work, 'coffer');
  await mkdir(dir, { recursive: true });
  const net = await background(
    coffer(['up', '--data', join(dir, 'net'), '--port', '0', '--hosts', '3', '--json'], {}),
    HUB_READY,
    UP_TIMEOUT_MS,
  );
  const hub = net.ready[1] ?? '';
  const env = {
    COFFER_HUB: hub,
    COFFER_CONFIG_DIR: join(dir, 'config'),
    COFFER_PASSWORD: PASSWORD,
  };
  try {
    await run(coffer(['signup', 'bench@coffer.invalid', '--json'], env));
  } catch (e) {
    await net.stop();
    throw e;
  }
  const remote = (w: Workload) => `/bench/${w.id}`;
  const out = (w: Workload) => join(dir, `out-${w.id}`);
  return {
    name: 'coffer',
    version: `${cofferVersion()}, hub ${hub}`,
    upload: async (w) => {
      const measurement = await measure(coffer(['put', w.root, remote(w), '--json'], env));
      return { measurement, networkBytes: numberField(lastJson(measurement.stdout), 'bytesSent') };
    },
    download: async (w) => {
      const measurement = await measure(coffer(['get', remote(w), out(w), '--json'], env));
      let got = out(w);
      // Accept either reading of "get a folder to LOCAL": its contents in LOCAL, or LOCAL/<name>.
      if (w.root === w.dir) {
        const entries = await readdir(got).catch(() => []);
        const name = basename(remote(w));
        if (entries.length === 1 && entries[0] === name) got = join(got, name);
      }
      const networkBytes = numberField(lastJson(measurement.stdout), 'bytesReceived');
      return { measurement, networkBytes, got, want: w.root };
    },
    discard: async (w) => {
      await rm(out(w), { recursive: true, force: true });
    },
    close: () => net.stop(),
  };
}
