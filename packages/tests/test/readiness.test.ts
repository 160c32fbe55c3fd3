import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { hubMetricsText, hubServerErrors, type Network, startNetwork, until } from '@coffer/tests';

// /api/health is liveness; /api/ready says whether an upload can be placed yet. The hub counts
// its answers by route in /metrics, and its 5xx apart.

describe('readiness and answer counts', () => {
  let net: Network;
  const ready = async () => {
    const res = await fetch(`${net.hubUrl}/api/ready`);
    return { status: res.status, body: (await res.json()) as { ready: boolean; reason?: string } };
  };

  before(async () => {
    net = await startNetwork({ hosts: 0, waitReady: false });
  });
  after(async () => {
    await net?.close();
  });

  test('503 naming what is missing until hosts in two countries register, then 200', async () => {
    assert.equal((await fetch(`${net.hubUrl}/api/health`)).status, 200, 'alive all along');
    let r = await ready();
    assert.equal(r.status, 503);
    assert.equal(r.body.ready, false);
    assert.match(r.body.reason ?? '', /2 countries.*no host has registered yet/);

    await net.addHost('FR');
    r = await until('the hub to see the FR host', async () => {
      const now = await ready();
      return /\(FR\)/.test(now.body.reason ?? '') && now;
    });
    assert.equal(r.status, 503, 'one country is not enough for two replicas');

    await net.addHost('DE');
    r = await until('ready', async () => {
      const now = await ready();
      return now.status === 200 && now;
    });
    assert.deepEqual(r.body, { ready: true });
  });

  test('/metrics counts answers by route name and class; a not-ready 503 is no server error', async () => {
    await fetch(`${net.hubUrl}/api/nodes/${'a'.repeat(32)}`); // 401: no session
    const text = await hubMetricsText(net);
    assert.match(text, /coffer_hub_http_responses_total\{route="ready",class="5xx"\} [1-9]/);
    assert.match(text, /coffer_hub_http_responses_total\{route="ready",class="2xx"\} [1-9]/);
    assert.match(text, /coffer_hub_http_responses_total\{route="getNode",class="4xx"\} 1/);
    assert.doesNotMatch(text, /\/api\/nodes\/a+/, 'routes by name, never raw paths');
    assert.equal(await hubServerErrors(net), 0);
  });
});
