// `npm run bench:scale` (issue 20): the hub on PostgreSQL at 10 million file nodes and 1 million
// accounts, bulk-loaded with INSERT … SELECT (load.ts), not through the API.
// 1. Latency through the API (measure.ts): p50 and p99 of create, list of a folder of 100,
//    lookup by name and an upload's commit, at 10,000 nodes and again at the full size.
// 2. Throughput: sign-ups (OPAQUE included) and creates per second through HAProxy in front of
//    1, 2 and 3 API processes, against the seeds' month-one peak (10 × 58 files/s).
// 3. PostgreSQL's table and index sizes per million files.
// SCALE_NODES (default 10,000,000), SCALE_ACCOUNTS (1,000,000), SCALE_ROUNDS (latency rounds
// per size, 300), SCALE_SECONDS (per throughput run, 20), SCALE_CONCURRENCY (8);
// SCALE_QUICK=1 is 200,000 nodes and 20,000 accounts with shorter runs; SCALE_UNLOGGED=1 makes
// the tables UNLOGGED during the load ([Note: Loading without indexes]); SCALE_EXPLAIN=MS logs
// slower statements' plans (below). Record the figures in docs/benchmarks.md.
// It runs in a database of its own, SCALE_DATABASE (default coffer_scale, made again on the
// tests' server), dropped at the end unless SCALE_KEEP=1, so the tests' database stays small.
import { CofferClient } from '@coffer/sdk';
import { type Cluster, haproxyInstalled, PG_URL, startCluster, startHaproxy } from '@coffer/tests';
import pg from 'pg';
import { commit, load } from '../run-info.ts';
import { dropIndexes, rebuildIndexes, snapshotIndexes } from './indexes.ts';
import { bulkLoad, measureLengths, nodesOf, type Stage, stageFor } from './load.ts';
import { type Fixture, latencies, makeFixture, type Op, throughput } from './measure.ts';

const quick = process.env.SCALE_QUICK === '1';
const num = (name: string, full: number, short: number) =>
  Number(process.env[name] ?? (quick ? short : full));
const target = {
  nodes: num('SCALE_NODES', 10_000_000, 200_000),
  accounts: num('SCALE_ACCOUNTS', 1_000_000, 20_000),
};
const rounds = num('SCALE_ROUNDS', 300, 100);
const seconds = num('SCALE_SECONDS', 20, 8);
const concurrency = num('SCALE_CONCURRENCY', 8, 8);
const unlogged = process.env.SCALE_UNLOGGED === '1';
const SMALL = 10_000;
const PEAK = 580; // files/s: 5 million a day is 58/s on average; the peak taken is 10× that.

if (!haproxyInstalled()) throw new Error('bench:scale needs haproxy (apt-get install haproxy)');
console.log(
  `commit ${commit}, load average before: ${load()}; target ${target.nodes} nodes, ` +
    `${target.accounts} accounts`,
);

const fmt = (ms: number) => ms.toFixed(1);
const ops: Op[] = ['create', 'list', 'lookup', 'commit'];

const dbName = process.env.SCALE_DATABASE ?? 'coffer_scale';
if (!/^[a-z_][a-z0-9_]*$/.test(dbName))
  throw new Error(`SCALE_DATABASE: not a plain name: ${dbName}`);
const pgUrl = (() => {
  const u = new URL(PG_URL);
  u.pathname = `/${dbName}`;
  return u.toString();
})();
const admin = async (sql: string) => {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
};
await admin(`drop database if exists ${dbName} with (force)`);
await admin(`create database ${dbName}`);
// SCALE_EXPLAIN=MS: the plan of every statement slower than MS ms goes to PostgreSQL's log.
const explainMs = Number(process.env.SCALE_EXPLAIN ?? 0);
if (explainMs > 0) {
  await admin(`alter database ${dbName} set session_preload_libraries = 'auto_explain'`);
  await admin(`alter database ${dbName} set auto_explain.log_min_duration = ${explainMs}`);
}

