import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { until } from './until.ts';

export const COFFER = fileURLToPath(new URL('../../cli/bin/coffer.mjs', import.meta.url));
export const PG_URL = process.env.COFFER_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

export type Dialect = 'sqlite' | 'postgres';

export async function tempDir(prefix = 'coffer-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

let pgCheck: Promise<boolean> | null = null;
/** Whether PostgreSQL answers at PG_URL. CI always has it; elsewhere tests say they skip. */
export function postgresAvailable(): Promise<boolean> {
  pgCheck ??= (async () => {
    const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
    try {
      await c.connect();
      await c.end();
      return true;
    } catch {
      return false;
    }
  })();
  return pgCheck;
}

export interface Cli {
  code: number;
  stdout: string;
  stderr: string;
  json<T = Record<string, unknown>>(): T;
}

/** `coffer` started as a user would and still running: its output so far, and its end. */
export interface RunningCli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** When it exits: its code and all its output. */
  done: Promise<Cli>;
}

/** Starts the `coffer` CLI as a user would (for a command that keeps running, say). */
export function startCli(
  args: string[],
  env: Record<string, string> = {},
  input?: string,
): RunningCli {
  const child = spawn(process.execPath, [COFFER, ...args], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const done = new Promise<Cli>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code: code ?? -1,
        stdout,
        stderr,
        json() {
          try {
            return JSON.parse(stdout);
          } catch {
            throw new Error(`not JSON (exit ${code}): ${stdout}\n${stderr}`);
          }
        },
      }),
    );
  });
  child.stdin.end(input ?? '');
  return { child, stdout: () => stdout, stderr: () => stderr, done };
}

/** Runs the `coffer` CLI as a user would, and collects its output. */
export function cli(
  args: string[],
  env: Record<string, string> = {},
  input?: string,
): Promise<Cli> {
  return startCli(args, env, input).done;
}

export interface Proc {
  url: string;
  dir: string;
  /** Its stderr, where hubs and hosts log. */
  logFile: string;
  child: ChildProcess;
  /** kill -9. */
  kill(): Promise<void>;
  /** Starts it again with the same data (and, for hosts, identity). */
  restart(): Promise<void>;
}

/** Spawns `coffer <args>` and resolves once a line on stdout matches `ready`. */
export function startProc(
  args: string[],
  ready: RegExp,
  logFile: string,
): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [COFFER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let log = '';
    // Generous: on a loaded machine a process can take a while to load its code.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`coffer ${args[0]} did not start in 120 s:\n${out}\n${log}`));
    }, 120_000);
    child.stdout?.on('data', (d) => {
      out += d;
      const m = out.match(ready);
      if (m) {
        clearTimeout(timer);
        resolve({ child, match: m });
      }
    });
    child.stderr?.on('data', (d) => {
      log += d;
      void writeFile(logFile, log).catch(() => {});
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`coffer ${args[0]} exited (${code}) before it was ready:\n${out}\n${log}`));
    });
  });
}

export function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => {
    child.once('exit', () => r());
    child.kill('SIGKILL');
  });
}

export interface NetworkOptions {
  hosts?: number;
  countries?: string[];
  dialect?: Dialect;
  /**
   * Extra hub config fields (placement policy, timeouts, …). Without a `placement`, the
   * network keeps 2 replicas: its few hosts are what the scenarios are written for, and the
   * hub's own default (3, [Note: Three replicas by default]) would need a host in a fourth
   * country before repair had anywhere to go. `hubDefaults` runs the hub's default instead.
   */
  hubConfig?: Record<string, unknown>;
  /** The hub's own default placement policy, not the tests' 2 replicas (see `hubConfig`). */
  hubDefaults?: boolean;
  /**
   * Wait until the hub's /api/ready says uploads can be placed. Default: when the hosts
   * started meet the tests' policy (auto-approved, in at least two countries, and no
   * placement policy given), and always with `hubDefaults`.
   */
  waitReady?: boolean;
}

export interface Network {
  dir: string;
  hubUrl: string;
  hub: Proc;
  hosts: Proc[];
  operatorToken: string;
  /** Starts one more host (its process is killed with the network). */
  addHost(country: string, extraArgs?: string[]): Promise<Proc>;
  /** What a CLI user in this network has in the environment. */
  env: Record<string, string>;
  /** Hub database connection for scans: the SQLite file, or the PostgreSQL schema. */
  database: { kind: 'sqlite'; files: string[] } | { kind: 'postgres'; url: string; schema: string };
  close(): Promise<void>;
}

