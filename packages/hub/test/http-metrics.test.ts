import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NotFoundError } from '@coffer/errors';
import { clientErrorLog } from '@coffer/protocol';
import { Hono } from 'hono';
import { Registry } from 'prom-client';
import { errorResponse, type HttpLogs } from '../src/http-errors.ts';
import { httpMetrics, type RouteVars } from '../src/http-metrics.ts';

// The hub's answer counts in /metrics: a 5xx must show by route even when clients retry it.

describe('HTTP answer counts', () => {
  const setup = () => {
    const registry = new Registry();
    const counts = httpMetrics(registry);
    const internal: string[] = [];
    const client: string[] = [];
    const logs: HttpLogs = {
      internal: (l) => internal.push(l),
      client: clientErrorLog((l) => client.push(l)),
      refused: new WeakSet(),
    };
    const app = new Hono<RouteVars>();
    app.use('*', counts.count);
    app.onError((e, c) => errorResponse(c, e, logs));
    app.post('/api/boom', counts.named('addReceipts'), () => {
      throw new Error('a plain bug');
    });
    app.get('/api/missing/:id', counts.named('getNode'), () => {
      throw new NotFoundError('no such node');
    });
    app.get('/api/ok', counts.named('health'), (c) => c.json({ ok: true }));
    return { app, registry, internal, client };
  };
  const value = async (registry: Registry, name: string, labels: Record<string, string>) => {
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
    const found = (metric?.values ?? []).find((v) =>
      Object.entries(labels).every(([k, x]) => String(v.labels[k]) === x),
    );
    return found?.value ?? 0;
  };

  test('a handler that throws a plain Error is a 500, counted by route name, logged with its stack', async () => {
    const { app, registry, internal, client } = setup();
    for (let i = 0; i < 2; i++) {
      const res = await app.request('/api/boom', { method: 'POST' });
      assert.equal(res.status, 500);
    }
    assert.equal(
      await value(registry, 'coffer_hub_http_errors_total', {
        route: 'addReceipts',
        status: '500',
      }),
      2,
    );
    assert.equal(
      await value(registry, 'coffer_hub_http_responses_total', {
        route: 'addReceipts',
        class: '5xx',
      }),
      2,
    );
    assert.equal(internal.length, 2);
    assert.match(
      internal[0] ?? '',
      /internal error on POST \/api\/boom: Error: a plain bug\n\s+at /,
    );
    assert.equal(client.length, 0);
    const text = await registry.metrics();
    assert.match(text, /coffer_hub_http_errors_total\{route="addReceipts",status="500"\} 2/);
  });

  test('4xx and 2xx are counted by class, not as errors; unmatched paths count as other', async () => {
    const { app, registry, internal } = setup();
    assert.equal((await app.request(`/api/missing/${'a'.repeat(32)}`)).status, 404);
    assert.equal((await app.request('/api/ok')).status, 200);
    assert.equal((await app.request('/nowhere')).status, 404);
    assert.equal(
      await value(registry, 'coffer_hub_http_responses_total', { route: 'getNode', class: '4xx' }),
      1,
    );
    assert.equal(
      await value(registry, 'coffer_hub_http_responses_total', { route: 'health', class: '2xx' }),
      1,
    );
    assert.equal(
      await value(registry, 'coffer_hub_http_responses_total', { route: 'other', class: '4xx' }),
      1,
    );
    assert.doesNotMatch(await registry.metrics(), /coffer_hub_http_errors_total\{/);
    assert.equal(internal.length, 0);
  });
});

test('a status a route answers on purpose (not ready: 503) is counted by class, not as an error', async () => {
  const registry = new Registry();
  const counts = httpMetrics(registry);
  const app = new Hono<RouteVars>();
  app.use('*', counts.count);
  app.get('/api/ready', counts.named('ready', 503), (c) => c.json({ ready: false }, 503));
  assert.equal((await app.request('/api/ready')).status, 503);
  const text = await registry.metrics();
  assert.match(text, /coffer_hub_http_responses_total\{route="ready",class="5xx"\} 1/);
  assert.doesNotMatch(text, /coffer_hub_http_errors_total\{/);
});
