// `npm run bench:load`: the load test of packages/tests/test/load.test.ts, longer and wider
// (LOAD_CLIENTS clients, default 50, for LOAD_SECONDS, default 300, on each database), with
// ops/s and p50/p99 per operation side by side and PostgreSQL's ops/s as a ratio of SQLite's,
// measured in the same run. Record the figures in docs/benchmarks.md.
import {
  accountingDrift,
  type Dialect,
  hubServerErrors,
  type LoadResult,
  loadTable,
  runLoad,
  startNetwork,
} from '@coffer/tests';
import { commit, load } from '../run-info.ts';

const clients = Number(process.env.LOAD_CLIENTS ?? 50);
const seconds = Number(process.env.LOAD_SECONDS ?? 300);
const dialects = (process.env.LOAD_DATABASES ?? 'sqlite,postgres').split(',') as Dialect[];

console.log(`commit ${commit}, load average before: ${load()}`);

const runs: Record<string, LoadResult> = {};
for (const dialect of dialects) {
  const net = await startNetwork({ dialect, hosts: 4, countries: ['FR', 'DE', 'ES', 'NL'] });
  try {
    console.log(`${dialect}: ${clients} clients for ${seconds} s…`);
    const r = await runLoad(net, {
      clients,
      accounts: Math.ceil((clients * 2) / 3),
      durationMs: seconds * 1000,
    });
    runs[dialect] = r;
    const errors = await hubServerErrors(net);
    const drift = await accountingDrift(net);
    console.log(
      `${dialect}: ${r.ops} ops, ${r.opsPerSecond.toFixed(1)} ops/s, ${r.verified} verified, ` +
        `${r.lost.length} lost, ${r.corrupt.length} corrupt, ${r.failures.length} failures, ` +
        `${errors} 5xx, accounting ${drift.agree ? 'agrees' : 'differs'}, ` +
        `load average ${load()}`,
    );
    for (const f of r.failures.slice(0, 10)) {
      console.log(`  failure: ${f.op} (client ${f.client}): ${f.message}`);
    }
  } finally {
    if (process.env.LOAD_KEEP) console.log(`kept ${net.dir}`);
    else await net.close();
  }
}
console.log(`\n${loadTable(runs)}`);
const [sqlite, postgres] = [runs.sqlite, runs.postgres];
if (sqlite && postgres) {
  console.log(
    `\nPostgreSQL ÷ SQLite, ops/s: ${(postgres.opsPerSecond / sqlite.opsPerSecond).toFixed(2)}×`,
  );
}
