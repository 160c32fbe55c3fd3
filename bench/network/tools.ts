// The three clients under test, each behind the same small interface: upload a workload, download
// it again, free the disk space it took.
import { execFileSync } from 'node:child_process';
import { type Dirent, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
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

/** One upload-and-download of a workload; `tag` names everything it stores ("big", "big-2"). */
export interface Attempt {
  readonly w: Workload;
  readonly tag: string;
}

export function attempt(w: Workload, n: number): Attempt {
  return { w, tag: n === 1 ? w.id : `${w.id}-${n}` };
}

export interface Tool {
  readonly name: ToolName;
  readonly version: string;
  upload(a: Attempt): Promise<Step>;
  download(a: Attempt): Promise<Download>;
  /** Frees the disk space an attempt took: the stored copy where possible, the download. */
  discard(a: Attempt): Promise<void>;
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
  const rcloneCmd = (...args: string[]): Command => ({ file: 'rclone', args, env });
  const version = firstLine(await run(rcloneCmd('version')));
  const obscured = (await run(rcloneCmd('obscure', PASSWORD))).trim();
  await writeFile(
    env.RCLONE_CONFIG,
    `[store]\ntype = local\n\n[crypt]\ntype = crypt\nremote = store:${remote}\npassword = ${obscured}\n`,
  );
  const out = (a: Attempt) => join(dir, `out-${a.tag}`);
  return {
    name: 'rclone crypt',
    version,
    upload: async (a) => timedOnly(await measure(rcloneCmd('copy', a.w.dir, `crypt:${a.tag}`))),
    download: async (a) => ({
      ...timedOnly(await measure(rcloneCmd('copy', `crypt:${a.tag}`, out(a)))),
      got: out(a),
      want: a.w.dir,
    }),
    discard: async (a) => {
      await rm(out(a), { recursive: true, force: true });
      await run(rcloneCmd('purge', `crypt:${a.tag}`)); // the stored copy has an encrypted name
    },
    close: async () => {},
  };
}

// ---------------------------------------------------------------------------------------------
// restic: a repository per attempt (so `latest` is that attempt's snapshot), default settings.

export async function restic(work: string): Promise<Tool> {
  const dir = join(work, 'restic');
  await mkdir(dir, { recursive: true });
  const env = (a: Attempt) => ({
    RESTIC_PASSWORD: PASSWORD,
    RESTIC_REPOSITORY: join(dir, `repo-${a.tag}`),
    RESTIC_CACHE_DIR: join(dir, 'cache'),
  });
  const version = firstLine(await run({ file: 'restic', args: ['version'] }));
  const out = (a: Attempt) => join(dir, `out-${a.tag}`);
  return {
    name: 'restic',
    version,
    upload: async (a) => {
      await run({ file: 'restic', args: ['init'], env: env(a) });
      // Backing up "." from inside the workload makes `restore` recreate it at the target's root.
      return timedOnly(
        await measure({ file: 'restic', args: ['backup', '.'], env: env(a), cwd: a.w.dir }),
      );
    },
    download: async (a) => ({
      ...timedOnly(
        await measure({
          file: 'restic',
          args: ['restore', 'latest', '--target', out(a)],
          env: env(a),
        }),
      ),
      got: out(a),
      want: a.w.dir,
    }),
    discard: async (a) => {
      await rm(out(a), { recursive: true, force: true });
      await rm(env(a).RESTIC_REPOSITORY, { recursive: true, force: true });
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

/** How to start a bin: under this Node if it is JavaScript, else as an executable. */
function binCommand(bin: string): readonly string[] {
  const shebang = readFileSync(bin, 'utf8').split('\n', 1)[0] ?? '';
  const javascript =
    /\.[cm]?js$/.test(bin) || (shebang.startsWith('#!') && shebang.includes('node'));
  return javascript ? [process.execPath, bin] : [bin];
}

const CLI: readonly string[] = CLI_OVERRIDE
  ? [process.execPath, '--import', 'tsx', CLI_OVERRIDE]
  : CLI_BIN
    ? binCommand(CLI_BIN)
    : [process.execPath, '--import', 'tsx', CLI_MAIN];

/** The one place that says how the coffer CLI is run. */
export function coffer(args: readonly string[], env: Readonly<Record<string, string>>): Command {
  const [file = process.execPath, ...rest] = CLI;
  return { file, args: [...rest, ...args], env, cwd: REPO }; // REPO: where `tsx` resolves
}

/** Why Coffer cannot be measured, or null if its CLI is there. */
export function cofferMissing(): string | null {
  const entry = CLI_OVERRIDE ?? CLI_BIN ?? CLI_MAIN;
  return existsSync(entry) ? null : `${relative(REPO, entry)} does not exist yet`;
}

/** Newest modification time of any file under packages/<name>/src. */
function newestSource(): number {
  let newest = 0;
  const stack = readdirSync(join(REPO, 'packages')).map((p) => join(REPO, 'packages', p, 'src'));
  for (let dir = stack.pop(); dir !== undefined; dir = stack.pop()) {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const path = join(dir, e.name);
      if (e.isDirectory()) stack.push(path);
      else newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

/**
 * Which code the CLI's bin will run: bin/coffer.mjs runs the bundle (packages/cli/dist, built
 * on `npm install`) only while it is at least as new as every source file, and otherwise the
 * sources through tsx, which start slower and take more memory.
 */
export function cofferBuild(): string {
  if (CLI_OVERRIDE) return `${CLI_OVERRIDE} through tsx`;
  if (!CLI_BIN?.endsWith('coffer.mjs')) return relative(REPO, CLI_BIN ?? CLI_MAIN);
  const bundle = join(REPO, 'packages/cli/dist/coffer.mjs');
  const fresh =
    process.env.COFFER_FROM_SOURCE !== '1' &&
    existsSync(bundle) &&
    statSync(bundle).mtimeMs >= newestSource();
  return fresh
    ? 'the bundle, packages/cli/dist/coffer.mjs'
    : 'the sources through tsx (the bundle is missing or older than the sources; ' +
        '`node scripts/build-cli.mjs` rebuilds it)';
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
  const remote = (a: Attempt) => `/bench/${a.tag}`;
  const out = (a: Attempt) => join(dir, `out-${a.tag}`);
  return {
    name: 'coffer',
    version: `${cofferVersion()}, running ${cofferBuild()}`,
    upload: async (a) => {
      const measurement = await measure(coffer(['put', a.w.root, remote(a), '--json'], env));
      return { measurement, networkBytes: numberField(lastJson(measurement.stdout), 'bytesSent') };
    },
    download: async (a) => {
      const measurement = await measure(coffer(['get', remote(a), out(a), '--json'], env));
      let got = out(a);
      // Accept either reading of "get a folder to LOCAL": its contents in LOCAL, or LOCAL/<name>.
      if (a.w.root === a.w.dir) {
        const entries = await readdir(got).catch(() => []);
        const name = basename(remote(a));
        if (entries.length === 1 && entries[0] === name) got = join(got, name);
      }
      const networkBytes = numberField(lastJson(measurement.stdout), 'bytesReceived');
      return { measurement, networkBytes, got, want: a.w.root };
    },
    // The stored copy stays: the contract has no delete. Each attempt uploads to a new path.
    discard: async (a) => {
      await rm(out(a), { recursive: true, force: true });
    },
    close: () => net.stop(),
  };
}
