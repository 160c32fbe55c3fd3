import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type RouteName, routes } from '@coffer/protocol';
import { CofferClient } from '@coffer/sdk';
import { parseRawAnswer, rawHttp, rawRequest } from '@coffer/tests';
import fc from 'fast-check';
import {
  assertClientError,
  authFor,
  call,
  client,
  email,
  hex,
  hubAlive,
  MAX_BODY,
  net,
  password,
  pathOf,
  ROUTES,
  safeJson,
  session,
} from './fixture.ts';
import {
  fileCommitSample,
  MALFORMED_HTTP,
  malformed,
  paths,
  SAMPLES,
  setAt,
  wrongType,
} from './samples.ts';

// Every hub route refuses malformed requests with a clear 4xx (see fixture.ts).

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
      ['changes', '', 'query.cursor'],
      ['changes', '?cursor=x', 'query.cursor'],
      ['changes', '?cursor=1e3', 'query.cursor'],
      ['changes', `?cursor=${'9'.repeat(20)}`, 'query.cursor'],
      ['changes', '?cursor=0&wait=31', 'query.wait'],
      ['changes', '?cursor=0&wait=-1', 'query.wait'],
      ['changes', '?cursor=0&limit=0', 'query.limit'],
      ['changes', '?cursor=0&limit=1001', 'query.limit'],
      ['changes', '?cursor=99999', 'cursor'],
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
