import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { errorBody, type RouteName, type RouteSpec, routes } from '@coffer/protocol';
import { CofferClient } from '@coffer/sdk';
import {
  cli,
  type Network,
  parseRawAnswer,
  type RawResponse,
  rawHttp,
  rawRequest,
  startNetwork,
} from '@coffer/tests';
import fc from 'fast-check';

// Hostile and careless input, at every entry point: each hub route, each host route, the CLI.
// Whatever comes in, the answer is a 4xx with a JSON error that says what was wrong (and,
// for validation errors, which field), never a 5xx, never a hang, never a dead process.

const hex = (n: number, c = 'a') => c.repeat(n);
const randomHex = (n: number) =>
  Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(Math.random() * 16)]).join('');

const ROUTES = Object.entries(routes) as [RouteName, RouteSpec][];
const MAX_BODY = 16 * 1024 * 1024;

let net: Network;
let client: CofferClient;
let session: string;
const email = 'bad-input@example.com';
const password = 'correct horse battery staple';

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
function assertClientError(
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

function pathOf(spec: RouteSpec, params: Record<string, string> = {}) {
  return spec.path.replace(/\{(\w+)\}/g, (_, k: string) => params[k] ?? randomHex(32));
}

function authFor(spec: RouteSpec): Record<string, string> {
  if (spec.auth === 'session') return { authorization: `Bearer ${session}` };
  if (spec.auth === 'operator') return { authorization: `Bearer ${net.operatorToken}` };
  return {};
}

function call(
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

async function hubAlive() {
  assert.equal(net.hub.child.exitCode, null, 'the hub process died');
  assert.equal(net.hub.child.signalCode, null, 'the hub process was killed');
  const r = await rawRequest(`${net.hubUrl}/api/health`, { method: 'GET' });
  assert.equal(r.status, 200, `hub health: ${r.status} ${r.text}`);
}

/** Requests no HTTP client would send: [what, the raw bytes]. */
const MALFORMED_HTTP: [string, string][] = [
  ['an unknown method', 'BREW /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'],
  ['a garbage request line', 'garbage\r\n\r\n'],
  ['no Host header', 'GET /api/health HTTP/1.1\r\nConnection: close\r\n\r\n'],
  ['a backslash in the path', 'GET /api\\health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'],
  ['a bad Host header', 'GET /api/health HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n'],
  [
    'a 20 KiB header',
    `GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\nConnection: close\r\n\r\n`,
  ],
  [
    'a body cut short of its Content-Length',
    'POST /api/accounts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":',
  ],
  [
    'a bad chunked encoding',
    'POST /api/accounts HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
  ],
];

// ---- valid sample bodies: each mutation below breaks exactly one field of one of these ------

const b64 = 'AAAAAAAA';
const fileCommitSample = {
  nodeId: hex(32, '1'),
  parentId: hex(32, '2'),
  nameHash: hex(64, '3'),
  wrappedKey: b64,
  metadata: b64,
  version: 1,
  revision: 2,
  manifest: b64,
  size: 10,
  chunkIds: [hex(64, '4')],
};

/** A body each route's schema accepts; the test checks that it still does. */
const SAMPLES: Partial<Record<RouteName, Record<string, unknown>>> = {
  registerStart: { email: 'x@example.com', request: b64 },
  signup: {
    email: 'x@example.com',
    accountId: hex(32, 'b'),
    record: b64,
    wrappedMasterKey: b64,
    recoveryWrappedMasterKey: b64,
    recoveryProof: 'A'.repeat(43),
    wrappedIdentity: { signing: b64, agreement: b64 },
    keyBundle: b64,
    rootId: hex(32, 'c'),
    rootWrappedKey: b64,
    rootMetadata: b64,
    deviceName: 'laptop',
  },
  loginStart: { email: 'x@example.com', request: b64 },
  updateKeys: { wrappedIdentity: { signing: b64, agreement: b64 }, keyBundle: b64 },
  lookupContact: { email: 'x@example.com' },
  saveContactBook: { version: 1, book: b64 },
  putShare: {
    id: hex(32, '1'),
    nodeId: hex(32, '2'),
    memberList: b64,
    keys: [{ accountId: hex(32, '3'), keyVersion: 1, sealed: b64 }],
  },
  stageRekey: {
    keyVersion: 2,
    nodes: [
      {
        id: hex(32, '2'),
        version: 1,
        wrappedKey: b64,
        metadata: b64,
        nameHash: hex(64, '0'),
        signature: 'A'.repeat(86),
      },
    ],
    revisions: [{ nodeId: hex(32, '2'), revision: 1, manifest: b64 }],
  },
  createLink: {
    id: hex(32, '1'),
    nodeId: hex(32, '2'),
    envelope: b64,
    authors: b64,
    expiresAt: 2_000_000_000_000,
    maxDownloads: 3,
  },
  linkDownload: { nodeId: hex(32, '2'), ticket: '1.abc' },
  createRequest: {
    id: hex(32, '1'),
    folderId: hex(32, '2'),
    envelope: b64,
    wrappedKey: b64,
    expiresAt: 2_000_000_000_000,
    maxFiles: 3,
    maxBytes: 1_000_000,
  },
  acceptDrops: { files: [{ dropId: hex(32, '4'), file: fileCommitSample }] },
  requestUpload: {},
  requestPlace: { chunks: [{ id: hex(64, '5'), size: 100 }], exclude: [hex(32, '6')] },
  requestReceipts: { receipts: ['eyJ2IjoxfQ.c2ln'] },
  requestSend: { files: [{ nodeId: hex(32, '2'), sealed: b64, chunkIds: [hex(64, '5')] }] },
  loginFinish: { loginId: hex(32, 'd'), finish: b64, deviceName: 'laptop' },
  recoveryStart: { email: 'x@example.com' },
  recoveryFinish: {
    email: 'x@example.com',
    recoveryProof: 'A'.repeat(43),
    record: b64,
    wrappedMasterKey: b64,
    deviceName: 'laptop',
  },
  createFolder: {
    id: hex(32, 'e'),
    parentId: hex(32, 'f'),
    nameHash: hex(64, '0'),
    wrappedKey: b64,
    metadata: b64,
  },
  updateNode: {
    version: 1,
    parentId: hex(32, 'f'),
    nameHash: hex(64, '0'),
    wrappedKey: b64,
    metadata: b64,
  },
  trashNode: { version: 1 },
  restoreNode: { version: 1 },
  createUpload: {},
  placeChunks: {
    chunks: [{ id: hex(64, '5'), size: 100 }],
    exclude: [hex(32, '6')],
    folders: [hex(32, '8')],
  },
  addReceipts: { receipts: ['eyJ2IjoxfQ.c2ln'] },
  commitUpload: { files: [fileCommitSample] },
  locateChunks: { ids: [hex(64, '7')] },
  hostHello: { hello: 'eyJ2IjoxfQ.c2ln' },
  hostExit: { exit: 'eyJ2IjoxfQ.c2ln' },
  hostClaim: { claim: 'eyJ2IjoxfQ.c2ln' },
  hostReconcile: { request: 'eyJ2IjoxfQ.c2ln' },
  reportChunk: { chunkId: hex(64, '9'), hostId: hex(32, 'a') },
  setFolderPolicy: {
    policy: {
      replicas: 3,
      allowCountries: ['FR', 'DE', 'ES'],
      excludeCountries: ['BR'],
      requiredTags: { power: 'solar' },
    },
  },
  adminUpdateHost: { country: 'FR', tags: { tier: 'home' }, suspended: false },
};

/** A value of another JSON type than `v`. */
function wrongType(v: unknown): unknown {
  if (typeof v === 'string') return 12345;
  if (typeof v === 'number') return '12';
  if (typeof v === 'boolean') return 'true';
  if (Array.isArray(v)) return { 0: v[0] };
  if (v === null) return 0;
  return 'an object was expected';
}

/** A value of the right type but an impossible form. */
function malformed(v: unknown): unknown {
  if (typeof v === 'string') return `%%\u0000${'x'.repeat(9000)}`;
  if (typeof v === 'number') return -1.5;
  if (Array.isArray(v)) return [12345];
  return undefined;
}

type Path = (string | number)[];

/** Every path into `v` (objects and the first element of arrays), with its value. */
function* paths(v: unknown, at: Path = []): Generator<[Path, unknown]> {
  if (Array.isArray(v)) {
    if (v.length) {
      yield [[...at, 0], v[0]];
      yield* paths(v[0], [...at, 0]);
    }
  } else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      yield [[...at, k], x];
      yield* paths(x, [...at, k]);
    }
  }
}