const cluster: Cluster = await startCluster({
  pgUrl,
  apis: 3,
  workers: 1,
  hosts: 2,
  // Thousands of sign-ups and logins from one address: the limits would stop the bench.
  hubConfig: { login: { perEmail: 1_000_000, perAddress: 1_000_000_000, windowSeconds: 900 } },
});
// Two connections load and build indexes side by side, one per core.
const dbs = [0, 1].map(() => new pg.Client({ connectionString: cluster.database.url }));
const db = dbs[0] as pg.Client;
try {
  for (const c of dbs) {
    await c.connect();
    await c.query(`set search_path to ${cluster.database.schema}`);
  }

  const fixture: Fixture = await makeFixture(cluster.url, 'measure@bench.invalid');
  const lengths = await measureLengths(db);
  const counted = async () =>
    Number((await db.query('select count(*)::bigint as n from nodes')).rows[0].n);

  let stage: Stage = { accounts: 0, folders: 0 };
  const secs = (t0: number) => ((performance.now() - t0) / 1000).toFixed(0);
  // The big load drops the indexes and rebuilds them after ([Note: Loading without indexes]).
  const loadTo = async (to: Stage, withoutIndexes: boolean) => {
    const t0 = performance.now();
    const indexes = withoutIndexes ? await snapshotIndexes(db) : null;
    if (indexes) {
      await dropIndexes(db, indexes, unlogged);
      console.log(
        `  dropped ${indexes.indexes.length} indexes and ${indexes.constraints.length} ` +
          `constraints (${unlogged ? 'tables unlogged' : 'tables logged'}): ` +
          indexes.indexes.map((i) => i.name).join(', '),
      );
    }
    let last = performance.now();
    await bulkLoad(dbs, stage, to, lengths, (rows, of) => {
      if (performance.now() - last < 10_000 && rows < of) return;
      last = performance.now();
      console.log(`  ${rows} of ${of} rows in ${secs(t0)} s, load ${load()}`);
    });
    stage = to;
    const rowsAt = performance.now();
    if (indexes) {
      await rebuildIndexes(dbs, indexes, (what, s) =>
        console.log(`  ${what}: ${s.toFixed(0)} s, load ${load()}`),
      );
      console.log(
        `  rows in ${((rowsAt - t0) / 1000).toFixed(0)} s, indexes rebuilt (as the migrations ` +
          `made them, checked) in ${secs(rowsAt)} s`,
      );
    }
    const a0 = performance.now();
    await db.query('analyze');
    console.log(
      `loaded to ${nodesOf(to)} nodes in ${secs(t0)} s (analyze ${secs(a0)} s), load ${load()}`,
    );
  };

  const scans = async () => {
    await db.query('select pg_stat_clear_snapshot()');
    const rows = await db.query(
      `select relname, seq_scan, seq_tup_read, coalesce(idx_scan, 0) as idx_scan
       from pg_stat_user_tables where schemaname = $1 and relname = any($2) order by relname`,
      [cluster.database.schema, ['accounts', 'nodes', 'revisions']],
    );
    return new Map(
      rows.rows.map((r) => [
        r.relname as string,
        { seq: Number(r.seq_scan), seqRows: Number(r.seq_tup_read), idx: Number(r.idx_scan) },
      ]),
    );
  };

  const small = stageFor(SMALL, target);
  await loadTo(small, false);
  const smallCount = await counted();
  console.log(`at ${smallCount} nodes: ${rounds} rounds…`);
  const atSmall = await latencies(fixture, rounds, 'small');

  await loadTo(stageFor(target.nodes, target), true);
  const bigCount = await counted();
  console.log(`at ${bigCount} nodes: ${rounds} rounds…`);
  const before = await scans();
  const atBig = await latencies(fixture, rounds, 'big');
  // A query without an index shows as sequentially read rows of these tables. PostgreSQL takes
  // up to 10 s to publish an idle backend's counters.
  await new Promise((r) => setTimeout(r, 11_000));
  const after = await scans();
  console.log(`during the ${bigCount}-node measure (the worker's jobs included):`);
  for (const [t, a] of after) {
    const b = before.get(t) ?? a;
    console.log(
      `  ${t}: ${a.seq - b.seq} sequential scans reading ${a.seqRows - b.seqRows} rows, ` +
        `${a.idx - b.idx} index scans`,
    );
  }

  console.log(`\nLatency through HAProxy and 3 API processes, ms (HTTP request to response):`);
  console.log(
    `| operation | p50 at ${smallCount} | p99 at ${smallCount} | p50 at ${bigCount} | p99 at ${bigCount} | p99 ratio |`,
  );
  console.log('|---|---|---|---|---|---|');
  for (const op of ops) {
    const [s, b] = [atSmall[op], atBig[op]];
    console.log(
      `| ${op} (${s.count}/${b.count}) | ${fmt(s.p50)} | ${fmt(s.p99)} | ${fmt(b.p50)} | ` +
        `${fmt(b.p99)} | ${(b.p99 / s.p99).toFixed(2)}× |`,
    );
  }

  console.log(
    `\nThroughput, ${concurrency} concurrent clients, ${seconds} s each, at ${bigCount} nodes:`,
  );
  console.log('| API processes | sign-ups/s | creates/s | creates ÷ peak (580/s) | load after |');
  console.log('|---|---|---|---|---|');
  let signups = 0;
  for (const k of [1, 2, 3]) {
    const proxy = await startHaproxy(cluster.dir, cluster.apis.slice(0, k), `haproxy-${k}`);
    try {
      const s = await throughput(concurrency, seconds, () =>
        CofferClient.signup({
          hubUrl: proxy.url,
          email: `tput-${signups++}@bench.invalid`,
          password: 'scale bench pass',
        }),
      );
      const clients = await Promise.all(
        Array.from({ length: concurrency }, async (_, w) => {
          const client = await CofferClient.login({
            hubUrl: proxy.url,
            email: 'measure@bench.invalid',
            password: 'scale bench pass',
          });
          const folder = await client.createFolder(fixture.base, `tput-${k}-${w}`);
          return { client, folder };
        }),
      );
      const c = await throughput(concurrency, seconds, async (w, i) => {
        const { client, folder } = clients[w] as (typeof clients)[number];
        await client.createFolder(folder, `f-${i}`);
      });
      for (const r of [s, c]) {
        if (r.failed) console.log(`  ${r.failed} failed, first: ${r.firstError}`);
      }
      console.log(
        `| ${k} | ${s.perSecond.toFixed(1)} | ${c.perSecond.toFixed(1)} | ` +
          `${(c.perSecond / PEAK).toFixed(2)} | ${load()} |`,
      );
    } finally {
      await proxy.close();
    }
  }

  const nodes = await counted();
  const files = Number(
    (await db.query(`select count(*)::bigint as n from nodes where kind = 'file'`)).rows[0].n,
  );
  const sizes = await db.query(
    `select c.relname as name, pg_total_relation_size(c.oid) as total,
       pg_relation_size(c.oid) as heap, pg_indexes_size(c.oid) as indexes
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = $1 and c.relkind = 'r'
     order by pg_total_relation_size(c.oid) desc limit 6`,
    [cluster.database.schema],
  );
  const mb = (b: number) => (b / 2 ** 20).toFixed(0);
  const perM = (b: number) => mb((b * 1_000_000) / files);
  console.log(`\nPostgreSQL sizes, ${nodes} nodes (${files} files), MiB (per million files):`);
  console.log('| table | total | table | indexes |');
  console.log('|---|---|---|---|');
  for (const r of sizes.rows) {
    const [t, h, i] = [Number(r.total), Number(r.heap), Number(r.indexes)];
    console.log(
      `| ${r.name} | ${mb(t)} (${perM(t)}) | ${mb(h)} (${perM(h)}) | ${mb(i)} (${perM(i)}) |`,
    );
  }
  const whole = Number(
    (
      await db.query(
        `select sum(pg_total_relation_size(c.oid)) as s from pg_class c
         join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and c.relkind = 'r'`,
        [cluster.database.schema],
      )
    ).rows[0].s,
  );
  console.log(`the whole schema: ${mb(whole)} MiB; load average after: ${load()}`);
} finally {
  for (const c of dbs) await c.end().catch(() => {});
  await cluster.close();
  if (process.env.SCALE_KEEP !== '1') await admin(`drop database if exists ${dbName} with (force)`);
}
