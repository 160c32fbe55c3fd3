import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { HubClient } from '../src/hub-client.ts';
import type { RetryEvent } from '../src/retry-count.ts';

// The SDK rides out a 5xx by retrying; the retries are counted and told, so a stalling
// transfer shows a failing hub instead of hiding it.

let server: Server;
let url: string;
/** Status codes to answer with, in order; 200 once they run out. */
let failures: number[] = [];
let requests = 0;

before(async () => {
  server = createServer((_req, res) => {
    requests++;
    const status = failures.shift() ?? 200;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(status === 200 ? JSON.stringify({ nodes: [], next: null }) : '');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => new Promise<void>((r) => server.close(() => r())));

const policy = { maxElapsedMs: 10_000, firstDelayMs: 1, maxDelayMs: 2 };
const id = 'ab'.repeat(16);

test('a 503 once, then an answer: the call succeeds and one retry is counted and told', async () => {
  const told: RetryEvent[] = [];
  const hub = new HubClient({ hubUrl: url, retry: policy, onRetry: (e) => told.push(e) });
  failures = [503];
  requests = 0;
  const page = await hub.call('children', { params: { id }, query: {} });
  assert.deepEqual(page.nodes, []);
  assert.equal(requests, 2);
  assert.deepEqual(hub.retries.counts(), { total: 1, byKind: { children: 1 } });
  assert.equal(told.length, 1);
  assert.equal(told[0]?.kind, 'children');
  assert.equal(told[0]?.attempt, 1);
  assert.match(told[0]?.error.message ?? '', /children: server error 503/);
});

test('retries add up by route; a call that needs none counts nothing', async () => {
  const hub = new HubClient({ hubUrl: url, retry: policy });
  failures = [];
  await hub.call('children', { params: { id }, query: {} });
  assert.deepEqual(hub.retries.counts(), { total: 0, byKind: {} });
  failures = [502, 500];
  await hub.call('children', { params: { id }, query: {} });
  failures = [503];
  await hub.call('getNode', { params: { id }, query: {} }).catch(() => {});
  const counts = hub.retries.counts();
  assert.equal(counts.total, 3);
  assert.deepEqual(counts.byKind, { children: 2, getNode: 1 });
});
