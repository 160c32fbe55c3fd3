import { spawn, spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { killHard, PG_URL, type Proc, startProc, tempDir } from './network.ts';
import { until } from './until.ts';

// Several hub processes on one PostgreSQL behind HAProxy ([Note: Hub roles]): API processes and
// workers, each a real `coffer hub --role …` process, HAProxy from Debian in front of the API
// processes with health checks on /api/health, and hosts that reach the hub through HAProxy.

export interface Cluster {
  /** HAProxy's URL: what hosts and clients use. */
  url: string;
  apis: Proc[];
  workers: Proc[];
  hosts: Proc[];
  dir: string;
  database: { kind: 'postgres'; url: string; schema: string };
  /** The lease holders, by loop name (unexpired leases only). */
  leaders(): Promise<Map<string, string>>;
  /** One SQL statement on the cluster's database. */
  sql(text: string, values?: unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export const haproxyInstalled = () =>
  spawnSync('sh', ['-c', 'command -v haproxy'], { encoding: 'utf8' }).status === 0;

/** A port free right now on 127.0.0.1. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

function haproxyConfig(port: number, apis: string[]) {
  const servers = apis
    .map((url, i) => `  server api${i} ${new URL(url).host} check inter 300ms fall 2 rise 2`)
    .join('\n');
  return `global
  maxconn 2000
defaults
  mode http
  timeout connect 2s
  timeout client 300s
  timeout server 300s
  timeout http-request 60s
  option redispatch
  retries 3
frontend hub
  bind 127.0.0.1:${port}
  default_backend api
backend api
  balance roundrobin
  option httpchk GET /api/health
  http-check expect status 200
${servers}
`;
}

export interface Haproxy {
  url: string;
  close(): Promise<void>;
}

/** HAProxy from Debian in front of `apis`, its files named `name` in `dir`; ready once it answers. */
export async function startHaproxy(
  dir: string,
  apis: { url: string }[],
  name: string,
): Promise<Haproxy> {
  const port = await freePort();
  const cfg = join(dir, `${name}.cfg`);
  await writeFile(
    cfg,
    haproxyConfig(
      port,
      apis.map((a) => a.url),
    ),
  );
  const check = spawnSync('haproxy', ['-c', '-f', cfg], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`haproxy -c: ${check.stderr}${check.stdout}`);
  const child = spawn('haproxy', ['-db', '-f', cfg], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (d) => {
    log += d;
    void writeFile(join(dir, `${name}.log`), log).catch(() => {});
  });
  const close = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((r) => {
      child.once('exit', () => r());
      child.kill('SIGKILL');
    });
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    await until('HAProxy to answer', async () => {
      if (child.exitCode !== null) throw new Error(`haproxy exited: ${log}`);
      return (await fetch(`${url}/api/health`).catch(() => null))?.ok === true;
    });
  } catch (e) {
    await close();
    throw e;
  }
  return { url, close };
}

export async function startCluster(o: {
  apis: number;
  workers: number;
  hosts: number;
  hubConfig?: Record<string, unknown>;
  /** The PostgreSQL database to make the schema in (default PG_URL, the tests' database). */
  pgUrl?: string;
}): Promise<Cluster> {
  const dir = await tempDir('coffer-cluster-');
  const schema = `c_${Math.random().toString(36).slice(2, 12)}`;
  const pgUrl = o.pgUrl ?? PG_URL;
  const database = { kind: 'postgres' as const, url: pgUrl, schema };
  const procs: Proc[] = [];
  const sql = async (text: string, values: unknown[] = []) => {
    const c = new pg.Client({ connectionString: pgUrl });
    await c.connect();
    try {
      await c.query(`set search_path to ${schema}`);
      return (await c.query(text, values)).rows as Record<string, unknown>[];
    } finally {
      await c.end();
    }
  };
  let haproxy: Haproxy | undefined;
  const close = async () => {
    await Promise.all(procs.map((p) => p.kill()));
    await haproxy?.close();
    const c = new pg.Client({ connectionString: pgUrl });
    await c.connect();
    await c.query(`drop schema if exists ${schema} cascade`);
    await c.end();
  };
  const hubProc = async (role: 'api' | 'worker', i: number): Promise<Proc> => {
    const configFile = join(dir, `${role}-${i}.json`);
    let port = 0;
    const config = (p: number) =>
      JSON.stringify({
        dataDir: join(dir, `${role}-${i}`),
        operatorTokenFile: join(dir, 'operator-token'),
        port: p,
        database,
        role,
        heartbeatMs: 500,
        offlineAfterMs: 3000,
        hostApproval: 'auto',
        placement: { replicas: 2 },
        ...o.hubConfig,
      });
    await writeFile(configFile, config(0));
    const logFile = join(dir, `${role}-${i}.log`);
    const ready = role === 'api' ? /Hub \(API only\): (http\S+)/ : /health at (http\S+)\/api/;
    const started = await startProc(['hub', '--config', configFile], ready, logFile);
    const p: Proc = {
      url: started.match[1] as string,
      dir: join(dir, `${role}-${i}`),
      logFile,
      child: started.child,
      kill: () => killHard(p.child),
      async restart() {
        await writeFile(configFile, config(port));
        p.child = (await startProc(['hub', '--config', configFile], ready, logFile)).child;
      },
    };
    port = Number(new URL(p.url).port);
    procs.push(p);
    return p;
  };
  try {
    // One at a time first, so the migrations run once; then the rest together.
    const apis = [await hubProc('api', 0)];
    apis.push(
      ...(await Promise.all(Array.from({ length: o.apis - 1 }, (_, i) => hubProc('api', i + 1)))),
    );
    const workers = await Promise.all(
      Array.from({ length: o.workers }, (_, i) => hubProc('worker', i)),
    );
    const proxy = await startHaproxy(dir, apis, 'haproxy');
    haproxy = proxy;
    const url = proxy.url;
    const countries = ['FR', 'DE', 'ES', 'PT', 'NL', 'BE'];
    const hosts = await Promise.all(
      Array.from({ length: o.hosts }, async (_, i) => {
        const hostDir = join(dir, `host-${i}`);
        const args = [
          'host',
          '--hub',
          url,
          '--country',
          countries[i % countries.length] as string,
          '--capacity',
          '10GiB',
          '--data',
          hostDir,
        ];
        const logFile = join(dir, `host-${i}.log`);
        const started = await startProc(args, /serving at (http\S+)/, logFile);
        const p: Proc = {
          url: started.match[1] as string,
          dir: hostDir,
          logFile,
          child: started.child,
          kill: () => killHard(p.child),
          async restart() {
            const again = await startProc(
              [...args, '--port', new URL(p.url).port],
              /serving at (http\S+)/,
              logFile,
            );
            p.child = again.child;
          },
        };
        procs.push(p);
        return p;
      }),
    );
    if (o.hosts > 0) {
      await until('the hub behind HAProxy to be ready', async () => {
        const res = await fetch(`${url}/api/ready`);
        return res.status === 200;
      });
    }
    return {
      url,
      apis,
      workers,
      hosts,
      dir,
      database,
      async leaders() {
        const rows = await sql('select name, holder from leases where expires_at >= $1', [
          Date.now(),
        ]);
        return new Map(rows.map((r) => [r.name as string, r.holder as string]));
      },
      sql,
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
