import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { type RouteSpec, routes } from '@coffer/protocol';
import { parseRawAnswer, rawHttp, rawRequest } from '@coffer/tests';
import { assertClientError, client, hex, net, pathOf, session } from './fixture.ts';
import { MALFORMED_HTTP } from './samples.ts';

// Hosts refuse bad tokens, bad bytes and bad requests with a clear 4xx (see fixture.ts).

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
