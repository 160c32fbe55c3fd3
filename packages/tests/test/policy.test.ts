import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CofferClient } from '@coffer/sdk';
import { type Network, placementOf, startNetwork } from '../src/index.ts';

// The placement policy comes from the hub's config file: here 3 replicas, and never Germany.

let net: Network;
let client: CofferClient;

before(async () => {
  net = await startNetwork({
    hosts: 5,
    countries: ['FR', 'DE', 'ES', 'BR', 'PT'],
    hubConfig: { placement: { replicas: 3, excludeCountries: ['DE'] } },
  });
  ({ client } = await CofferClient.signup({
    hubUrl: net.hubUrl,
    email: 'p@example.com',
    password: 'pw',
  }));
});
after(() => net?.close());

const placement = (path: string) => placementOf(net, client, path);

test('every chunk lands on 3 hosts in 3 countries, none of them excluded', async () => {
  const data = new Uint8Array(9 * 1024 * 1024).map((_, i) => i % 251);
  await client.upload('/policy.bin', data);
  await client.uploadMany(
    Array.from({ length: 20 }, (_, i) => ({
      path: `/many/f${i}`,
      bytes: new Uint8Array(100).fill(i),
    })),
    { parents: true },
  );
  for (const path of ['/policy.bin', '/many/f7']) {
    const chunks = await placement(path);
    assert.ok(chunks.length >= 1);
    for (const c of chunks) {
      const countries = c.hosts.map((h) => h.country);
      assert.equal(new Set(countries).size, 3, `${path}: ${countries}`);
      assert.ok(!countries.includes('DE'), `${path}: a chunk on an excluded country`);
    }
  }
});

test('an upload aborted with its AbortSignal stops, and commits nothing', async () => {
  const controller = new AbortController();
  const data = new Uint8Array(24 * 1024 * 1024).map((_, i) => i % 253);
  let progressed = 0;
  await assert.rejects(
    client.upload('/aborted.bin', data, {
      signal: controller.signal,
      onProgress: (p) => {
        progressed = p.bytesDone;
        if (p.bytesDone > 0) controller.abort();
      },
    }),
    (e: Error) => e.name === 'AbortError',
  );
  assert.ok(progressed > 0, 'progress was reported before the abort');
  assert.equal(
    (await client.list('/')).some((e) => e.name === 'aborted.bin'),
    false,
  );
});

test('progress events count up to the file size', async () => {
  const data = new Uint8Array(10 * 1024 * 1024 + 123).map((_, i) => i % 7);
  const seen: number[] = [];
  await client.upload('/progress.bin', data, { onProgress: (p) => seen.push(p.bytesDone) });
  assert.ok(seen.length >= 2);
  assert.deepEqual(
    [...seen].sort((a, b) => a - b),
    seen,
    'progress never goes backwards',
  );
  assert.equal(seen.at(-1), data.length);
  const downloaded: number[] = [];
  const { stream } = await client.download('/progress.bin', {
    onProgress: (p) => downloaded.push(p.bytesDone),
  });
  for await (const _ of stream as unknown as AsyncIterable<Uint8Array>) {
    // drain
  }
  assert.equal(downloaded.at(-1), data.length);
});
