import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { HOST } from '@coffer/protocol';
import { CofferClient, openFileManifest } from '@coffer/sdk';
import { type Network, startNetwork } from '../src/index.ts';

// The hoster network: 6 hosts in 4 countries, with garbage collection every half second.

let net: Network;
let client: CofferClient;

before(async () => {
  net = await startNetwork({
    hosts: 6,
    countries: ['FR', 'DE', 'ES', 'BR', 'FR', 'DE'],
    hubConfig: { gc: { intervalMs: 500 }, heartbeatMs: 200 },
  });
  ({ client } = await CofferClient.signup({
    hubUrl: net.hubUrl,
    email: 'hoster-net@example.com',
    password: 'pw',
  }));
});
after(async () => {
  await net?.close();
});

/** Every replica of every object of a file, with a get token for each, from the hub. */
async function replicasOf(path: string) {
  const manifest = await openFileManifest(client, await client.resolve(path));
  const ids = [...new Set(manifest.chunks.map((c) => c.pack?.id ?? c.id))];
  const { chunks } = await client.hub.call('locateChunks', { body: { ids } });
  return chunks.flatMap((c) => c.replicas.map((r) => ({ id: c.id, ...r })));
}

const status = async (r: { id: string; url: string; token: string }) =>
  (
    await fetch(r.url + HOST.chunkPath(r.id), {
      method: 'HEAD',
      headers: { authorization: `Bearer ${r.token}` },
    })
  ).status;

async function until(what: string, check: () => Promise<boolean>, ms = 30_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('garbage collection: after a purge, the chunks disappear from the hosts; kept files stay', async () => {
  await client.upload(
    '/gc/big.bin',
    new Uint8Array(9 * 1024 * 1024).map((_, i) => i % 249),
    { parents: true },
  );
  await client.uploadMany(
    Array.from({ length: 30 }, (_, i) => ({
      path: `/gc/small/s${i}`,
      bytes: new Uint8Array(500).fill(i),
    })),
    { parents: true },
  );
  await client.upload('/kept.bin', new Uint8Array(5 * 1024 * 1024).fill(7));
  const doomed = [...(await replicasOf('/gc/big.bin')), ...(await replicasOf('/gc/small/s3'))];
  const kept = await replicasOf('/kept.bin');
  assert.ok(doomed.length >= 6, 'three chunks and a pack, two replicas each');
  for (const r of [...doomed, ...kept]) assert.equal(await status(r), 200);

  await client.trash('/gc');
  for (const r of doomed) assert.equal(await status(r), 200, 'the trash still holds the chunks');
  const trashed = (await client.listTrash()).find((e) => e.name === 'gc');
  assert.ok(trashed);
  await client.purge(trashed.id);

  await until('every purged replica is gone', async () => {
    for (const r of doomed) if ((await status(r)) !== 404) return false;
    return true;
  });
  for (const r of kept) assert.equal(await status(r), 200, 'a live file keeps its chunks');
  assert.deepEqual(
    await client
      .download('/kept.bin')
      .then(async (d) => new Uint8Array(await new Response(d.stream).arrayBuffer())),
    new Uint8Array(5 * 1024 * 1024).fill(7),
  );
  // The hub's accounting follows: what the hosts hold is what live files need.
  const stats = (await (
    await fetch(`${net.hubUrl}/api/admin/stats`, {
      headers: { authorization: `Bearer ${net.operatorToken}` },
    })
  ).json()) as { storedBytes: number };
  const keptBytes = 2 * 5 * 1024 * 1024; // two replicas; each chunk adds a few bytes of framing
  assert.ok(stats.storedBytes >= keptBytes, `stored ${stats.storedBytes}`);
  assert.ok(stats.storedBytes < keptBytes + kept.length * 1024, `stored ${stats.storedBytes}`);
});
