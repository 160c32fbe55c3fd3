import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { IntegrityError, NotFoundError } from '@coffer/errors';
import { HubClient } from '../src/hub-client.ts';

// How the SDK words what a hub answers, against a stand-in HTTP server: what a hub says goes
// through the route table, and a problem on the hub's side reads as one.

let server: Server;
let hub: HubClient;
let answer: { status: number; body: unknown } = { status: 200, body: {} };

before(async () => {
  server = createServer((_req, res) => {
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer.body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  hub = new HubClient({
    hubUrl: `http://127.0.0.1:${port}`,
    token: 'x',
    retry: { maxElapsedMs: 0, firstDelayMs: 1, maxDelayMs: 1 },
  });
});

after(() => new Promise<void>((r) => server.close(() => r())));

const notFound = (message: string) => ({
  status: 404,
  body: { error: { code: 'not_found', message } },
});
const id = 'ab'.repeat(16);

test('a 404 on a tree route says the node went away, with the hub’s words as detail', async () => {
  answer = notFound('id: no such file or folder');
  await assert.rejects(hub.call('children', { params: { id }, query: {} }), (e: Error) => {
    assert.ok(e instanceof NotFoundError);
    assert.match(e.message, /listed a moment ago is gone/);
    assert.doesNotMatch(e.message, /^id:/);
    assert.match(e.detail ?? '', /id: no such file or folder/);
    return true;
  });
});

test('a 404 on a route whose id the user typed keeps the hub’s message', async () => {
  answer = notFound('id: no such link');
  await assert.rejects(hub.call('revokeLink', { params: { id } }), /id: no such link/);
});

test('an answer that does not match the route table is an IntegrityError with the path as detail', async () => {
  answer = { status: 200, body: { nodes: [{ id: 'not an id' }], next: null } };
  await assert.rejects(hub.call('children', { params: { id }, query: {} }), (e: Error) => {
    assert.ok(e instanceof IntegrityError);
    assert.match(e.message, /the hub's answer fails verification/);
    assert.match(e.detail ?? '', /^children response: nodes\.0\./);
    return true;
  });
});
