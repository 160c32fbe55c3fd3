import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import {
  accountingDrift,
  hubServerErrors,
  type LoadResult,
  loadTable,
  type Network,
  onEachDatabase,
  runLoad,
  startNetwork,
  until,
} from '../src/index.ts';

// Many people at once ([Note: Load ledger] in src/load/run.ts): 30 clients over 20 accounts
// for about a minute on each database, then a full verification. Nothing may be lost or
// corrupt, no client may see an error it did not expect, the hub may answer no 5xx (which the
// SDK would retry silently), and every host's bytes must agree three ways. The ops/s of both
// databases are printed side by side, not asserted: a collapse shows in the CI log.

const CLIENTS = 30;
const ACCOUNTS = 20;
const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);

const results: Record<string, LoadResult> = {};
after(() => {
  if (Object.keys(results).length)
    console.log(`\nload, ${CLIENTS} clients:\n${loadTable(results)}`);
});

onEachDatabase('load', (dialect) => {
  test(`${CLIENTS} clients for ${SECONDS} s: nothing lost, nothing corrupt, no 5xx, no drift`, async () => {
    const net: Network = await startNetwork({
      dialect,
      hosts: 4,
      countries: ['FR', 'DE', 'ES', 'NL'],
    });
    try {
      const r = await runLoad(net, {
        clients: CLIENTS,
        accounts: ACCOUNTS,
        durationMs: SECONDS * 1000,
      });
      results[dialect] = r;
      console.log(
        `${dialect}: ${r.ops} ops in ${r.seconds.toFixed(0)} s (${r.opsPerSecond.toFixed(1)} ops/s), ${r.verified} files verified`,
      );
      assert.deepEqual(r.failures.slice(0, 10), [], 'no client saw an unexpected error');
      assert.deepEqual(r.lost, [], 'nothing lost');
      assert.deepEqual(r.corrupt, [], 'nothing corrupt');
      assert.ok(r.ops > 0, 'the clients got work done');
      assert.equal(await hubServerErrors(net), 0, 'the hub answered no 5xx (see /metrics)');
      // The hosts' own figures are as of their last heartbeat.
      await until('every host to agree with the hub on its bytes', async () => {
        const drift = await accountingDrift(net);
        return drift.agree || undefined;
      });
    } finally {
      await net.close();
    }
  });
});
