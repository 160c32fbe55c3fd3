import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { noiseBytes } from '../../src/files.ts';
import {
  accountingDrift,
  cli,
  type Network,
  rawRequest,
  readXml,
  startNetwork,
  tempDir,
} from '../../src/index.ts';
import { type Gateway, signedUp, startWebdav } from '../../src/webdav.ts';

// The gateway's options and the clients' quirks: --read-only, --root, another address only
// with TLS, Finder's ._* and .DS_Store kept in memory (or stored with --keep-mac-files),
// Windows' unauthenticated OPTIONS at /, the properties rclone and file managers read, and a
// COPY that stores no new byte.

const QUOTA_MIB = 40;

let net: Network;
let env: Record<string, string>;
const running: Gateway[] = [];

before(async () => {
  net = await startNetwork({ hosts: 2, hubConfig: { accountQuota: `${QUOTA_MIB}MiB` } });
  env = await signedUp(net, 'opt');
  for (const dir of ['/Served/inner', '/Other']) {
    assert.equal((await cli(['mkdir', '-p', dir], env)).code, 0);
  }
});

after(async () => {
  for (const g of running) await g.stop();
  await net?.close();
});

async function gateway(args: string[] = []) {
  const g = await startWebdav(env, args);
  running.push(g);
  const call = (
    path: string,
    method: string,
    o: { body?: string | Uint8Array; headers?: Record<string, string> } = {},
  ) =>
    rawRequest(`${g.url.replace(/\/$/, '')}${path}`, {
      method,
      ...o,
      headers: { authorization: g.auth, ...o.headers },
      timeoutMs: 60_000,
    });
  return { g, call };
}

const propfind = (props: string) =>
  `<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop>${props}</D:prop></D:propfind>`;

test('PROPFIND at depth infinity on a folder is refused with the standard error', async () => {
  const { call } = await gateway();
  const r = await call('/', 'PROPFIND', { headers: { depth: 'infinity' } });
  assert.equal(r.status, 403);
  assert.match(r.text, /propfind-finite-depth/);
});

test('Windows: OPTIONS at / answers without credentials, class 1 and 2; PROPFIND at / works', async () => {
  const { g, call } = await gateway();
  const options = await rawRequest(g.url, { method: 'OPTIONS' });
  assert.equal(options.status, 200);
  assert.equal(options.headers.dav, '1, 2');
  assert.match(String(options.headers.allow), /PROPFIND.*LOCK/);
  const root = await call('/', 'PROPFIND', { headers: { depth: '0' } });
  assert.equal(root.status, 207);
  const unauthenticated = await rawRequest(g.url, { method: 'PROPFIND', headers: { depth: '0' } });
  assert.equal(unauthenticated.status, 401);
});

