import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { cli } from '@coffer/tests';
import { client, email, net, password } from './fixture.ts';

// The CLI says what went wrong, with the documented exit code (see fixture.ts).

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

  test('recover without a recovery key, off a terminal: exit 2 naming it, never the password taken for it', async () => {
    const r = await cli(['recover', email], {
      ...env,
      COFFER_CONFIG_DIR: join(net.dir, 'recover-config'),
    });
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /recovery key: not given; set COFFER_RECOVERY_KEY or pass --recovery-key/,
    );
  });
});
