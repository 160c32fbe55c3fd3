import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cli, type Network, type RunningCli, startCli } from './network.ts';
import { until } from './until.ts';

/** A running `coffer webdav`: its URL, the password it printed, and its process. */
export interface Gateway {
  url: string;
  user: string;
  password: string;
  run: RunningCli;
  /** Basic auth with the password it printed. */
  auth: string;
  stop(): Promise<void>;
}

/** Signs `who` up (once) and returns the env of their CLI. */
export async function signedUp(net: Network, who: string): Promise<Record<string, string>> {
  const env = {
    ...net.env,
    COFFER_PASSWORD: 'pw',
    COFFER_CONFIG_DIR: join(net.dir, `${who}-config`),
  };
  const r = await cli(['signup', `${who}@example.com`], env);
  assert.equal(r.code, 0, r.stderr);
  return env;
}

/**
 * Starts `coffer webdav` on a free loopback port, as a user would, with `args`; `meanwhile`
 * runs while it starts (approving the code a gateway with --app shows, say).
 */
export async function startWebdav(
  env: Record<string, string>,
  args: string[] = [],
  meanwhile?: (run: RunningCli) => Promise<unknown>,
): Promise<Gateway> {
  const run = startCli(['webdav', '--port', '0', '--json', ...args], env);
  let failed: { error: unknown } | null = null;
  const alongside = meanwhile?.(run).catch((error: unknown) => {
    failed = { error };
  });
  let exited = false;
  void run.done.then(() => {
    exited = true;
  });
  let parsed: { url: string; user: string; password: string } | null = null;
  await until(
    'coffer webdav to print its URL',
    () => {
      if (failed) throw (failed as { error: unknown }).error;
      if (exited) throw new Error(`coffer webdav exited: ${run.stderr()}`);
      try {
        parsed = JSON.parse(run.stdout());
        return true;
      } catch {
        return false;
      }
    },
    60_000,
  );
  await alongside;
  const p = parsed as unknown as { url: string; user: string; password: string };
  return {
    ...p,
    run,
    auth: `Basic ${Buffer.from(`${p.user}:${p.password}`).toString('base64')}`,
    async stop() {
      if (!exited) run.child.kill('SIGTERM');
      await run.done;
    },
  };
}

/** The VmHWM (peak resident set) of a process, in bytes, from /proc. */
export async function peakRss(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const m = /VmHWM:\s+(\d+)\s+kB/.exec(status);
  assert.ok(m?.[1], 'VmHWM in /proc/PID/status');
  return Number(m[1]) * 1024;
}
