// Latency and throughput through the HTTP API, with the SDK. Latency is the HTTP request's
// time (request start to response headers, seen through Node's http diagnostics channels), so
// that the client's own crypto, which does not depend on the database's size, stays out of the
// comparison between 10,000 and 10 million nodes.
import { subscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { CofferClient, type OpenNode } from '@coffer/sdk';

export type Op = 'create' | 'list' | 'lookup' | 'commit';

// Which request each measured operation is, by method and path.
const routes: [Op, string, RegExp][] = [
  ['create', 'POST', /^\/api\/nodes$/],
  ['list', 'GET', /^\/api\/nodes\/[^/]+\/children\?(?!.*nameHash)/],
  ['lookup', 'GET', /^\/api\/nodes\/[^/]+\/children\?.*nameHash=/],
  ['commit', 'POST', /^\/api\/uploads\/[^/]+\/commit$/],
];

const started = new WeakMap<ClientRequest, number>();
let recording: Map<Op, number[]> | null = null;
subscribe('http.client.request.start', (m) => {
  started.set((m as { request: ClientRequest }).request, performance.now());
});
subscribe('http.client.response.finish', (m) => {
  const { request } = m as { request: ClientRequest };
  const t0 = started.get(request);
  if (t0 === undefined || !recording) return;
  const route = routes.find(
    ([, method, path]) => method === request.method && path.test(request.path),
  );
  if (route) recording.get(route[0])?.push(performance.now() - t0);
});

export interface Percentiles {
  count: number;
  p50: number;
  p99: number;
}

const percentile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

/** The measuring account's fixture: a folder of 100 entries, made once through the API. */
export interface Fixture {
  client: CofferClient;
  base: OpenNode;
  hundred: OpenNode;
  names: string[];
}

export async function makeFixture(hubUrl: string, email: string): Promise<Fixture> {
  const { client } = await CofferClient.signup({ hubUrl, email, password: 'scale bench pass' });
  const base = await client.createFolder(await client.root(), 'bench');
  const hundred = await client.createFolder(base, 'hundred');
  const names = Array.from({ length: 100 }, (_, i) => `entry-${String(i).padStart(3, '0')}`);
  for (const name of names.slice(0, 50)) await client.createFolder(hundred, name);
  await client.uploadMany(
    names.slice(50).map((name) => ({ path: `/bench/hundred/${name}`, bytes: new Uint8Array(64) })),
  );
  return { client, base, hundred, names };
}

/**
 * `rounds` rounds of: a create (a folder in the bench folder), a list of the folder of 100,
 * a lookup of one of its names, and a small file's upload (its commit is what is timed; its
 * path's resolution adds lookups).
 */
export async function latencies(f: Fixture, rounds: number, tag: string) {
  const samples = new Map<Op, number[]>(routes.map(([op]) => [op, []]));
  const folder = await f.client.createFolder(f.base, `run-${tag}`);
  // The first rounds warm the caches and the JIT and are not counted.
  const warm = Math.min(20, rounds);
  try {
    for (let i = -warm; i < rounds; i++) {
      if (i === 0) recording = samples;
      await f.client.createFolder(folder, `c-${i + warm}`);
      const listed = await f.client.listOpen(f.hundred);
      if (listed.length !== 100) throw new Error(`listed ${listed.length} entries, not 100`);
      const name = f.names[(i + warm) % f.names.length] as string;
      if (!(await f.client.child(f.hundred, name))) throw new Error(`lookup: ${name} missing`);
      await f.client.upload(`/bench/run-${tag}/u-${i + warm}`, new Uint8Array(1024).fill(7));
    }
  } finally {
    recording = null;
  }
  const out = {} as Record<Op, Percentiles>;
  for (const [op, ms] of samples) {
    ms.sort((a, b) => a - b);
    out[op] = { count: ms.length, p50: percentile(ms, 0.5), p99: percentile(ms, 0.99) };
  }
  return out;
}

/** How many times `op` completes per second with `concurrency` loops over `seconds`. */
export async function throughput(
  concurrency: number,
  seconds: number,
  op: (worker: number, i: number) => Promise<unknown>,
): Promise<{ perSecond: number; done: number; failed: number; firstError?: string }> {
  let done = 0;
  let failed = 0;
  let firstError: string | undefined;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      for (let i = 0; performance.now() < end; i++) {
        try {
          await op(w, i);
          done++;
        } catch (e) {
          failed++;
          firstError ??= e instanceof Error ? e.message : String(e);
        }
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  return { perSecond: done / elapsed, done, failed, ...(firstError ? { firstError } : {}) };
}
