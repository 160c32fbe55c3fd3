import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CofferClient } from '@coffer/sdk';
import { type Cluster, haproxyInstalled, startCluster } from '../src/cluster.ts';
import { noiseBytes } from '../src/files.ts';
import { until } from '../src/index.ts';

// Several hub processes on one PostgreSQL ([Note: Hub roles], [Note: Leases]): three API
// processes and two workers behind HAProxy, the hosts and clients going through HAProxy. A
// session made on one API process works on the others; an API process killed with SIGKILL in
// the middle of uploads, and another in the middle of downloads, costs no operation (the SDK
// retries) and no byte; the worker leading repair killed with SIGKILL is replaced by the other,
// which then repairs what a lost host held. The failover times are printed.

const readAll = async (s: ReadableStream<Uint8Array>) =>
  new Uint8Array(await new Response(s).arrayBuffer());
const FILES = 12;
const SIZE = 1024 * 1024 + 17;

describe('three API processes and two workers behind HAProxy', {
  skip: !haproxyInstalled() && !process.env.CI ? 'haproxy is not installed' : false,
}, () => {
  let c: Cluster;
  before(async () => {
    c = await startCluster({
      apis: 3,
      workers: 2,
      hosts: 3,
      hubConfig: {
        offlineAfterMs: 2000,
        repair: { intervalMs: 1000, lostAfterMs: 4000, batch: 100 },
        // Rounds an hour apart: only a kick runs GC while the tests run.
        gc: { intervalMs: 3_600_000, batch: 1000 },
      },
    });
  });
  after(() => c?.close());

  test('a session made on one API process works on the others; logins alternate between them', async () => {
    const { client } = await CofferClient.signup({
      hubUrl: c.apis[0]?.url as string,
      email: 'alice@example.com',
      password: 'pw',
    });
    await client.mkdir('/Made on api 0');
    for (const api of c.apis.slice(1)) {
      const there = await CofferClient.resume({ ...client.saved(), hubUrl: api.url });
      assert.deepEqual(
        (await there.list('/')).map((e) => e.name),
        ['Made on api 0'],
      );
    }
    // A worker serves its health only, naming the loops it leads.
    const worker = c.workers[0]?.url as string;
    const health = (await (await fetch(`${worker}/api/health`)).json()) as {
      role: string;
      leads: string[];
    };
    assert.equal(health.role, 'worker');
    assert.ok(Array.isArray(health.leads));
    const refused = await fetch(`${worker}/api/tree/${client.saved().accountId}`);
    assert.equal(refused.status, 404);
    assert.match(
      ((await refused.json()) as { error: { message: string } }).error.message,
      /is a worker/,
    );
    // Through HAProxy, round robin: the OPAQUE start and finish land on different processes.
    for (let i = 0; i < 3; i++) {
      const again = await CofferClient.login({
        hubUrl: c.url,
        email: 'alice@example.com',
        password: 'pw',
      });
      assert.equal((await again.list('/')).length, 1);
    }
  });

  test('a purge on an API process gets the worker leading GC to collect at once', async () => {
    const { client } = await CofferClient.signup({
      hubUrl: c.url,
      email: 'purger@example.com',
      password: 'pw',
    });
    await client.upload('/gone.bin', noiseBytes(300_000, 7));
    const chunks = (await c.sql(
      `select distinct rc.chunk_id from revision_chunks rc join nodes n on n.id = rc.node_id
       where n.account_id = (select id from accounts where email = 'purger@example.com')`,
    )) as { chunk_id: string }[];
    assert.ok(chunks.length > 0);
    const left = async () =>
      Number(
        (
          await c.sql('select count(*)::int as n from chunk_replicas where chunk_id = any($1)', [
            chunks.map((r) => r.chunk_id),
          ])
        )[0]?.n,
      );
    assert.ok((await left()) > 0);
    await client.trash('/gone.bin');
    await client.purge('gone.bin');
    // The API process that took the purge runs no GC; the kick reaches the worker leading it
    // ([Note: Kicks across processes]), well before its hourly round.
    await until('the purged chunks to leave the hosts', async () => (await left()) === 0);
  });

  test('kill -9 an API process during uploads, another during downloads: every file comes back byte-identical', async () => {
    const client = await CofferClient.login({
      hubUrl: c.url,
      email: 'alice@example.com',
      password: 'pw',
    });
    const files = Array.from({ length: FILES }, (_, i) => noiseBytes(SIZE, i + 1));
    await client.mkdir('/up');
    let uploaded = 0;
    const uploads = (async () => {
      for (let i = 0; i < FILES; i += 3) {
        await Promise.all(
          files.slice(i, i + 3).map(async (bytes, j) => {
            await client.upload(`/up/${i + j}.bin`, bytes);
            uploaded++;
          }),
        );
      }
    })();
    await until('the first uploads to finish', () => uploaded >= 2 || undefined);
    await c.apis[1]?.kill();
    await uploads;
    assert.equal(uploaded, FILES);

    let downloaded = 0;
    const back: Uint8Array[] = [];
    const downloads = (async () => {
      for (let i = 0; i < FILES; i++) {
        const d = await client.download(`/up/${i}.bin`);
        back[i] = await readAll(d.stream);
        downloaded++;
      }
    })();
    await until('the first downloads to finish', () => downloaded >= 2 || undefined);
    await c.apis[2]?.kill();
    await downloads;
    for (let i = 0; i < FILES; i++) {
      assert.equal(back[i]?.length, SIZE, `file ${i}`);
      assert.ok(
        Buffer.from(back[i] as Uint8Array).equals(Buffer.from(files[i] as Uint8Array)),
        `file ${i} differs`,
      );
    }
    // The killed processes come back and serve again.
    await c.apis[1]?.restart();
    await c.apis[2]?.restart();
  });

  test('kill -9 the worker leading repair: the other takes over, and repair still happens', async () => {
    const pidOf = (holder: string | undefined) => Number(holder?.split(':')[1]);
    const leaders = await until('both workers to share the loops', async () => {
      const l = await c.leaders();
      return l.has('repair') && l.has('audits') ? l : undefined;
    });
    const leader = c.workers.find((w) => w.child.pid === pidOf(leaders.get('repair')));
    const other = c.workers.find((w) => w !== leader);
    assert.ok(leader && other, `repair led by ${leaders.get('repair')}`);
    const killedAt = Date.now();
    await leader.kill();
    await until(
      'the other worker to lead repair',
      async () => pidOf((await c.leaders()).get('repair')) === other.child.pid || undefined,
      90_000,
    );
    console.log(
      `# failover: the other worker led repair ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the leader's kill -9`,
    );

    // A host lost: what it held is copied again by the new leader, so every chunk is back at
    // two live hosts.
    const lost = c.hosts[0];
    assert.ok(lost);
    await lost.kill();
    const lostAt = Date.now();
    const [held] = await c.sql(
      `select count(*)::int as n from chunk_replicas r join hosts h on h.id = r.host_id where h.url = $1`,
      [lost.url],
    );
    assert.ok(Number(held?.n) > 0, 'the lost host held chunks');
    const client = await CofferClient.login({
      hubUrl: c.url,
      email: 'alice@example.com',
      password: 'pw',
    });
    await until(
      'repair to bring every file back to two live hosts',
      async () => {
        const [row] = await c.sql(
          `select count(*)::int as n from chunks ch where (select count(*) from chunk_replicas r
             join hosts h on h.id = r.host_id where r.chunk_id = ch.id and h.url <> $1) < 2`,
          [lost.url],
        );
        return row?.n === 0 || undefined;
      },
      180_000,
    );
    console.log(
      `# repair after a lost host: done ${((Date.now() - lostAt) / 1000).toFixed(1)} s after the host's kill -9`,
    );
    const d = await client.download('/up/0.bin');
    assert.equal((await readAll(d.stream)).length, SIZE);
  });
});