function setAt(root: unknown, p: Path, value: unknown, remove = false): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let cur = copy;
  for (const k of p.slice(0, -1)) cur = cur[k] as Record<string | number, unknown>;
  const last = p.at(-1) as string | number;
  if (remove) delete cur[last];
  else cur[last] = value;
  return copy;
}

describe('hub routes refuse malformed requests with a clear 4xx', () => {
  test('the sample bodies are valid, so each mutation breaks exactly one field', () => {
    for (const [name, spec] of ROUTES) {
      if (!spec.body) continue;
      const sample = SAMPLES[name];
      assert.ok(sample, `no sample body for ${name}`);
      const r = spec.body.safeParse(sample);
      assert.ok(r.success, `${name}: sample is invalid: ${JSON.stringify(r.error?.issues[0])}`);
    }
  });

  test('a body that is not JSON, or JSON of the wrong shape, is a 400 naming "body"', async () => {
    const notJson = [
      '',
      '{',
      '{"a":',
      "{'single': 'quotes'}",
      '\u0000',
      'undefined',
      '\uFEFF',
      `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
    ];
    const wrongShape = ['null', '[]', '"a string"', '42', 'true', '[{}]'];
    for (const [name, spec] of ROUTES) {
      if (!spec.body) continue;
      for (const body of [...notJson, ...wrongShape]) {
        if (spec.body.safeParse(safeJson(body)).success) continue;
        const res = await call(spec, { body });
        assertClientError(res, `${name} with body ${JSON.stringify(body.slice(0, 20))}`, {
          status: 400,
          code: 'validation',
          field: 'body',
        });
      }
      // No body at all.
      assertClientError(
        await rawRequest(`${net.hubUrl}${pathOf(spec)}`, {
          method: spec.method.toUpperCase(),
          headers: authFor(spec),
        }),
        `${name} without a body`,
        { status: 400, field: 'body' },
      );
    }
  });

  test('every field with the wrong type, a malformed value or missing is a 400 naming it', async () => {
    let checked = 0;
    for (const [name, spec] of ROUTES) {
      const schema = spec.body;
      const sample = SAMPLES[name];
      if (!schema || !sample) continue;
      const cases: { body: unknown; field: string; what: string }[] = [];
      for (const [p, v] of paths(sample)) {
        const field = `body.${p.join('.')}`;
        cases.push({ body: setAt(sample, p, wrongType(v)), field, what: 'wrong type' });
        const bad = malformed(v);
        if (bad !== undefined)
          cases.push({
            body: setAt(sample, p, bad),
            field: Array.isArray(bad) ? `${field}.0` : field,
            what: 'malformed value',
          });
        if (typeof p.at(-1) === 'string')
          cases.push({ body: setAt(sample, p, undefined, true), field, what: 'missing' });
      }
      // An unknown field: the schemas are strict; the field is the object that holds it, and
      // the message names the key.
      cases.push({ body: { ...sample, isAdmin: true }, field: 'body', what: 'unknown field' });
      for (const c of cases) {
        // Optional fields may be left out; the schema is the judge of what is valid.
        if (schema.safeParse(c.body).success) continue;
        const res = await call(spec, { body: JSON.stringify(c.body) });
        assertClientError(res, `${name}: ${c.what} at ${c.field}`, {
          status: 400,
          code: 'validation',
          field: c.field,
        });
        if (c.what === 'unknown field') assert.match(res.text, /isAdmin/, `${name}: ${res.text}`);
        checked++;
      }
    }
    assert.ok(checked > 150, `only ${checked} field mutations were checked`);
  });

  test('malformed path parameters are a 4xx, never a lookup', async () => {
    const withParams = ROUTES.filter(([, s]) => s.params);
    assert.ok(withParams.length >= 10);
    const bad = [
      'xyz',
      hex(32, 'A'),
      hex(33),
      hex(31),
      '%00',
      '..%2F..%2Fetc',
      '%E0%A4%A',
      `${hex(32)}%20`,
      encodeURIComponent("' OR 1=1 --"),
      'x'.repeat(5000),
    ];
    for (const [name, spec] of withParams) {
      for (const id of bad) {
        const res = await call(spec, {
          params: { id },
          ...(spec.body ? { body: JSON.stringify(SAMPLES[name]) } : {}),
          ...(name === 'purgeNode' ? { query: '?version=1' } : {}),
        });
        assertClientError(res, `${name} with id ${id.slice(0, 40)}`, {
          status: 400,
          field: 'params.id',
        });
      }
      // Dot segments: resolved away, so no route matches, or the id is malformed.
      for (const id of ['../../etc', '..', '%2E%2E', '../../../../etc/passwd']) {
        const res = await rawRequest(`${net.hubUrl}${pathOf(spec, { id })}`, {
          method: spec.method.toUpperCase(),
          headers: authFor(spec),
        });
        assertClientError(res, `${name} with id ${id}`);
      }
    }
  });

  test('malformed query parameters are a 400 naming them', async () => {
    const cases: [RouteName, string, string][] = [
      ['getNode', '?include=everything', 'query.include'],
      ['children', '?limit=abc', 'query.limit'],
      ['children', '?limit=-1', 'query.limit'],
      ['children', '?limit=1e9', 'query.limit'],
      ['children', '?limit=1.5', 'query.limit'],
      ['children', '?after=xyz', 'query.after'],
      ['children', `?nameHash=${hex(63)}`, 'query.nameHash'],
      ['children', '?include=keys', 'query.include'],
      ['purgeNode', '', 'query.version'],
      ['purgeNode', '?version=abc', 'query.version'],
      ['purgeNode', '?version=-3', 'query.version'],
      ['purgeNode', `?version=${2 ** 40}`, 'query.version'],
    ];
    const root = client.keys.rootId;
    for (const [name, query, field] of cases) {
      const res = await call(routes[name], { params: { id: root }, query });
      assertClientError(res, `${name}${query}`, { status: 400, field });
    }
  });

  test('a body over 16 MiB is a 413, declared or streamed', async () => {
    const big = new Uint8Array(MAX_BODY + 1024 * 1024).fill(0x20);
    for (const [name, spec] of ROUTES) {
      // GET requests carry no body the hub would read.
      if (spec.method === 'get') continue;
      const res = await call(spec, { body: big });
      assertClientError(res, `${name} with a 17 MiB body`, { status: 413, field: 'body' });
    }
    for (const name of ['signup', 'commitUpload', 'revokeSession'] as const) {
      const res = await call(routes[name], { body: big, chunked: true });
      assertClientError(res, `${name} with a streamed 17 MiB body`, { status: 413, field: 'body' });
    }
    // A body just under the limit is read and judged on its content, not refused for size.
    const almost = JSON.stringify({
      files: [{ ...fileCommitSample, manifest: 'A'.repeat(MAX_BODY - 1000) }],
    });
    const res = await call(routes.commitUpload, { body: almost });
    assert.notEqual(res.status, 413, 'a body under 16 MiB was refused as too large');
    assertClientError(res, 'commitUpload just under 16 MiB');
    await hubAlive();
  });

  test('missing or invalid credentials are a 401 on every route that needs them', async () => {
    const guarded = ROUTES.filter(([, s]) => s.auth !== 'none');
    assert.ok(guarded.length >= 20);
    const bad: [string, Record<string, string>][] = [
      ['no Authorization header', {}],
      ['an empty Authorization header', { authorization: '' }],
      ['a garbage token', { authorization: 'Bearer garbage' }],
      ['an unknown token', { authorization: `Bearer ${'A'.repeat(43)}` }],
      ['a token with bad characters', { authorization: `Bearer ${'A'.repeat(40)}%$#` }],
      ['Basic credentials', { authorization: 'Basic dXNlcjpwYXNzd29yZA==' }],
      ['a bare token', { authorization: session }],
      ['two tokens', { authorization: `Bearer ${session} Bearer ${session}` }],
      ['a 10 kB token', { authorization: `Bearer ${'A'.repeat(10_000)}` }],
    ];
    for (const [name, spec] of guarded) {
      const cases = [...bad];
      // The operator token is no session, and a session is no operator.
      if (spec.auth === 'session')
        cases.push(['the operator token', { authorization: `Bearer ${net.operatorToken}` }]);
      else cases.push(['a user session', { authorization: `Bearer ${session}` }]);
      for (const [what, headers] of cases) {
        const res = await rawRequest(`${net.hubUrl}${pathOf(spec)}`, {
          method: spec.method.toUpperCase(),
          headers: { 'content-type': 'application/json', ...headers },
          ...(spec.body ? { body: JSON.stringify(SAMPLES[name]) } : {}),
        });
        assertClientError(res, `${name} with ${what}`, { status: 401, code: 'auth' });
      }
    }
  });

  test('a session that was logged out, or revoked, is a 401 everywhere', async () => {
    const other = await CofferClient.login({ hubUrl: net.hubUrl, email, password });
    const revoked = other.saved().token;
    await other.logout();
    const third = await CofferClient.login({ hubUrl: net.hubUrl, email, password });
    await client.revokeSession(third.saved().sessionId);
    for (const token of [revoked, third.saved().token]) {
      for (const [name, spec] of ROUTES.filter(([, s]) => s.auth === 'session')) {
        const res = await rawRequest(`${net.hubUrl}${pathOf(spec, { id: client.keys.rootId })}`, {
          method: spec.method.toUpperCase(),
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          ...(spec.body ? { body: JSON.stringify(SAMPLES[name]) } : {}),
        });
        assertClientError(res, `${name} with an ended session`, { status: 401, code: 'auth' });
      }
    }
    // The session that did the revoking is untouched.
    assert.equal((await client.list('/')).length, 0);
  });

  test('unknown paths and methods are a 404 with the JSON error body', async () => {
    const cases: [string, string][] = [
      ['GET', '/api'],
      ['GET', '/api/nope'],
      ['GET', '/api/nodes'],
      ['PUT', `/api/nodes/${hex(32)}`],
      ['DELETE', '/api/account'],
      ['PATCH', '/api/uploads'],
      ['GET', '/api/health/../../../etc/passwd'],
      ['GET', `/api/${'a/'.repeat(2000)}`],
    ];
    for (const [method, path] of cases) {
      const res = await rawRequest(`${net.hubUrl}${path}`, { method });
      assertClientError(res, `${method} ${path.slice(0, 40)}`);
    }
  });

  test('requests too malformed for routing still get a 4xx with the JSON error body', async () => {
    for (const [what, text] of MALFORMED_HTTP) {
      const res = parseRawAnswer(await rawHttp(net.hubUrl, text));
      // Node answers a request without a Host header itself, with a bare 400 (still a 4xx,
      // which the next test checks); HTTP/1.1 clients always send one.
      if (what === 'no Host header') {
        assert.equal(res.status, 400);
        continue;
      }
      assertClientError(res, `hub: ${what}`);
    }
    await hubAlive();
  });

  test('requests too malformed for routing never get a 5xx, and the hub stays up', async () => {
    for (const [what, text] of MALFORMED_HTTP) {
      const res = parseRawAnswer(await rawHttp(net.hubUrl, text));
      assert.ok(res.status >= 400 && res.status < 500, `hub: ${what}: ${res.status}`);
    }
    await hubAlive();
  });

  test('fuzz: random bodies at random routes with random methods never get a 5xx', async () => {
    const names = ROUTES.map(([n]) => n);
    const body = fc.oneof(
      fc.anything().map((v) => JSON.stringify(v) as string | undefined),
      fc.object().map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 200 }),
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.constant(undefined),
    );
    const id = fc.oneof(
      fc.stringMatching(/^[0-9a-f]{32}$/),
      fc.string({ maxLength: 40 }).map(encodeURIComponent),
      fc.constantFrom('xyz', '..%2F..', '%00', client.keys.rootId),
    );
    const query = fc.dictionary(
      fc.constantFrom('include', 'limit', 'after', 'nameHash', 'version', 'x'),
      fc.oneof(fc.string({ maxLength: 30 }), fc.integer().map(String)),
      { maxKeys: 3 },
    );
    let answers = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...names, 'nowhere' as const),
        fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'HEAD', 'OPTIONS'),
        fc.constantFrom('none', 'session', 'operator', 'garbage'),
        id,
        query,
        body,
        async (name, method, auth, idValue, q, text) => {
          const spec = name === 'nowhere' ? null : routes[name];
          const path = spec
            ? spec.path.replace(/\{(\w+)\}/g, () => idValue)
            : `/api/nowhere/${idValue}`;
          const qs = new URLSearchParams(q).toString();
          // Logging out would end the session the other runs use.
          const token =
            auth === 'session' && name !== 'logout'
              ? session
              : auth === 'operator'
                ? net.operatorToken
                : auth === 'garbage'
                  ? 'garbage-token-garbage-token'
                  : null;
          const withBody = text !== undefined && method !== 'GET' && method !== 'HEAD';
          const res = await rawRequest(`${net.hubUrl}${path}${qs ? `?${qs}` : ''}`, {
            method,
            headers: {
              ...(token ? { authorization: `Bearer ${token}` } : {}),
              ...(withBody ? { 'content-type': 'application/json' } : {}),
            },
            ...(withBody ? { body: text } : {}),
            timeoutMs: 10_000,
          });
          answers++;
          assert.ok(res.status < 500, `${method} ${path}?${qs} ${text}: ${res.status} ${res.text}`);
          if (res.status >= 400 && method !== 'HEAD') {
            assertClientError(res, `${method} ${path}?${qs} body ${text?.slice(0, 80)}`);
          }
        },
      ),
      { numRuns: 300 },
    );
    assert.equal(answers, 300);
    await hubAlive();
  });

  test('the hub is still up and serving its user after all of it', async () => {
    await hubAlive();
    await client.upload('/still-works.txt', new TextEncoder().encode('still here'));
    assert.deepEqual(
      (await client.list('/')).map((e) => e.name),
      ['still-works.txt'],
    );
  });
});

