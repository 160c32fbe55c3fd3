import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Cluster, haproxyInstalled, startCluster } from '../src/cluster.ts';
import { until } from '../src/index.ts';

// [Note: Job queue] across processes: 10,000 jobs queued at once, three `coffer hub --role
// worker` processes claiming them from one PostgreSQL. Every job runs exactly once (each claim
// counts in `attempts`), none is lost, and the three share the work. The jobs are audits of
// hosts that do not exist, which each worker finds and finishes at once.

const JOBS = 10_000;

describe('exactly once: 10,000 queued jobs on 3 workers', {
  skip: !haproxyInstalled() && !process.env.CI ? 'haproxy is not installed' : false,
}, () => {
  let c: Cluster;
  before(async () => {
    c = await startCluster({ apis: 1, workers: 3, hosts: 0 });
  });
  after(() => c?.close());

  test('no job runs twice, none is lost, all three workers take part', async () => {
    await c.sql(
      `insert into jobs (id, kind, payload, state, attempts, run_after, created_at)
         select 'job-' || n, 'audit-host', '{"hostId":"gone-' || n || '"}', 'queued', 0, 0, 0
         from generate_series(1, ${JOBS}) n`,
    );
    await until(
      'every job to finish',
      async () => {
        const [row] = await c.sql(
          `select count(*)::int as n from jobs where kind = 'audit-host' and state = 'done'`,
        );
        return row?.n === JOBS || undefined;
      },
      300_000,
    );
    const [counts] = await c.sql(
      `select count(*)::int as jobs, sum(attempts)::int as claims, max(attempts)::int as most,
                count(distinct holder)::int as workers
         from jobs where kind = 'audit-host'`,
    );
    console.log(`# ${counts?.jobs} jobs, ${counts?.claims} claims, by ${counts?.workers} workers`);
    assert.equal(counts?.jobs, JOBS);
    assert.equal(counts?.claims, JOBS, 'a job was claimed (and run) more than once');
    assert.equal(counts?.most, 1);
    assert.equal(counts?.workers, 3);
  });
});
