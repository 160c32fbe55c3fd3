import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import http from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { writeRandomFile } from '../../src/files.ts';
import { type Network, rawRequest, startNetwork, tempDir, until } from '../../src/index.ts';
import { type Gateway, peakRss, signedUp, startWebdav } from '../../src/webdav.ts';

// The gateway as clients use it beyond litmus: a large chunked PUT through curl with the
// gateway's peak memory measured, ranged GETs, a PUT cut short, and bad input of every kind.

const LARGE = 128 * 1024 * 1024;
/** A first, smaller transfer, after which the gateway's pools and heap have grown to size. */
const WARM = 32 * 1024 * 1024;

let net: Network;
let dav: Gateway;
let dir: string;

before(async () => {
  net = await startNetwork({ hosts: 2 });
  dav = await startWebdav(await signedUp(net, 'gw'));
  dir = await tempDir('coffer-dav-');
});

after(async () => {
  await dav?.stop();
  await net?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const url = (path: string) => `${dav.url.replace(/\/$/, '')}${path}`;

function request(
  path: string,
  o: { method: string; headers?: Record<string, string>; body?: string },
) {
  return rawRequest(url(path), {
    ...o,
    headers: { authorization: dav.auth, ...o.headers },
    timeoutMs: 60_000,
  });
}

/** curl as a user runs it, `input` on its stdin; its stdout and the status it got. */
function curl(args: string[], input?: string): Promise<{ body: Buffer; status: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn('curl', [
      '-sS',
      '-u',
      `${dav.user}:${dav.password}`,
      '-w',
      '\n%{http_code}',
      ...args,
    ]);
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('error', reject);
    if (input) createReadStream(input).pipe(child.stdin);
    else child.stdin.end();
    child.on('close', (code) => {
      const all = Buffer.concat(out);
      const nl = all.lastIndexOf(10);
      if (code !== 0) reject(new Error(`curl exited ${code}: ${err}`));
      else resolve({ body: all.subarray(0, nl), status: Number(all.subarray(nl + 1).toString()) });
    });
  });
}

async function bytesOf(file: string, start: number, end: number): Promise<Buffer> {
  const fh = await open(file, 'r');
  const b = Buffer.alloc(end - start);
  await fh.read(b, 0, b.length, start);
  await fh.close();
  return b;
}

describe('transfers', () => {
  test(`a ${LARGE / 1048576} MiB chunked PUT and ranged GETs, the gateway's peak memory not growing with it`, async () => {
    const pid = dav.run.child.pid as number;
    const file = join(dir, 'large.bin');
    await writeRandomFile(file, LARGE, 7);
    await writeRandomFile(join(dir, 'warm.bin'), WARM, 8);
    assert.equal((await curl(['-T', '-', url('/warm.bin')], join(dir, 'warm.bin'))).status, 201);
    assert.equal((await curl(['-o', join(dir, 'warm-back.bin'), url('/warm.bin')])).status, 200);
    const warm = await peakRss(pid);
    // `-T -` sends stdin chunked, with no Content-Length, as Finder does.
    const put = await curl(['-T', '-', url('/large.bin')], file);
    assert.equal(put.status, 201);
    const ranges: [string, number, number][] = [
      ['bytes=0-99', 0, 100],
      [`bytes=${LARGE / 2 - 5000}-${LARGE / 2 + 5000}`, LARGE / 2 - 5000, LARGE / 2 + 5001],
      ['bytes=-1000', LARGE - 1000, LARGE],
      [`bytes=${LARGE - 10}-`, LARGE - 10, LARGE],
    ];
    for (const [range, start, end] of ranges) {
      const r = await curl(['-H', `Range: ${range}`, url('/large.bin')]);
      assert.equal(r.status, 206, range);
      assert.ok(r.body.equals(await bytesOf(file, start, end)), `${range}: other bytes`);
    }
    const none = await curl(['-H', `Range: bytes=${LARGE}-`, url('/large.bin')]);
    assert.equal(none.status, 416);
    const whole = await curl(['-o', join(dir, 'back.bin'), url('/large.bin')]);
    assert.equal(whole.status, 200);
    const back = await open(join(dir, 'back.bin'));
    assert.equal((await back.stat()).size, LARGE);
    await back.close();
    assert.ok(
      (await bytesOf(join(dir, 'back.bin'), 0, LARGE)).equals(await bytesOf(file, 0, LARGE)),
    );
    const peak = await peakRss(pid);
    const mb = (n: number) => `${(n / 1048576).toFixed(0)} MiB`;
    console.log(
      `gateway peak RSS: ${mb(warm)} after a ${mb(WARM)} PUT and GET, ${mb(peak)} after a ${mb(LARGE)} PUT and GETs`,
    );
    assert.ok(
      // Holding the file whole would add its size; streaming adds next to nothing.
      peak - warm < LARGE / 2,
      `the peak grew by ${mb(peak - warm)} for a ${mb(LARGE)} file`,
    );
  });

  test('a PUT cut short leaves the previous revision current and no half-written file', async () => {
    const first = Buffer.from('the first revision\n');
    assert.equal(
      (await request('/cut.txt', { method: 'PUT', body: first.toString() })).status,
      201,
    );
    for (const path of ['/cut.txt', '/never.bin']) {
      const logged = new RegExp(`PUT ${path.replace('.', '\\.')}: cut short`);
      await new Promise<void>((resolve, reject) => {
        const req = http.request(url(path), {
          method: 'PUT',
          headers: { authorization: dav.auth, 'content-length': String(8 * 1024 * 1024) },
        });
        req.on('error', () => resolve());
        req.write(Buffer.alloc(3 * 1024 * 1024, 1), () => {
          // Half the body is on its way: hang up.
          setImmediate(() => {
            req.destroy();
            resolve();
          });
        });
        req.on('response', () => reject(new Error('answered before the body was complete')));
      });
      await until(`the gateway to see the PUT of ${path} cut short`, () =>
        logged.test(dav.run.stderr()),
      );
    }
    const now = await request('/cut.txt', { method: 'GET' });
    assert.equal(now.status, 200);
    assert.equal(now.text, first.toString());
    assert.equal((await request('/never.bin', { method: 'GET' })).status, 404);
  });
});