/** The body as the hub reads it (UTF-8, a BOM dropped), or the text itself when not JSON. */
function safeJson(text: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return text;
  }
}

// ---- hosts ----------------------------------------------------------------------------------

describe('hosts refuse bad tokens, bad bytes and bad requests with a clear 4xx', () => {
  interface Target {
    hostId: string;
    url: string;
    token: string;
  }
  const size = 4096;
  let chunk: Uint8Array;
  let chunkId: string;
  /** put tokens for `chunkId`: [first in chain (with fwd), last in chain]. */
  let puts: Target[];
  /** A stored chunk of a file, with a get token per replica. */
  let stored: { id: string; size: number; replicas: Target[] };
  let otherPut: Target;

  const hubCall = async (spec: RouteSpec, body: unknown, params: Record<string, string> = {}) => {
    const res = await rawRequest(`${net.hubUrl}${pathOf(spec, params)}`, {
      method: spec.method.toUpperCase(),
      headers: { authorization: `Bearer ${session}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.ok(res.status < 300, `${spec.path}: ${res.status} ${res.text}`);
    return res.json as Record<string, unknown>;
  };

  before(async () => {
    chunk = new Uint8Array(size).map((_, i) => (i * 7) & 0xff);
    const { sha256Hex } = await import('@coffer/crypto');
    chunkId = await sha256Hex(chunk);
    const { uploadId } = (await hubCall(routes.createUpload, {})) as { uploadId: string };
    const place = async (id: string, n: number) =>
      (
        (await hubCall(routes.placeChunks, { chunks: [{ id, size: n }] }, { id: uploadId })) as {
          placements: { targets: Target[] }[];
        }
      ).placements[0]?.targets ?? [];
    puts = await place(chunkId, size);
    assert.equal(puts.length, 2, 'the default policy stores two replicas');
    otherPut = (await place(hex(64, '9'), 10))[0] as Target;
    // A real file's chunk, readable with get tokens.
    const up = await client.upload('/host-probe.bin', chunk);
    const revs = (await (
      await fetch(`${net.hubUrl}/api/nodes/${up.id}/revisions`, {
        headers: { authorization: `Bearer ${session}` },
      })
    ).json()) as { revisions: { chunkIds: string[] }[] };
    const storedId = revs.revisions[0]?.chunkIds[0] as string;
    const located = (await hubCall(routes.locateChunks, { ids: [storedId] })) as {
      chunks: { id: string; size: number; replicas: Target[] }[];
    };
    stored = located.chunks[0] as typeof stored;
    assert.equal(stored.replicas.length, 2);
  });

  const host = (t: Target, path: string, o: Parameters<typeof rawRequest>[1]) =>
    rawRequest(`${t.url}${path}`, o);
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const last = () => puts[1] as Target;
  const first = () => puts[0] as Target;
  const replica = () => stored.replicas[0] as Target;

  test('no token, a garbage token or a forged token: 400/401, for every operation', async () => {
    const creds: [string, Record<string, string>, number][] = [
      ['no token', {}, 401],
      ['an empty bearer', { authorization: 'Bearer ' }, 400],
      ['a garbage token', bearer('garbage'), 400],
      ['a token with three parts', bearer('a.b.c'), 400],
      ['a token that is not base64url JSON', bearer('%%%.%%%'), 400],
      ['a token with a bad payload', bearer('eyJ2IjoxfQ.AAAA'), 400],
      [
        'a token with a forged signature',
        bearer(`${last().token.split('.')[0]}.${'A'.repeat(86)}`),
        401,
      ],
      // Over node's 16 KiB header limit: refused before any handler runs.
      ['a 20 kB token', bearer('A'.repeat(20_000)), 431],
    ];
    for (const [what, headers, status] of creds) {
      for (const method of ['PUT', 'GET', 'HEAD', 'DELETE']) {
        const res = await host(last(), `/chunks/${chunkId}`, {
          method,
          headers,
          ...(method === 'PUT' ? { body: chunk } : {}),
        });
        if (method === 'HEAD') {
          assert.equal(res.status, status, `HEAD with ${what}`);
          continue;
        }
        assertClientError(res, `${method} with ${what}`, { status });
      }
    }
    // Tokens in the query string count as tokens too, and are checked the same way.
    assertClientError(
      await host(replica(), `/chunks/${stored.id}?token=garbage`, { method: 'GET' }),
      'GET with ?token=garbage',
      { status: 400, field: 'token' },
    );
  });

  test('a real token used for another chunk, another host or another operation: 401', async () => {
    const cases: [string, Target, string, string, string][] = [
      // what, host to ask, method, chunk in the path, token
      ['a put token for another chunk', last(), 'PUT', hex(64, '8'), last().token],
      ['a put token of another host', first(), 'PUT', chunkId, last().token],
      ['a put token as a get token', replica(), 'GET', stored.id, otherPut.token],
      ['a put token as a delete token', last(), 'DELETE', chunkId, last().token],
      ['a get token as a put token', replica(), 'PUT', stored.id, replica().token],
      ['a get token as a delete token', replica(), 'DELETE', stored.id, replica().token],
      [
        'a get token of another host',
        replica(),
        'GET',
        stored.id,
        (stored.replicas[1] as Target).token,
      ],
      ['a get token for another chunk', replica(), 'GET', chunkId, replica().token],
    ];
    for (const [what, t, method, id, token] of cases) {
      const res = await host(t, `/chunks/${id}`, {
        method,
        headers: bearer(token),
        ...(method === 'PUT' ? { body: chunk } : {}),
      });
      assertClientError(res, what, { status: 401, code: 'auth' });
    }
    // Still there: none of this deleted anything.
    const ok = await host(replica(), `/chunks/${stored.id}`, {
      method: 'GET',
      headers: bearer(replica().token),
    });
    assert.equal(ok.status, 200);
  });

  test('bytes that do not hash to the chunk id are refused with a 400', async () => {
    const wrong = chunk.slice();
    wrong[100] = (wrong[100] as number) ^ 1;
    const res = await host(last(), `/chunks/${chunkId}`, {
      method: 'PUT',
      headers: { ...bearer(last().token), 'content-type': 'application/octet-stream' },
      body: wrong,
    });
    assertClientError(res, 'PUT with flipped bytes', { status: 400, field: 'chunkId' });
    // And the chunk was not stored under that id: a get token cannot find it...
    // (we only hold put tokens for it, so ask for it through a proper put instead.)
    const good = await host(last(), `/chunks/${chunkId}`, {
      method: 'PUT',
      headers: { ...bearer(last().token), 'content-type': 'application/octet-stream' },
      body: chunk,
    });
    assert.equal(good.status, 201, `the right bytes are accepted: ${good.text}`);
  });

  test('a body longer or shorter than the token allows: 413 or 400', async () => {
    const longer = new Uint8Array(size + 1);
    const declared = await host(last(), `/chunks/${chunkId}`, {
      method: 'PUT',
      headers: bearer(last().token),
      body: longer,
    });
    assertClientError(declared, 'PUT with one byte too many (declared)', {
      status: 413,
      field: 'body',
    });
    const streamed = await host(last(), `/chunks/${chunkId}`, {
      method: 'PUT',
      headers: bearer(last().token),
      body: new Uint8Array(3 * 1024 * 1024),
      chunked: true,
    });
    assertClientError(streamed, 'PUT with 3 MiB streamed on a 4 KiB token', {
      status: 413,
      field: 'body',
    });
    const shorter = await host(last(), `/chunks/${chunkId}`, {
      method: 'PUT',
      headers: bearer(last().token),
      body: chunk.subarray(0, size - 1),
    });
    assertClientError(shorter, 'PUT one byte short', { status: 400, field: 'body' });
    const shortStream = await host(last(), `/chunks/${chunkId}`, {
      method: 'PUT',
      headers: bearer(last().token),
      body: chunk.subarray(0, 10),
      chunked: true,
    });
    assertClientError(shortStream, 'PUT 10 bytes streamed', { status: 400, field: 'body' });
    const forwardMissing = await host(first(), `/chunks/${chunkId}`, {
      method: 'PUT',
      headers: bearer(first().token),
      body: chunk,
    });
    assertClientError(forwardMissing, 'PUT without the forward tokens its chain needs', {
      status: 400,
      field: 'coffer-forward',
    });
  });

  test('bad Range headers: 400 when malformed, 416 when out of the chunk', async () => {
    const cases: [string, number][] = [
      ['bytes=abc', 400],
      ['bytes=5-2', 400],
      ['bytes=-', 400],
      ['bytes=0-1,4-5', 400],
      ['items=0-10', 400],
      ['bytes=--1', 400],
      [`bytes=${stored.size}-`, 416],
      [`bytes=${stored.size + 100}-${stored.size + 200}`, 416],
      ['bytes=-0', 416],
      [`bytes=${'9'.repeat(400)}-`, 416],
    ];
    for (const [range, status] of cases) {
      const res = await host(replica(), `/chunks/${stored.id}`, {
        method: 'GET',
        headers: { ...bearer(replica().token), range },
      });
      assertClientError(res, `Range: ${range}`, { status });
    }
    const ok = await host(replica(), `/chunks/${stored.id}`, {
      method: 'GET',
      headers: { ...bearer(replica().token), range: 'bytes=0-9' },
    });
    assert.equal(ok.status, 206);
    assert.equal(ok.headers['content-length'], '10');
  });

  test('unknown paths are a 404, malformed chunk ids a 400, wrong methods a 405', async () => {
    for (const path of ['/', '/nope', '/chunks', '/chunks/a/b', '/health/x', '/../../etc/passwd']) {
      assertClientError(await host(replica(), path, { method: 'GET' }), `GET ${path}`, {
        status: 404,
      });
    }
    for (const id of ['xyz', hex(64, 'A'), hex(63), '%00', '..%2F..%2Fetc', '']) {
      const res = await host(replica(), `/chunks/${id}`, {
        method: 'GET',
        headers: bearer(replica().token),
      });
      assertClientError(res, `GET /chunks/${id}`, { status: 400, field: 'chunkId' });
    }
    // POST is the hub's copy order (repair): a client's read token does not allow it.
    const copy = await host(replica(), `/chunks/${chunkId}`, {
      method: 'POST',
      headers: { ...bearer(replica().token), 'coffer-forward': replica().token },
    });
    assertClientError(copy, `POST /chunks/${chunkId} with a get token`, { status: 401 });
    for (const [method, path] of [
      ['PATCH', `/chunks/${chunkId}`],
      ['POST', '/health'],
      ['DELETE', '/health'],
    ] as const) {
      const res = await host(replica(), path, { method, body: 'x' });
      assertClientError(res, `${method} ${path}`, { status: 405, field: 'method' });
      assert.ok(res.headers.allow, `${method} ${path}: a 405 says what is allowed`);
    }
  });

  test('requests too malformed for routing get a 4xx with the JSON error body', async () => {
    for (const [what, text] of MALFORMED_HTTP) {
      // Node itself answers a missing Host before the host's handler can (as on the hub);
      // and hosts ignore the Host header, so a bad one is no error there.
      if (what === 'no Host header' || what === 'a bad Host header') continue;
      const hostText = text
        .replace('/api/health', '/health')
        .replace('POST /api/accounts', `PUT /chunks/${chunkId}`);
      const res = parseRawAnswer(await rawHttp(replica().url, hostText));
      assertClientError(res, `host: ${what}`);
    }
  });

  test('every host is still up, and still serves the chunk, after all of it', async () => {
    for (const h of net.hosts) {
      assert.equal(h.child.exitCode, null, `host ${h.url} died`);
      const res = await rawRequest(`${h.url}/health`, { method: 'GET' });
      assert.equal(res.status, 200);
    }
    const { stream } = await client.download('/host-probe.bin');
    assert.deepEqual(new Uint8Array(await new Response(stream).arrayBuffer()), chunk);
  });
});

// ---- the CLI --------------------------------------------------------------------------------

// Each CLI run is a fresh node process; they run side by side to keep the file fast.
describe('the CLI says what went wrong, with the documented exit code', {
  concurrency: true,
}, () => {
  let env: Record<string, string>;
  before(async () => {
    env = { ...net.env, COFFER_PASSWORD: password };
    // Logged in as `coffer login` would leave it (its own tests cover login itself).
    const dir = net.env.COFFER_CONFIG_DIR as string;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(join(dir, 'session.json'), JSON.stringify(client.saved()), { mode: 0o600 });
  });

  test('put of a missing local file: exit 4, naming the file', async () => {
    const missing = join(net.dir, 'no-such-file.txt');
    const r = await cli(['put', missing, '/x.txt'], env);
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /no-such-file\.txt does not exist/);
  });

  test('get of a remote path that does not exist: exit 4, naming the path', async () => {
    const r = await cli(['get', '/nope', join(net.dir, 'out')], env);
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /\/nope does not exist/);
  });

  test('an unknown flag: exit 2, naming the flag', async () => {
    const r = await cli(['ls', '--bogus'], env);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--bogus/);
  });

  test('login with a wrong password: exit 3, and no session saved', async () => {
    const dir = join(net.dir, 'wrong-password-config');
    const r = await cli(['login', email], {
      ...env,
      COFFER_CONFIG_DIR: dir,
      COFFER_PASSWORD: 'not the password',
    });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /wrong password/i);
    assert.equal(existsSync(join(dir, 'session.json')), false, 'a failed login saved a session');
  });

  test('no hub configured: exit 2, naming --hub', async () => {
    const dir = join(net.dir, 'no-hub-config');
    const r = await cli(['login', email], {
      COFFER_HUB: '',
      COFFER_CONFIG_DIR: dir,
      COFFER_PASSWORD: password,
    });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--hub/);
  });
});
