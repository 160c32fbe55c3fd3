import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CofferClient } from '@coffer/sdk';
import { type Network, placementOf, startNetwork, until } from '../src/index.ts';

// The hub's own default policy, with no `placement` in its config: 3 replicas in 3 countries
// ([Note: Three replicas by default]), and repair keeps 3 when a holder dies.

const COUNTRIES = ['FR', 'DE', 'ES', 'BR'];
let net: Network;
let client: CofferClient;

before(async () => {
  net = await startNetwork({
    hosts: 4,
    countries: COUNTRIES,
    hubDefaults: true,
    hubConfig: { repair: { intervalMs: 500, lostAfterMs: 4000, batch: 100 } },
  });
  ({ client } = await CofferClient.signup({
    hubUrl: net.hubUrl,
    email: 'd@example.com',
    password: 'pw',
  }));
});
after(() => net?.close());

const placement = (path: string) => placementOf(net, client, path);

test('with no policy in its config, the hub keeps 3 replicas in 3 countries, through a host dying', async () => {
  const data = new Uint8Array(9 * 1024 * 1024).map((_, i) => (i * 7) % 251);
  await client.upload('/default.bin', data);
  const chunks = await placement('/default.bin');
  assert.ok(chunks.length >= 2);
  for (const c of chunks) assert.equal(new Set(c.hosts.map((h) => h.country)).size, 3);

  // A country every chunk is in: its host dies for good.
  const dead = COUNTRIES.find((k) => chunks.every((c) => c.hosts.some((h) => h.country === k)));
  assert.ok(dead, 'some host holds every chunk (3 of 4 hosts hold each)');
  await net.hosts[COUNTRIES.indexOf(dead)]?.kill();
  await until(
    'every chunk is back at 3 replicas in 3 countries, none on the dead host',
    async () => {
      const now = await placement('/default.bin');
      return now.every(
        (c) =>
          c.hosts.length === 3 &&
          new Set(c.hosts.map((h) => h.country)).size === 3 &&
          !c.hosts.some((h) => h.country === dead),
      );
    },
    90_000,
  );
  const back = new Uint8Array(
    await new Response((await client.download('/default.bin')).stream).arrayBuffer(),
  );
  assert.deepEqual(back, data);
});