/** A hub and hosts, each its own process, on random loopback ports. */
export async function startNetwork(o: NetworkOptions = {}): Promise<Network> {
  const dir = await tempDir();
  const dialect = o.dialect ?? 'sqlite';
  const schema = `t_${Math.random().toString(36).slice(2, 12)}`;
  const database =
    dialect === 'postgres'
      ? { kind: 'postgres' as const, url: PG_URL, schema }
      : { kind: 'sqlite' as const, path: join(dir, 'hub', 'hub.sqlite') };
  const configFile = join(dir, 'hub.json');
  await writeFile(
    configFile,
    JSON.stringify({
      dataDir: join(dir, 'hub'),
      port: 0,
      database,
      heartbeatMs: 500,
      offlineAfterMs: 3000,
      hostApproval: 'auto',
      ...(o.hubDefaults ? {} : { placement: { replicas: 2 } }),
      ...o.hubConfig,
    }),
  );
  let port = 0;
  const hub: Proc = {
    url: '',
    dir: join(dir, 'hub'),
    logFile: join(dir, 'hub.log'),
    child: undefined as unknown as ChildProcess,
    kill: () => killHard(hub.child),
    async restart() {
      // Same port, so hosts and clients find it again.
      const cfg = JSON.parse(await readFile(configFile, 'utf8'));
      await writeFile(configFile, JSON.stringify({ ...cfg, port }));
      const started = await startProc(
        ['hub', '--config', configFile],
        /Hub: (http\S+)/,
        join(dir, 'hub.log'),
      );
      hub.child = started.child;
    },
  };
  const first = await startProc(
    ['hub', '--config', configFile],
    /Hub: (http\S+)/,
    join(dir, 'hub.log'),
  );
  hub.child = first.child;
  hub.url = first.match[1] as string;
  port = Number(new URL(hub.url).port);
  const countries = o.countries ?? ['FR', 'DE', 'ES', 'BR', 'PT', 'NL'];
  let hostCount = 0;
  const startHost = async (country: string, extraArgs: string[] = []): Promise<Proc> => {
    const i = hostCount++;
    const hostDir = join(dir, `host-${i}`);
    const args = [
      'host',
      '--hub',
      hub.url,
      '--country',
      country,
      '--capacity',
      '10GiB',
      '--data',
      hostDir,
      ...extraArgs,
    ];
    const started = await startProc(args, /serving at (http\S+)/, join(dir, `host-${i}.log`));
    const p: Proc = {
      url: started.match[1] as string,
      dir: hostDir,
      logFile: join(dir, `host-${i}.log`),
      child: started.child,
      kill: () => killHard(p.child),
      async restart() {
        const port = new URL(p.url).port;
        const again = await startProc(
          [...args, '--port', port],
          /serving at (http\S+)/,
          join(dir, `host-${i}.log`),
        );
        p.child = again.child;
      },
    };
    return p;
  };
  // A host that fails to start must not leave the hub and the other hosts running: the test
  // process would never exit.
  const started = await Promise.allSettled(
    Array.from({ length: o.hosts ?? 3 }, (_, i) =>
      startHost(countries[i % countries.length] as string),
    ),
  );
  const hosts = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = started.find((r) => r.status === 'rejected');
  if (failed) {
    await Promise.all([...hosts.map((h) => h.kill()), hub.kill()]);
    throw failed.reason;
  }
  const hostCountries = new Set(countries.slice(0, o.hosts ?? 3));
  const waitReady =
    o.waitReady ??
    ((o.hubConfig?.hostApproval ?? 'auto') === 'auto' &&
      o.hubConfig?.placement === undefined &&
      (o.hubDefaults || hostCountries.size >= 2));
  if (waitReady) {
    try {
      await until('the hub to be ready', async () => {
        const res = await fetch(`${hub.url}/api/ready`);
        if (res.status !== 200) throw new Error(await res.text());
        return true;
      });
    } catch (e) {
      await Promise.all([...hosts.map((h) => h.kill()), hub.kill()]);
      throw e;
    }
  }
  const operatorToken = (await readFile(join(dir, 'hub', 'operator-token'), 'utf8')).trim();
  return {
    dir,
    hubUrl: hub.url,
    hub,
    hosts,
    operatorToken,
    async addHost(country, extraArgs) {
      const p = await startHost(country, extraArgs);
      hosts.push(p);
      return p;
    },
    env: { COFFER_HUB: hub.url, COFFER_CONFIG_DIR: join(dir, 'client-config') },
    database:
      dialect === 'postgres'
        ? { kind: 'postgres', url: PG_URL, schema }
        : {
            kind: 'sqlite',
            files: [join(dir, 'hub', 'hub.sqlite'), join(dir, 'hub', 'hub.sqlite-wal')],
          },
    async close() {
      await Promise.all([...hosts.map((h) => h.kill()), hub.kill()]);
      if (dialect === 'postgres') {
        const c = new pg.Client({ connectionString: PG_URL });
        await c.connect();
        await c.query(`drop schema if exists ${schema} cascade`);
        await c.end();
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs `suite` once per hub database, as `${title} on sqlite` and `${title} on postgres`. On a
 * machine without PostgreSQL that half is skipped with a note, except in CI, where it fails.
 */
export function onEachDatabase(title: string, suite: (dialect: Dialect) => void) {
  for (const dialect of ['sqlite', 'postgres'] as Dialect[]) {
    describe(`${title} on ${dialect}`, async () => {
      if (dialect === 'postgres' && !(await postgresAvailable())) {
        if (process.env.CI) throw new Error('PostgreSQL is required in CI but is not reachable');
        console.log(`PostgreSQL is not reachable: skipping the ${title} tests on it`);
        return;
      }
      suite(dialect);
    });
  }
}
