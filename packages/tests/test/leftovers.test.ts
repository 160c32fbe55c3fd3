import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { sha256Hex } from '@coffer/crypto';
import { CofferClient } from '@coffer/sdk';
import {
  accountingDrift,
  cli,
  hubSql,
  type Network,
  onEachDatabase,
  quickCleanup,
  replicasOf,
  startNetwork,
  until,
} from '../src/index.ts';

// Nothing left behind ([Note: A commit ends its upload], [Note: Orphan sweep]) and exact
// accounting ([Note: Accounting]), with short settings: uploads expire after 15 s, hosts
// sweep every half second.

const bytes = (n: number, seed: number) =>
  Uint8Array.from({ length: n }, (_, i) => (i * 131 + seed * 17 + (i >> 8)) & 255);

interface Target {
  hostId: string;
  url: string;
  token: string;
}

onEachDatabase('leftovers', (dialect) => {
  let net: Network;
  let alice: CofferClient;
  const tokenFile = () => join(net.dir, 'hub', 'operator-token');
  const count = async (table: string) =>
    Number((await hubSql(net, `select count(*) as n from ${table}`))[0]?.n);

  /** Opens an upload and stores a chunk on two hosts (chained), receipts only in hand. */
  const storeUnreported = async (size: number, seed: number) => {
    const { uploadId } = await alice.hub.call('createUpload', { body: {} });
    const data = bytes(size, seed);
    const id = await sha256Hex(data);
    const { placements } = await alice.hub.call('placeChunks', {
      params: { id: uploadId },
      body: { chunks: [{ id, size }] },
    });
    const [first, second] = placements[0]?.targets as unknown as [Target, Target];
    const res = await fetch(`${first.url}/chunks/${id}`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${first.token}`,
        'content-type': 'application/octet-stream',
        'coffer-forward': second.token,
      },
      body: data,
    });
    assert.ok(res.ok, `${res.status} ${await res.clone().text()}`);
    const { receipts } = (await res.json()) as { receipts: string[] };
    assert.equal(receipts.length, 2);
    return { uploadId, id, size, first, second, receipts };
  };

  before(async () => {
    net = await startNetwork({
      dialect,
      hosts: 3,
      hubConfig: quickCleanup(15),
    });
    ({ client: alice } = await CofferClient.signup({
      hubUrl: net.hubUrl,
      email: 'alice@example.com',
      password: 'correct horse battery staple',
    }));
  });
  after(() => net.close());

  test('committed uploads leave no rows behind', async () => {
    await alice.upload('/big.bin', bytes(300_000, 1), { chunkSize: 100_000 });
    await alice.uploadMany(
      Array.from({ length: 30 }, (_, i) => ({ path: `/small/${i}.txt`, bytes: bytes(100, i) })),
      { parents: true },
    );
    assert.equal(await count('uploads'), 0);
    assert.equal(await count('upload_chunks'), 0);
  });

  test('an upload never committed expires, and its chunks go from the hosts and the hub; committed chunks stay', async () => {
    const u = await storeUnreported(9000, 5);
    // Stored, no receipts at all: only the sweep can find these copies.
    const silent = await storeUnreported(11_000, 6);
    // One host's receipt reaches the hub, the other's never does.
    await alice.hub.call('addReceipts', {
      params: { id: u.uploadId },
      body: { receipts: [u.receipts[0] as string] },
    });
    assert.equal(await count(`chunk_replicas where chunk_id = '${u.id}'`), 1);
    await until(
      'the upload expires',
      async () => (await count(`uploads where id = '${u.uploadId}'`)) === 0,
      60_000,
    );
    await until(
      'the hub forgets the chunk',
      async () => (await count(`chunks where id = '${u.id}'`)) === 0,
      30_000,
    );
    await until(
      'the hosts hold what the hub records',
      async () => (await accountingDrift(net)).agree,
      30_000,
    );
    assert.equal(await count(`chunk_replicas where chunk_id = '${u.id}'`), 0);
    const { hosts } = await accountingDrift(net);
    for (const t of [u.first, u.second, silent.first, silent.second]) {
      const h = hosts.find((x) => x.id === t.hostId);
      assert.ok(h && h.host === h.replicas, JSON.stringify(h));
    }
    // Every committed file still reads back from every replica.
    for (const path of ['/big.bin', '/small/3.txt']) {
      for (const r of await replicasOf(alice, path)) {
        const res = await fetch(`${r.url}/chunks/${r.id}`, {
          headers: { authorization: `Bearer ${r.token}` },
        });
        assert.equal(res.status, 200, `${path} on ${r.hostId}`);
        await res.arrayBuffer();
      }
    }
  });

  test('admin stats shows each host three ways, and drift when there is any', async () => {
    await alice.trash('/small');
    await alice.purge('small');
    // The collector deletes the purged chunks round by round, and each host reports its bytes
    // at its next heartbeat: agreement counts once it holds across two heartbeats.
    let agreedSince: number | null = null;
    await until('agreement after a purge, across two heartbeats', async () => {
      if (!(await accountingDrift(net)).agree) agreedSince = null;
      else agreedSince ??= Date.now();
      return agreedSince !== null && Date.now() - agreedSince > 1000;
    });
    const ok = await cli(['admin', 'stats', '--json', '--token-file', tokenFile()], net.env);
    assert.equal(ok.code, 0, ok.stderr);
    const stats = ok.json<{ drifting: number; accounting: { agrees: boolean }[] }>();
    assert.equal(stats.drifting, 0);
    assert.equal(stats.accounting.length, 3);
    const host = (await accountingDrift(net)).hosts.find((h) => h.replicas > 0);
    assert.ok(host);
    await hubSql(
      net,
      `update hosts set stored_bytes = stored_bytes + 1234 where id = '${host.id}'`,
    );
    try {
      const shown = await cli(['admin', 'stats', '--token-file', tokenFile()], net.env);
      assert.equal(shown.code, 0, shown.stderr);
      assert.match(shown.stdout, new RegExp(`${host.id.slice(0, 8)} .*DRIFT: hub counter \\+1234`));
      const json = (
        await cli(['admin', 'stats', '--json', '--token-file', tokenFile()], net.env)
      ).json<{
        drifting: number;
        accounting: { id: string; storedBytes: number; replicaBytes: number; agrees: boolean }[];
      }>();
      assert.equal(json.drifting, 1);
      const row = json.accounting.find((h) => h.id === host.id);
      assert.equal(row?.agrees, false);
      assert.equal((row?.storedBytes ?? 0) - (row?.replicaBytes ?? 0), 1234);
      assert.equal((await accountingDrift(net)).agree, false);
      // The dashboard warns only once a difference outlasts chunks in flight and the sweep.
      await until('the drift to count as lasting', async () => {
        const again = (
          await cli(['admin', 'stats', '--json', '--token-file', tokenFile()], net.env)
        ).json<{ accounting: { id: string; lasting: boolean }[] }>();
        return again.accounting.find((h) => h.id === host.id)?.lasting;
      });
    } finally {
      await hubSql(
        net,
        `update hosts set stored_bytes = stored_bytes - 1234 where id = '${host.id}'`,
      );
    }
  });
});
