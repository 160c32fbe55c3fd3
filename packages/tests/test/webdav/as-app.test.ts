import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  cli,
  hubRouteCount,
  type Network,
  type RunningCli,
  rawRequest,
  startNetwork,
  until,
} from '../../src/index.ts';
import { type Gateway, signedUp, startWebdav } from '../../src/webdav.ts';

// `coffer webdav --app` ([Note: A gateway that runs as an app]): a machine with no session of
// the account serves one folder as an app the user approved, with the rights approved; the
// drive's password is its own, kept with the grant so it works across restarts, never the hub
// token; a restart reuses the grant; a revoked grant ends the drive and the next start asks
// again with a new password; a grant renewed after a rotation of the folder's keys is kept, so a
// restart does not renew it again; a damaged webdav-apps.json is refused and left as it is.

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

async function gateway(
  args: string[],
  meanwhile?: (run: RunningCli) => Promise<unknown>,
  env: Record<string, string> = nas,
) {
  const g = await startWebdav(env, ['--app', ...args], meanwhile);
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

/** The grants the gateway keeps in the NAS's config folder, by key. */
const appsFile = () => join(nas.COFFER_CONFIG_DIR as string, 'webdav-apps.json');
const keptApps = async () =>
  (
    JSON.parse(await readFile(appsFile(), 'utf8')) as {
      apps: Record<string, { token: string; password?: string }>;
    }
  ).apps;
/** The kept grant of /Photos, read-write. */
const photos = async () => {
  const all = await keptApps();
  const key = Object.keys(all).find((k) => k.endsWith(' /Photos readwrite'));
  assert.ok(key, `a grant of /Photos in ${Object.keys(all).join(', ')}`);
  return { key, ...(all[key] as { token: string; appId: string; password?: string }) };
};

test('with no session, the gateway asks for its folder, serves it read-write, and nothing else', async () => {
  const { g, call } = await gateway(['--root', '/Photos'], aliceApproves);
  assert.equal(g.user, 'coffer');

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

  // The password is the gateway's own, kept beside the grant (0600, no temporary file left);
  // the hub token is neither printed nor taken as a password; a wrong password is refused.
  const kept = await photos();
  assert.match(kept.token, /^capp\./);
  assert.equal(kept.password, g.password);
  assert.match(g.password, /^[A-Za-z0-9_-]{24}$/);
  assert.equal((await stat(appsFile())).mode & 0o777, 0o600);
  assert.deepEqual(
    (await readdir(nas.COFFER_CONFIG_DIR as string)).filter((f) => f.endsWith('.tmp')),
    [],
  );
  assert.ok(!g.run.stdout().includes(kept.token) && !g.run.stderr().includes(kept.token));
  assert.equal(
    (await call('/', 'PROPFIND', { headers: depth1, password: kept.token })).status,
    401,
  );
  assert.equal(
    (await call('/', 'PROPFIND', { headers: depth1, password: `${g.password}x` })).status,
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

  // A restart reuses the grant and the password: no code, and a mount goes on working.
  await g.stop();
  const again = await gateway(['--root', '/Photos']);
  assert.doesNotMatch(again.g.run.stderr(), /apps approve/);
  assert.equal(again.g.password, g.password);
  assert.equal(
    (await again.call('/from-nas.txt', 'GET', { password: g.password })).text,
    'written through the gateway',
  );
  assert.equal((await photos()).token, kept.token);

  // A grant an earlier version kept without a password gets one on its next start, kept too.
  await again.g.stop();
  const { password: _, ...older } = await photos();
  const { key, ...grant } = older;
  await writeFile(appsFile(), JSON.stringify({ apps: { [key]: grant } }));
  const upgraded = await gateway(['--root', '/Photos']);
  assert.doesNotMatch(upgraded.g.run.stderr(), /apps approve/);
  // Its token was the old password, so it may sit in mount settings: the user is told to end it.
  assert.match(
    upgraded.g.run.stderr(),
    new RegExp(`used the app's token as the drive's password[^]*coffer apps revoke ${kept.appId}`),
  );
  assert.match(upgraded.g.password, /^[A-Za-z0-9_-]{24}$/);
  assert.equal((await photos()).password, upgraded.g.password);
  assert.equal((await upgraded.call('/', 'PROPFIND', { headers: depth1 })).status, 207);
  assert.equal(
    (await upgraded.call('/', 'PROPFIND', { headers: depth1, password: kept.token })).status,
    401,
  );

  // Revoked in Apps: the drive stops on its next request, and the next start asks again, with
  // a new grant and a new password.
  const id = listedApps.find((a) => /^WebDAV gateway on /.test(a.name))?.id;
  assert.ok(id);
  const revoked = await cli(['apps', 'revoke', id, '--json'], alice);
  assert.equal(revoked.code, 0, revoked.stderr);
  const refused = await upgraded.call('/', 'PROPFIND', { headers: depth1 });
  assert.ok(refused.status === 401 || refused.status === 403, `status ${refused.status}`);
  await upgraded.g.stop();
  const third = await gateway(['--root', '/Photos'], aliceApproves);
  assert.match(third.g.run.stderr(), /revoked or has expired: asking again/);
  assert.notEqual((await photos()).token, kept.token);
  assert.notEqual(third.g.password, upgraded.g.password);
  assert.equal((await photos()).password, third.g.password);
  assert.equal(
    (await third.call('/', 'PROPFIND', { headers: depth1, password: upgraded.g.password })).status,
    401,
  );
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

test('a gateway whose folder got new keys renews its grant once and keeps it: a restart reads with no renewal', async () => {
  assert.equal((await cli(['mkdir', '/Album'], alice)).code, 0);
  const photo = join(net.dir, 'photo.txt');
  await writeFile(photo, 'in the album before the rotation');
  assert.equal((await cli(['put', photo, '/Album/photo.txt'], alice)).code, 0);
  const readerEnv = { ...nas, COFFER_CONFIG_DIR: join(net.dir, 'album-reader-config') };
  const writerEnv = { ...nas, COFFER_CONFIG_DIR: join(net.dir, 'album-writer-config') };
  const keptIn = async (env: Record<string, string>) => {
    const file = join(env.COFFER_CONFIG_DIR as string, 'webdav-apps.json');
    const { apps } = JSON.parse(await readFile(file, 'utf8')) as {
      apps: Record<string, { token: string; appId: string; keyVersion: number; password: string }>;
    };
    const [only, ...more] = Object.values(apps);
    assert.ok(only && more.length === 0, `one grant in ${file}`);
    return only;
  };
  const reader = await gateway(['--root', '/Album', '--read-only'], aliceApproves, readerEnv);
  const writer = await gateway(['--root', '/Album'], aliceApproves, writerEnv);
  await writer.g.stop();
  assert.equal((await reader.call('/photo.txt', 'GET')).text, 'in the album before the rotation');
  const before = await keptIn(readerEnv);

  // Revoking the writing gateway rotates /Album's keys; the reader is given the new ones, and
  // the CLI names it.
  const revoked = await cli(['apps', 'revoke', (await keptIn(writerEnv)).appId], alice);
  assert.equal(revoked.code, 0, revoked.stderr);
  assert.match(
    revoked.stdout,
    new RegExp(
      `Given the new keys, these apps keep working: "WebDAV gateway on [^"]+" \\(${before.appId}\\)\\.\n$`,
    ),
  );

  // Its old key no longer serves: the gateway renews once, reads on, and keeps the new grant.
  const renewals = await hubRouteCount(net, 'appGrant');
  assert.equal((await reader.call('/photo.txt', 'GET')).text, 'in the album before the rotation');
  assert.equal(await hubRouteCount(net, 'appGrant'), renewals + 1);
  const renewed = await keptIn(readerEnv);
  assert.equal(renewed.keyVersion, before.keyVersion + 1);
  // The same app, token and drive password: only the folder's key and its version changed.
  assert.deepEqual(
    { ...renewed, keyVersion: 0, folderKey: '' },
    { ...before, keyVersion: 0, folderKey: '' },
  );
  assert.deepEqual(
    (await readdir(readerEnv.COFFER_CONFIG_DIR)).filter((f) => f !== 'webdav-apps.json'),
    [],
  );

  // Restarted, it opens the folder with the kept key: no code, no renewal.
  await reader.g.stop();
  const again = await gateway(['--root', '/Album', '--read-only'], undefined, readerEnv);
  assert.doesNotMatch(again.g.run.stderr(), /apps approve/);
  assert.equal(again.g.password, before.password);
  const listed = await again.call('/', 'PROPFIND', { headers: depth1 });
  assert.equal(listed.status, 207);
  assert.match(listed.text, /photo\.txt/);
  assert.equal((await again.call('/photo.txt', 'GET')).text, 'in the album before the rotation');
  assert.equal(await hubRouteCount(net, 'appGrant'), renewals + 1);
  for (const out of [again.g.run.stdout(), again.g.run.stderr(), reader.g.run.stderr()]) {
    assert.ok(!out.includes(before.token), 'the hub token is never printed');
  }
  await again.g.stop();
});

test('--app needs a folder: without --root it says so and serves nothing', async () => {
  const r = await cli(['webdav', '--app', '--port', '0'], nas);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /--root/);
});

test('a damaged webdav-apps.json is refused, named, and left byte for byte as it was', async () => {
  const env = { ...nas, COFFER_CONFIG_DIR: join(net.dir, 'damaged-config') };
  const file = join(env.COFFER_CONFIG_DIR, 'webdav-apps.json');
  await mkdir(env.COFFER_CONFIG_DIR, { recursive: true, mode: 0o700 });
  const cases: [string, RegExp][] = [
    ['{"apps": {"https://hub /Music read": {"token": "capp.secret-part"x}}}', /not JSON/],
    ['[]', /the whole file: /],
    [
      '{"apps": {"https://hub /Music read": {"token": 7}}}',
      /apps\["https:\/\/hub \/Music read"\]\.hubUrl: /,
    ],
  ];
  for (const [text, what] of cases) {
    await writeFile(file, text, { mode: 0o600 });
    const r = await cli(['webdav', '--app', '--root', '/Photos', '--port', '0'], env);
    assert.notEqual(r.code, 0, text);
    assert.ok(r.stderr.includes(`${file} is damaged`), r.stderr);
    assert.match(r.stderr, what);
    assert.match(r.stderr, /move it aside/);
    assert.doesNotMatch(r.stderr, /apps approve/);
    // The file holds tokens: the error says where it is wrong, never what is there.
    assert.doesNotMatch(r.stderr, /secret-part/);
    assert.deepEqual(await readFile(file), Buffer.from(text));
    assert.deepEqual(
      (await readdir(env.COFFER_CONFIG_DIR)).filter((f) => f !== 'webdav-apps.json'),
      [],
    );
  }
});
