import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  cli,
  type Network,
  type RunningCli,
  rawRequest,
  startNetwork,
  until,
} from '../../src/index.ts';
import { type Gateway, signedUp, startWebdav } from '../../src/webdav.ts';

// `coffer webdav --app` ([Note: A gateway that runs as an app]): a machine with no session of
// the account serves one folder as an app the user approved, with the rights approved; its
// token works as a password across restarts; a restart reuses the grant; a revoked grant ends
// the drive and the next start asks again.

let net: Network;
let alice: Record<string, string>;
/** A machine that never logged in: only the hub's URL and a config folder of its own. */
let nas: Record<string, string>;
const running: Gateway[] = [];

before(async () => {
  net = await startNetwork({ hosts: 2 });
  alice = await signedUp(net, 'alice');
  for (const dir of ['/Photos/Trip', '/Private']) {
    assert.equal((await cli(['mkdir', '-p', dir], alice)).code, 0);
  }
  const secret = join(net.dir, 'secret.txt');
  await writeFile(secret, 'not for the gateway');
  const put = await cli(['put', secret, '/Private/secret.txt'], alice);
  assert.equal(put.code, 0, put.stderr);
  nas = { COFFER_HUB: net.hubUrl, COFFER_CONFIG_DIR: join(net.dir, 'nas-config') };
});

after(async () => {
  for (const g of running) await g.stop();
  await net?.close();
});

/** The code the gateway shows, once it shows one. */
const codeShown = (run: RunningCli) =>
  until('the gateway to show its code', () => /apps approve (\S+)/.exec(run.stderr())?.[1]);

/** Alice approves the code a starting gateway shows, through her CLI. */
const aliceApproves = async (run: RunningCli) => {
  const code = await codeShown(run);
  const r = await cli(['apps', 'approve', code, '--yes', '--json'], alice);
  assert.equal(r.code, 0, r.stderr);
};

async function gateway(args: string[], meanwhile?: (run: RunningCli) => Promise<unknown>) {
  const g = await startWebdav(nas, ['--app', ...args], meanwhile);
  running.push(g);
  const call = (
    path: string,
    method: string,
    o: { body?: string; headers?: Record<string, string>; password?: string | undefined } = {},
  ) =>
    rawRequest(`${g.url.replace(/\/$/, '')}${path}`, {
      method,
      ...(o.body !== undefined ? { body: o.body } : {}),
      headers: {
        authorization: `Basic ${Buffer.from(`x:${o.password ?? g.password}`).toString('base64')}`,
        ...o.headers,
      },
      timeoutMs: 60_000,
    });
  return { g, call };
}

const depth1 = { depth: '1' };

test('with no session, the gateway asks for its folder, serves it read-write, and nothing else', async () => {
  const { g, call } = await gateway(['--root', '/Photos'], aliceApproves);
  assert.equal(g.user, 'coffer');
  assert.match(g.appToken ?? '', /^capp\./);

  assert.equal(
    (await call('/from-nas.txt', 'PUT', { body: 'written through the gateway' })).status,
    201,
  );
  assert.equal((await call('/Trip/Inner', 'MKCOL')).status, 201);
  assert.equal(
    (await call('/from-nas.txt', 'COPY', { headers: { destination: `${g.url}Trip/copy.txt` } }))
      .status,
    201,
  );
  assert.equal(
    (
      await call('/Trip/copy.txt', 'MOVE', {
        headers: { destination: `${g.url}Trip/Inner/moved.txt` },
      })
    ).status,
    201,
  );
  const listed = await call('/', 'PROPFIND', { headers: depth1 });
  assert.equal(listed.status, 207);
  assert.match(listed.text, /from-nas\.txt/);
  assert.match(listed.text, /Trip/);
  assert.doesNotMatch(listed.text, /secret|Private/);
  const got = await call('/Trip/Inner/moved.txt', 'GET');
  assert.equal(got.status, 200);
  assert.equal(got.text, 'written through the gateway');
  // An app may not know the account's figures: the quota properties are not found.
  const quota = await call('/', 'PROPFIND', {
    headers: { depth: '0' },
    body: '<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:quota-used-bytes/></D:prop></D:propfind>',
  });
  assert.equal(quota.status, 207);
  assert.match(quota.text, /404 Not Found/);

  // What the app wrote opens for the account: signed under a grant the account signed.
  const local = join(net.dir, 'from-nas.txt');
  const back = await cli(['get', '/Photos/from-nas.txt', local], alice);
  assert.equal(back.code, 0, back.stderr);
  assert.equal(await readFile(local, 'utf8'), 'written through the gateway');
  // The app's token is a password too; a wrong password is not.
  assert.equal(
    (await call('/', 'PROPFIND', { headers: depth1, password: g.appToken })).status,
    207,
  );
  assert.equal(
    (await call('/', 'PROPFIND', { headers: depth1, password: 'capp.wrong' })).status,
    401,
  );
  // Apps lists it, under the folder it serves.
  const apps = await cli(['apps', '--json'], alice);
  const listedApps = apps.json<{
    apps: { id: string; name: string; path: string; state: string }[];
  }>().apps;
  assert.ok(
    listedApps.some(
      (a) => /^WebDAV gateway on /.test(a.name) && a.path === '/Photos' && a.state === 'active',
    ),
  );

  // A restart reuses the grant: no code, the same token.
  await g.stop();
  const again = await gateway(['--root', '/Photos']);
  assert.doesNotMatch(again.g.run.stderr(), /apps approve/);
  assert.equal(again.g.appToken, g.appToken);
  assert.equal(
    (await again.call('/from-nas.txt', 'GET', { password: g.appToken })).text,
    'written through the gateway',
  );

  // Revoked in Apps: the drive stops on its next request, and the next start asks again.
  const id = listedApps.find((a) => /^WebDAV gateway on /.test(a.name))?.id;
  assert.ok(id);
  const revoked = await cli(['apps', 'revoke', id, '--json'], alice);
  assert.equal(revoked.code, 0, revoked.stderr);
  const refused = await again.call('/', 'PROPFIND', { headers: depth1 });
  assert.ok(refused.status === 401 || refused.status === 403, `status ${refused.status}`);
  await again.g.stop();
  const third = await gateway(['--root', '/Photos'], aliceApproves);
  assert.match(third.g.run.stderr(), /revoked or has expired: asking again/);
  assert.notEqual(third.g.appToken, g.appToken);
  assert.equal((await third.call('/from-nas.txt', 'GET')).text, 'written through the gateway');
  await third.g.stop();
});

test('--read-only asks for read access only: the drive refuses writes', async () => {
  const { call } = await gateway(['--root', '/Photos', '--read-only'], aliceApproves);
  assert.equal((await call('/', 'PROPFIND', { headers: depth1 })).status, 207);
  assert.equal((await call('/nope.txt', 'PUT', { body: 'x' })).status, 403);
  const apps = (await cli(['apps', '--json'], alice)).json<{
    apps: { access: string; state: string }[];
  }>().apps;
  assert.ok(apps.some((a) => a.access === 'read' && a.state === 'active'));
});

test('--app needs a folder: without --root it says so and serves nothing', async () => {
  const r = await cli(['webdav', '--app', '--port', '0'], nas);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /--root/);
});