describe('bad input gets a 4xx, never a 5xx, and the gateway keeps running', () => {
  const bad = [
    ['PROPFIND', '/', '<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop>', 400],
    ['PROPFIND', '/', '<D:propfind xmlns:D="DAV:" xmlns:bar=""><D:allprop/></D:propfind>', 400],
    ['PROPFIND', '/', '<notdav/>', 400],
    [
      'PROPPATCH',
      '/',
      '<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><x:y/></D:prop></D:set></D:propertyupdate>',
      400,
    ],
    ['PROPPATCH', '/', 'not xml at all', 400],
    ['LOCK', '/', '<D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope>', 400],
    ['LOCK', '/', '<D:lockinfo xmlns:D="DAV:"></D:lockinfo>', 400],
  ] as const;
  for (const [method, path, body, status] of bad) {
    test(`${method} with ${body.slice(0, 60)}`, async () => {
      const r = await request(path, {
        method,
        body,
        headers: { 'content-type': 'application/xml' },
      });
      assert.equal(r.status, status, r.text);
    });
  }

  test('path traversal: .., %2e%2e and encoded slashes', async () => {
    await request('/inside', { method: 'MKCOL' });
    for (const path of [
      '/inside/../../etc/passwd',
      '/%2e%2e/x',
      '/inside/%2E%2E/%2e%2e/x',
      '/inside%2F..%2F..%2Fx',
      '/a%5C..%5Cb',
      '/%C3',
    ]) {
      for (const method of ['GET', 'PROPFIND', 'PUT', 'DELETE']) {
        const r = await request(path, { method, ...(method === 'PUT' ? { body: 'x' } : {}) });
        assert.equal(r.status, 400, `${method} ${path}: ${r.status} ${r.text}`);
      }
    }
    const dest = await request('/inside', {
      method: 'MOVE',
      headers: { destination: `${dav.url}inside/%2e%2e/%2e%2e/out` },
    });
    assert.equal(dest.status, 400, dest.text);
    const elsewhere = await request('/inside', {
      method: 'COPY',
      headers: { destination: 'http://example.com/stolen' },
    });
    assert.equal(elsewhere.status, 400, elsewhere.text);
  });

  test('a wrong password, none, or a malformed Authorization header: 401', async () => {
    for (const authorization of [
      `Basic ${Buffer.from(`${dav.user}:wrong`).toString('base64')}`,
      `Basic ${Buffer.from(`${dav.user}:${dav.password}x`).toString('base64')}`,
      'Basic !!!',
      'Bearer something',
      '',
    ]) {
      const r = await rawRequest(url('/'), {
        method: 'PROPFIND',
        headers: { authorization, depth: '0' },
      });
      assert.equal(r.status, 401, authorization);
      assert.match(String(r.headers['www-authenticate']), /^Basic /);
    }
  });

  test('other nonsense: unknown methods, bad headers', async () => {
    const cases: [string, string, Record<string, string>][] = [
      ['BREW', '/', {}],
      ['PROPFIND', '/', { depth: 'two' }],
      ['COPY', '/inside', {}],
      ['COPY', '/inside', { destination: '/x', overwrite: 'maybe' }],
      ['PUT', '/x.txt', { if: '(<unclosed' }],
      ['PUT', '/x.txt', { 'x-oc-mtime': 'yesterday' }],
      ['UNLOCK', '/inside', { 'lock-token': 'nonsense' }],
      ['GET', '/no/such/file', {}],
    ];
    for (const [method, path, headers] of cases) {
      const r = await request(path, { method, headers });
      assert.ok(
        r.status >= 400 && r.status < 500,
        `${method} ${path} ${JSON.stringify(headers)}: ${r.status}`,
      );
    }
    assert.equal(dav.run.child.exitCode, null, 'the gateway still runs');
    assert.equal((await request('/', { method: 'OPTIONS' })).status, 200);
    assert.doesNotMatch(dav.run.stderr(), /internal error|Error: .*\n\s+at /);
  });
});