test('properties: ETags, times from X-OC-Mtime, length, type, quota; 200 before 404', async () => {
  const { call } = await gateway();
  const put = await call('/Other/a.txt', 'PUT', {
    body: 'hello',
    headers: { 'x-oc-mtime': '1600000000.5', 'content-type': 'text/plain' },
  });
  assert.equal(put.status, 201);
  assert.equal(put.headers['x-oc-mtime'], 'accepted');
  const r = await call('/Other/a.txt', 'PROPFIND', {
    headers: { depth: '1' },
    body: propfind(
      '<D:getetag/><D:getlastmodified/><D:getcontentlength/><D:resourcetype/><D:quota-used-bytes/><oc:checksums xmlns:oc="http://owncloud.org/ns"/>',
    ),
  });
  assert.equal(r.status, 207);
  const { elements, errors } = readXml(r.text);
  assert.deepEqual(errors, []);
  const text = (path: string) => elements.find((e) => e.path.endsWith(path))?.text;
  assert.equal(text('prop/getlastmodified'), new Date(1_600_000_000_000).toUTCString());
  assert.equal(text('prop/getcontentlength'), '5');
  assert.ok(Number(text('prop/quota-used-bytes')) >= 5);
  assert.deepEqual(
    elements.filter((e) => e.path.endsWith('propstat/status')).map((e) => e.text),
    ['HTTP/1.1 200 OK', 'HTTP/1.1 404 Not Found'],
  );
  const etag = text('prop/getetag');
  assert.match(etag ?? '', /^"[^"]+"$/, 'a strong ETag');
  assert.equal((await call('/Other/a.txt', 'HEAD')).headers.etag, etag);
  assert.equal(
    (await call('/Other/a.txt', 'GET', { headers: { 'if-none-match': etag ?? '' } })).status,
    304,
  );
  assert.equal(
    (await call('/Other/a.txt', 'PUT', { body: 'x', headers: { 'if-none-match': '*' } })).status,
    412,
  );
  assert.equal(
    (await call('/Other/a.txt', 'PUT', { body: 'x', headers: { 'if-match': '"other"' } })).status,
    412,
  );
  assert.equal(
    (await call('/Other/a.txt/under', 'PROPFIND', { headers: { depth: '0' } })).status,
    404,
  );
  assert.equal((await call('/Other/a.txt', 'GET')).text, 'hello');
  assert.equal(
    (
      await call('/Other/a.txt', 'PUT', {
        body: 'hello again',
        headers: { 'if-match': etag ?? '' },
      })
    ).status,
    204,
  );
  assert.notEqual((await call('/Other/a.txt', 'HEAD')).headers.etag, etag);
});

test('COPY of a file stores no new byte on the hosts', async () => {
  const { call } = await gateway();
  assert.equal(
    (await call('/Other/big.bin', 'PUT', { body: noiseBytes(6 * 1024 * 1024, 9) })).status,
    201,
  );
  const stored = async () => (await accountingDrift(net)).hosts.reduce((s, h) => s + h.hub, 0);
  const before = await stored();
  const copy = await call('/Other/big.bin', 'COPY', {
    headers: { destination: '/Other/copy.bin' },
  });
  assert.equal(copy.status, 201);
  assert.equal(await stored(), before);
  const back = await call('/Other/copy.bin', 'GET', { headers: { range: 'bytes=-16' } });
  assert.equal(back.status, 206);
  assert.equal(
    back.text,
    Buffer.from(noiseBytes(6 * 1024 * 1024, 9).subarray(-16)).toString('utf8'),
  );
});

test('--read-only: reads work, every change is 403', async () => {
  const { call } = await gateway(['--read-only']);
  assert.equal((await call('/Other/a.txt', 'GET')).status, 200);
  for (const [method, headers] of [
    ['PUT', {}],
    ['DELETE', {}],
    ['MKCOL', {}],
    ['MOVE', { destination: '/Other/b.txt' }],
    ['COPY', { destination: '/Other/c.txt' }],
    ['PROPPATCH', {}],
    ['LOCK', {}],
  ] as const) {
    const r = await call(method === 'MKCOL' ? '/Other/new' : '/Other/a.txt', method, {
      headers,
      ...(method === 'PROPPATCH'
        ? {
            body: '<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><x xmlns="urn:x">1</x></D:prop></D:set></D:propertyupdate>',
          }
        : method === 'LOCK'
          ? {
              body: '<D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockinfo>',
            }
          : {}),
    });
    assert.equal(r.status, 403, `${method}: ${r.text}`);
  }
});

test('--root: only that folder is served', async () => {
  const { call } = await gateway(['--root', '/Served']);
  const listing = await call('/', 'PROPFIND', {
    headers: { depth: '1' },
    body: propfind('<D:displayname/>'),
  });
  const names = readXml(listing.text)
    .elements.filter((e) => e.path.endsWith('displayname'))
    .map((e) => e.text);
  assert.deepEqual(names.sort(), ['', 'inner']);
  assert.equal((await call('/Other', 'PROPFIND', { headers: { depth: '0' } })).status, 404);
  assert.equal((await call('/../Other', 'PROPFIND', { headers: { depth: '0' } })).status, 400);
  assert.equal((await call('/inner/f.txt', 'PUT', { body: 'in' })).status, 201);
  const ls = await cli(['ls', '/Served/inner', '--json'], env);
  assert.match(ls.stdout, /f\.txt/);
});

