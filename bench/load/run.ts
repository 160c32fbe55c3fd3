// `npm run bench:load`: the load test of packages/tests/test/load.test.ts, longer and wider
// (LOAD_CLIENTS clients, default 50, for LOAD_SECONDS, default 300, on each database), with
// ops/s and p50/p99 per operation side by side. Record the figures in docs/benchmarks.md.
import { type Dialect, type LoadResult, loadTable, runLoad, startNetwork } from '@coffer/tests';

const clients = Number(process.env.LOAD_CLIENTS ?? 50);
const seconds = Number(process.env.LOAD_SECONDS ?? 300);
const dialects = (process.env.LOAD_DATABASES ?? 'sqlite,postgres').split(',') as Dialect[];

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
    console.log(
      `${dialect}: ${r.ops} ops, ${r.opsPerSecond.toFixed(1)} ops/s, ${r.verified} verified, ` +
        `${r.lost.length} lost, ${r.corrupt.length} corrupt, ${r.failures.length} failures`,
    );
    for (const f of r.failures.slice(0, 10))
      console.log(`  failure: ${f.op} (client ${f.client}): ${f.message}`);
  } finally {
    if (process.env.LOAD_KEEP) console.log(`kept ${net.dir}`);
    else await net.close();
  }
}
console.log(`\n${loadTable(runs)}`);
