import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CofferClient } from '@coffer/sdk';
import { type Network, onEachDatabase, startNetwork } from '../../src/index.ts';
import { FAST, requestBody } from './fixture.ts';

// The limits on the device flow ([Note: Guessing user codes]): requests alive at once per
// client address (an IPv6 /64 as one), and the network's budget of failed user-code look-ups,
// shared by every account and address and kept in the database. The hub trusts this process
// as a proxy, so X-Forwarded-For picks the client address.

onEachDatabase('apps: limits on the device flow', (dialect) => {
  let net: Network;
  const tokens: Record<'alice' | 'bob', string> = { alice: '', bob: '' };
  before(async () => {
    net = await startNetwork({
      hosts: 0,
      dialect,
      hubConfig: {
        trustedProxies: ['127.0.0.1'],
        apps: { failedCodes: 5, failedCodesWindowSeconds: 3600, pendingPerAddress: 3 },
      },
    });
    for (const name of ['alice', 'bob'] as const) {
      const { client } = await CofferClient.signup({
        hubUrl: net.hubUrl,
        email: `${name}@example.com`,
        password: `${name}'s password`,
        retry: FAST,
      });
      tokens[name] = client.saved().token;
    }
  });
  after(() => net?.close());

  const post = (path: string, from: string, body: unknown, token?: string) =>
    fetch(`${net.hubUrl}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-forwarded-for': from,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(body),
    });
  const ask = (from: string) => post('/api/apps/requests', from, requestBody('read'));
  const lookup = (who: 'alice' | 'bob', from: string, userCode: string) =>
    post('/api/apps/lookup', from, { userCode }, tokens[who]);

  test('requests alive at once are capped per client address, an IPv6 /64 counting as one', async () => {
    for (const from of ['2001:db8:1:2::1', '2001:db8:1:2::2', '2001:db8:1:2:ffff::3']) {
      const r = await ask(from);
      assert.equal(r.status, 200, `${from}: ${await r.text()}`);
    }
    const fourth = await ask('2001:db8:1:2:aaaa:bbbb:cccc:dddd');
    assert.equal(fourth.status, 429);
    assert.ok(Number(fourth.headers.get('retry-after')) > 0);
    assert.match(await fourth.text(), /too many app requests waiting from your address/);
    // Another /64, and an IPv4 address, are other clients.
    assert.equal((await ask('2001:db8:1:3::1')).status, 200);
    assert.equal((await ask('203.0.113.7')).status, 200);
  });

  test('failed look-ups spend one budget for every account and address, kept across restarts', async () => {
    const asked = await ask('198.51.100.1');
    assert.equal(asked.status, 200);
    const { userCode } = (await asked.json()) as { userCode: string };
    // Look-ups that find their request cost nothing.
    for (let i = 0; i < 8; i++)
      assert.equal((await lookup('alice', '198.51.100.2', userCode)).status, 200);
    // Five unknown codes: three by alice from one address, two by bob from another.
    const real = userCode.replace('-', '');
    const wrong = ['BCDFGHJK', 'BCDFGHJL', 'BCDFGHJM', 'BCDFGHJN', 'BCDFGHJP', 'BCDFGHJQ']
      .filter((c) => c !== real)
      .slice(0, 5);
    for (const [i, code] of wrong.entries()) {
      const r =
        i < 3
          ? await lookup('alice', '198.51.100.2', code)
          : await lookup('bob', '2001:db8:9::1', code);
      assert.equal(r.status, 404, code);
    }
    // The budget is spent: even the right code is refused, to anyone, from anywhere.
    const refused = await lookup('bob', '192.0.2.9', userCode);
    assert.equal(refused.status, 429);
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
    assert.match(await refused.text(), /userCode: too many unknown codes were tried/);
    // And it stays spent for another hub process on the same database.
    await net.hub.kill();
    await net.hub.restart();
    assert.equal((await lookup('alice', '192.0.2.10', userCode)).status, 429);
  });
});
