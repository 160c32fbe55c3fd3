import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { errorBody, type RouteName, type RouteSpec, routes } from '@coffer/protocol';
import { CofferClient } from '@coffer/sdk';
import { type Network, type RawResponse, rawRequest, startNetwork } from '@coffer/tests';

// The setup and tools of the bad-input tests (test/bad-input/*.test.ts): hostile and careless
// input, at every entry point (each hub route, each host route, the CLI). Whatever comes in,
// the answer is a 4xx with a JSON error that says what was wrong (and, for validation errors,
// which field), never a 5xx, never a hang, never a dead process. Each test file that imports
// this module starts its own network (before) and stops it (after).

export const hex = (n: number, c = 'a') => c.repeat(n);
export const randomHex = (n: number) =>
  Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(Math.random() * 16)]).join('');

export const ROUTES = Object.entries(routes) as [RouteName, RouteSpec][];
export const MAX_BODY = 16 * 1024 * 1024;

export let net: Network;
export let client: CofferClient;
export let session: string;
export const email = 'bad-input@example.com';
export const password = 'correct horse battery staple';

before(async () => {
  net = await startNetwork({
    // Wrong-password and fuzzed logins must not lock the test account out.
    hubConfig: { login: { perEmail: 1000, perAddress: 100_000, windowSeconds: 60 } },
  });
  ({ client } = await CofferClient.signup({ hubUrl: net.hubUrl, email, password }));
  session = client.saved().token;
});

after(async () => {
  await net?.close();
});

/** Asserts a proper client error: a 4xx, a JSON error body, a message, and a field if asked. */
export function assertClientError(
  res: RawResponse,
  what: string,
  expect: { status?: number; code?: string; field?: string } = {},
) {
  const detail = `${what}: got ${res.status} ${res.text.slice(0, 300)}`;
  assert.ok(res.status >= 400 && res.status < 500, `expected a 4xx; ${detail}`);
  if (expect.status !== undefined) assert.equal(res.status, expect.status, detail);
  assert.match(String(res.headers['content-type']), /^application\/json/, detail);
  const parsed = errorBody.safeParse(res.json);
  assert.ok(parsed.success, `expected {error:{code,message}}; ${detail}`);
  const { code, message, field } = parsed.data.error;
  assert.ok(message.trim().length > 0, `empty error message; ${detail}`);
  if (expect.code !== undefined) assert.equal(code, expect.code, detail);
  if (code === 'validation') {
    assert.ok(field && field.length > 0, `a validation error must name its field; ${detail}`);
    assert.ok(message.includes(field), `the message should name the field; ${detail}`);
  }
  if (expect.field !== undefined) assert.equal(field, expect.field, detail);
}

export function pathOf(spec: RouteSpec, params: Record<string, string> = {}) {
  return spec.path.replace(/\{(\w+)\}/g, (_, k: string) => params[k] ?? randomHex(32));
}

export function authFor(spec: RouteSpec): Record<string, string> {
  if (spec.auth === 'session') return { authorization: `Bearer ${session}` };
  if (spec.auth === 'operator') return { authorization: `Bearer ${net.operatorToken}` };
  return {};
}

export function call(
  spec: RouteSpec,
  o: {
    body?: string | Uint8Array;
    headers?: Record<string, string>;
    params?: Record<string, string>;
    query?: string;
    chunked?: boolean;
  } = {},
) {
  return rawRequest(`${net.hubUrl}${pathOf(spec, o.params)}${o.query ?? ''}`, {
    method: spec.method.toUpperCase(),
    headers: {
      ...authFor(spec),
      ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...o.headers,
    },
    ...(o.body !== undefined ? { body: o.body } : {}),
    ...(o.chunked ? { chunked: true } : {}),
  });
}

export async function hubAlive() {
  assert.equal(net.hub.child.exitCode, null, 'the hub process died');
  assert.equal(net.hub.child.signalCode, null, 'the hub process was killed');
  const r = await rawRequest(`${net.hubUrl}/api/health`, { method: 'GET' });
  assert.equal(r.status, 200, `hub health: ${r.status} ${r.text}`);
}

/** Requests no HTTP client would send: [what, the raw bytes]. */

export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return text;
  }
}
