import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { finishLogin, startLogin } from '@coffer/crypto';
import { AuthError } from '@coffer/errors';
import { CofferClient } from '@coffer/sdk';
import { cli, type Network, postJson, startNetwork, tempDir } from '../src/index.ts';

// Changing the password of a signed-in account: the hub route, the SDK method and
// `coffer passwd`. The current password is proven with a fresh OPAQUE login; the other
// sessions end, the caller's stays.

let net: Network;
before(async () => {
  net = await startNetwork({ hosts: 0, waitReady: false });
});
after(async () => {
  await net?.close();
});

const login = (email: string, password: string) =>
  CofferClient.login({ hubUrl: net.hubUrl, email, password });

const post = (path: string, body: unknown, token?: string) =>
  postJson(`${net.hubUrl}${path}`, body, token);

const shape = {
  loginId: 'd'.repeat(32),
  finish: 'A'.repeat(100),
  record: 'A'.repeat(100),
  wrappedMasterKey: 'A'.repeat(155),
};

test('the route: 401 without a session, 400 naming the field, a wrong proof refused', async () => {
  const { client } = await CofferClient.signup({
    hubUrl: net.hubUrl,
    email: 'route@example.com',
    password: 'route password one',
  });
  const token = client.saved().token;
  assert.equal((await post('/api/account/password', shape)).status, 401);
  const missing = await post('/api/account/password', { ...shape, record: undefined }, token);
  assert.equal(missing.status, 400);
  assert.match(missing.message, /record/);
  const bad = await post('/api/account/password', { ...shape, loginId: 'nope' }, token);
  assert.equal(bad.status, 400);
  assert.match(bad.message, /loginId/);

  // A login attempt for this account, finished with something that is not a proof of its
  // password.
  const attempt = await startLogin('route password one');
  const started = await post('/api/login/start', {
    email: 'route@example.com',
    request: attempt.request,
  });
  assert.equal(started.status, 200);
  const { loginId } = started.body as unknown as { loginId: string };
  const wrong = await post('/api/account/password', { ...shape, loginId }, token);
  assert.equal(wrong.status, 401);
  assert.match(wrong.message, /currentPassword: wrong password/);
  // An unknown login attempt proves nothing.
  assert.equal((await post('/api/account/password', shape, token)).status, 401);
  // Through the SDK, a wrong current password is refused before anything is sent.
  await assert.rejects(client.changePassword('not the password', 'route password two'), (e) => {
    assert.ok(e instanceof AuthError);
    assert.match(e.message, /currentPassword/);
    return true;
  });
  // Nothing changed: the old password still works.
  await login('route@example.com', 'route password one');
});

test('a proof of another account’s password does not change this one', async () => {
  const { client: mallory } = await CofferClient.signup({
    hubUrl: net.hubUrl,
    email: 'mallory@example.com',
    password: 'mallory password',
  });
  await CofferClient.signup({
    hubUrl: net.hubUrl,
    email: 'victim@example.com',
    password: 'victim password',
  });
  // A real proof of the victim's password, sent with Mallory's session: refused, since the
  // login attempt is for another account than the session's.
  const attempt = await startLogin('victim password');
  const started = await post('/api/login/start', {
    email: 'victim@example.com',
    request: attempt.request,
  });
  const { loginId, response } = started.body as unknown as { loginId: string; response: string };
  const { finishRequest } = await finishLogin('victim password', attempt.state, response);
  const r = await post(
    '/api/account/password',
    { ...shape, loginId, finish: finishRequest },
    mallory.saved().token,
  );
  assert.equal(r.status, 401);
  assert.match(r.message, /another account/);
  await login('victim@example.com', 'victim password');
});

test('the password changes, other sessions end, this one stays, the files stay readable', async () => {
  const { client } = await CofferClient.signup({
    hubUrl: net.hubUrl,
    email: 'change@example.com',
    password: 'first password here',
  });
  const other = await login('change@example.com', 'first password here');
  await client.mkdir('/kept');
  await client.changePassword('first password here', 'second password here');
  await assert.rejects(other.list('/'), AuthError);
  const sessions = await client.sessions();
  assert.equal(sessions.length, 1);
  assert.equal(sessions[0]?.current, true);
  await assert.rejects(login('change@example.com', 'first password here'), AuthError);
  const again = await login('change@example.com', 'second password here');
  assert.equal(again.keys.accountId, client.keys.accountId);
  assert.deepEqual(
    (await again.list('/')).map((e) => e.name),
    ['kept'],
  );
});

test('coffer passwd: current and new password from files; other sessions end', async () => {
  const dir = await tempDir();
  const env = { ...net.env, COFFER_CONFIG_DIR: dir, COFFER_PASSWORD: '' };
  await CofferClient.signup({
    hubUrl: net.hubUrl,
    email: 'cli@example.com',
    password: 'cli password one',
  });
  const other = await login('cli@example.com', 'cli password one');
  const current = join(dir, 'current');
  const next = join(dir, 'next');
  const wrong = join(dir, 'wrong');
  await writeFile(current, 'cli password one\n');
  await writeFile(next, 'cli password two\n');
  await writeFile(wrong, 'not it\n');
  const li = await cli(['login', 'cli@example.com', '--password-file', current], env);
  assert.equal(li.code, 0, li.stderr);

  const refused = await cli(['passwd', '--password-file', wrong, '--new-password-file', next], env);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /currentPassword: wrong password/);
  const noNew = await cli(['passwd', '--password-file', current], env);
  assert.notEqual(noNew.code, 0);
  assert.match(noNew.stderr, /new password.*COFFER_NEW_PASSWORD.*--new-password-file/);

  const done = await cli(['passwd', '--password-file', current, '--new-password-file', next], env);
  assert.equal(done.code, 0, done.stderr);
  assert.match(done.stdout, /New password set for cli@example.com; every other session was ended/);
  await assert.rejects(other.list('/'), AuthError);
  // The CLI's own session stays.
  assert.equal((await cli(['whoami'], env)).code, 0);
  await assert.rejects(login('cli@example.com', 'cli password one'), AuthError);
  await login('cli@example.com', 'cli password two');
});