test("Finder's ._* and .DS_Store stay in the gateway's memory unless --keep-mac-files", async () => {
  const { call } = await gateway();
  assert.equal((await call('/Other/._a.txt', 'PUT', { body: 'fork' })).status, 201);
  assert.equal((await call('/Other/.DS_Store', 'PUT', { body: 'layout' })).status, 201);
  assert.equal((await call('/Other/._a.txt', 'GET')).text, 'fork');
  assert.equal(
    (await call('/Other/.DS_Store', 'PROPFIND', { headers: { depth: '0' } })).status,
    207,
  );
  const listing = await call('/Other', 'PROPFIND', { headers: { depth: '1' } });
  assert.doesNotMatch(listing.text, /\._a\.txt|DS_Store/);
  assert.doesNotMatch((await cli(['ls', '/Other'], env)).stdout, /\._a\.txt|DS_Store/);
  assert.equal((await call('/Other/._a.txt', 'DELETE')).status, 204);
  assert.equal((await call('/Other/._a.txt', 'GET')).status, 404);

  const keep = await gateway(['--keep-mac-files']);
  assert.equal((await keep.call('/Other/._kept', 'PUT', { body: 'fork' })).status, 201);
  assert.match((await cli(['ls', '/Other'], env)).stdout, /\._kept/);
});

test('another address needs TLS, and says why; with a certificate it serves HTTPS', async () => {
  const refused = await cli(['webdav', '--address', '0.0.0.0', '--port', '0'], env);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /--address.*in clear.*--tls-cert/s);
  const openssl = spawnSync('openssl', ['version']).error === undefined;
  if (!openssl) return;
  const dir = await tempDir('coffer-dav-tls-');
  const [cert, key] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
  const made = spawnSync('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
  ]);
  assert.equal(made.status, 0, String(made.stderr));
  const { g } = await gateway(['--address', '0.0.0.0', '--tls-cert', cert, '--tls-key', key]);
  assert.match(g.url, /^https:\/\//);
  const curl = spawnSync(
    'curl',
    [
      '-sk',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '-u',
      `x:${g.password}`,
      '-X',
      'PROPFIND',
      '-H',
      'Depth: 0',
      g.url.replace('0.0.0.0', '127.0.0.1'),
    ],
    { encoding: 'utf8' },
  );
  assert.equal(curl.stdout, '207');
});

test('quota: RFC 4331 properties, and a PUT past the quota is 507 with the old revision kept', async () => {
  const { call } = await gateway();
  const r = await call('/', 'PROPFIND', {
    headers: { depth: '0' },
    body: propfind('<D:quota-used-bytes/><D:quota-available-bytes/>'),
  });
  const { elements } = readXml(r.text);
  const used = Number(elements.find((e) => e.path.endsWith('quota-used-bytes'))?.text);
  const available = Number(elements.find((e) => e.path.endsWith('quota-available-bytes'))?.text);
  assert.ok(used > 0);
  assert.equal(used + available, QUOTA_MIB * 1024 * 1024);
  assert.equal((await call('/Other/q.txt', 'PUT', { body: 'small' })).status, 201);
  const over = await call('/Other/q.txt', 'PUT', { body: noiseBytes(QUOTA_MIB * 1024 * 1024, 4) });
  assert.equal(over.status, 507, over.text);
  assert.equal((await call('/Other/q.txt', 'GET')).text, 'small');
});

test("a stopped gateway's password opens no later one", async () => {
  const first = await gateway();
  await first.g.stop();
  const second = await gateway();
  assert.notEqual(second.g.password, first.g.password);
  const stale = await rawRequest(second.g.url, {
    method: 'PROPFIND',
    headers: { depth: '0', authorization: first.g.auth },
  });
  assert.equal(stale.status, 401);
  assert.equal((await second.call('/', 'PROPFIND', { headers: { depth: '0' } })).status, 207);
});
