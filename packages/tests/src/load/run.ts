import { CofferClient } from '@coffer/sdk';
import type { Network } from '../network.ts';
import {
  type Failure,
  LoadActor,
  OPS,
  type Op,
  RACE_PATHS,
  readAll,
  sha256,
  type Timing,
} from './actor.ts';

// [Note: Load ledger]
// The load test drives a real network the way many people would at once: `clients` logged-in
// SDK clients over `accounts` accounts (so some accounts have two clients racing each other),
// each doing a weighted mix of puts, gets, listings, moves, trash and restore, revisions and
// racing writes for `durationMs`. Each client keeps a ledger of its own folder, which nobody
// else writes: every file's content hash and revision count. During the run, every get must
// match the ledger, every listing must equal it and every versions call must count the
// revisions the ledger counts. At the end every ledger entry is read back: a missing file is
// lost, a different one corrupt. A race path must hold one of the contents written to it.
// Any error a client did not expect (anything but a ConflictError on a race) is a failure.

export interface LoadOptions {
  clients: number;
  accounts: number;
  durationMs: number;
  /** Prefix for the accounts' emails, so that runs on one hub do not collide. */
  label?: string;
}

export interface OpFigures {
  count: number;
  p50: number;
  p99: number;
}

export interface LoadResult {
  ops: number;
  seconds: number;
  opsPerSecond: number;
  perOp: Record<Op, OpFigures>;
  failures: Failure[];
  verified: number;
  lost: string[];
  corrupt: string[];
}

function percentile(sorted: number[], q: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

async function openClients(net: Network, o: LoadOptions): Promise<LoadActor[]> {
  const password = 'load-test-password';
  const label = o.label ?? 'load';
  const accounts = await Promise.all(
    Array.from({ length: o.accounts }, async (_, i) => {
      const email = `${label}-${i}@example.com`;
      const { client } = await CofferClient.signup({ hubUrl: net.hubUrl, email, password });
      return { email, client, raced: new Map<string, Set<string>>() };
    }),
  );
  return Promise.all(
    Array.from({ length: o.clients }, async (_, i) => {
      const account = accounts[i % accounts.length] as (typeof accounts)[number];
      const client =
        i < accounts.length
          ? account.client
          : await CofferClient.login({ hubUrl: net.hubUrl, email: account.email, password });
      return new LoadActor(i, client, account.raced);
    }),
  );
}

async function verify(actors: LoadActor[], result: LoadResult) {
  const racesChecked = new Set<Map<string, Set<string>>>();
  for (const a of actors) {
    const listed = new Set((await a.client.list(a.folder).catch(() => [])).map((e) => e.name));
    for (const [name, held] of a.files) {
      const path = `${a.folder}/${name}`;
      if (!listed.has(name)) {
        result.lost.push(path);
        continue;
      }
      try {
        const got = await readAll((await a.client.download(path)).stream);
        if (sha256(got) === held.sha) result.verified++;
        else result.corrupt.push(path);
      } catch (e) {
        result.corrupt.push(`${path}: ${(e as Error).message}`);
      }
    }
    if (racesChecked.has(a.raced)) continue;
    racesChecked.add(a.raced);
    for (const path of RACE_PATHS) {
      const written = a.raced.get(path);
      if (!written) continue;
      try {
        const got = await readAll((await a.client.download(path)).stream);
        if (written.has(sha256(got))) result.verified++;
        else result.corrupt.push(`${path} (client ${a.index}): none of the contents written`);
      } catch (e) {
        result.lost.push(`${path} (client ${a.index}): ${(e as Error).message}`);
      }
    }
  }
}

/** Runs the mixed workload of [Note: Load ledger] against a started network. */
export async function runLoad(net: Network, o: LoadOptions): Promise<LoadResult> {
  const actors = await openClients(net, o);
  const timings: Timing[] = [];
  const failures: Failure[] = [];
  const started = performance.now();
  const deadline = started + o.durationMs;
  await Promise.all(
    actors.map(async (actor) => {
      while (performance.now() < deadline) {
        const op = actor.nextOp();
        const t0 = performance.now();
        try {
          await actor.run(op);
          timings.push({ op, ms: performance.now() - t0 });
        } catch (e) {
          failures.push({ op, client: actor.index, message: (e as Error).message });
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const perOp = {} as Record<Op, OpFigures>;
  for (const op of OPS) {
    const ms = timings
      .filter((t) => t.op === op)
      .map((t) => t.ms)
      .sort((a, b) => a - b);
    perOp[op] = { count: ms.length, p50: percentile(ms, 0.5), p99: percentile(ms, 0.99) };
  }
  const result: LoadResult = {
    ops: timings.length,
    seconds,
    opsPerSecond: timings.length / seconds,
    perOp,
    failures,
    verified: 0,
    lost: [],
    corrupt: [],
  };
  await verify(actors, result);
  return result;
}

/** The figures of runs side by side (one column per run), as a plain-text table. */
export function loadTable(runs: Record<string, LoadResult>): string {
  const names = Object.keys(runs);
  const rows: string[][] = [['', ...names]];
  rows.push(['ops/s', ...names.map((n) => (runs[n] as LoadResult).opsPerSecond.toFixed(1))]);
  rows.push(['ops', ...names.map((n) => String((runs[n] as LoadResult).ops))]);
  for (const op of OPS) {
    rows.push([
      `${op} p50/p99 ms`,
      ...names.map((n) => {
        const f = (runs[n] as LoadResult).perOp[op];
        return `${Math.round(f.p50)}/${Math.round(f.p99)} (${f.count})`;
      }),
    ]);
  }
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, i) => cell.padStart(widths[i] ?? 0)).join('  ')).join('\n');
}
