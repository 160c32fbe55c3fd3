import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { finishLogin, startLogin } from '@coffer/crypto';
import { totpCode } from '@coffer/crypto/server';
import { CofferClient } from '@coffer/sdk';
import { type Network, postgresAvailable, startNetwork, until } from '../src/index.ts';
import { COFFER } from '../src/network.ts';

// The second factor's state lives in the database, not in a hub process: two hub processes on
// one PostgreSQL. A session that passed OPAQUE on one sends its code to the other, and a code
// used on one is refused on the other ([Note: Second factor on the hub]).

const PASSWORD = 'two processes, one database';
let net: Network | undefined;
let second: { url: string; child: ChildProcess } | undefined;

/** A second hub process with the first one's database, on a port of its own. */
async function startSecondHub(n: Network, name = 'hub-2', extra: Record<string, unknown> = {}) {
  const config = JSON.parse(await readFile(join(n.dir, 'hub.json'), 'utf8'));
  const file = join(n.dir, `${name}.json`);
  await mkdir(join(n.dir, name), { recursive: true });
  await writeFile(
    file,
    JSON.stringify({ ...config, port: 0, dataDir: join(n.dir, name), ...extra }),
  );
  const child = spawn(process.execPath, [COFFER, 'hub', '--config', file], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    let log = '';
    child.stdout?.on('data', (d) => {
      out += d;
      const m = out.match(/Hub: (http\S+)/);
      if (m) resolve(m[1] as string);
    });
    child.stderr?.on('data', (d) => {
      log += d;
    });
    child.once('exit', (code) => reject(new Error(`the second hub exited (${code}):\n${log}`)));
  });
  return { url, child };
}

before(async () => {
  if (!(await postgresAvailable())) {
    if (process.env.CI) throw new Error('PostgreSQL is required in CI but is not reachable');
    return;
  }
  net = await startNetwork({ hosts: 0, waitReady: false, dialect: 'postgres' });
  second = await startSecondHub(net);
});
after(async () => {
  if (second && second.child.exitCode === null) {
    const child = second.child;
    await new Promise((r) => {
      child.once('exit', r);
      child.kill('SIGKILL');
    });
  }
  await net?.close();
});

async function post(hubUrl: string, path: string, body: unknown, token?: string) {
  const r = await fetch(`${hubUrl}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

/** OPAQUE on `hubUrl`: the pending session's token. */
async function pendingOn(hubUrl: string, email: string) {
  const start = await startLogin(PASSWORD);
  const s = await post(hubUrl, '/api/login/start', { email, request: start.request });
  const fin = await finishLogin(PASSWORD, start.state, s.body.response as string);
  const f = await post(hubUrl, '/api/login/finish', {
    loginId: s.body.loginId,
    finish: fin.finishRequest,
  });
  assert.equal(f.body.secondFactorRequired, true);
  return f.body.token as string;
}

test('a code used on one hub process is refused on another; a pending session moves', async (t) => {
  if (!net || !second) {
    t.skip('PostgreSQL is not reachable');
    return;
  }
  const a = net.hubUrl;
  const b = second.url;
  const email = 'two-hubs@example.com';
  const { client } = await CofferClient.signup({ hubUrl: a, email, password: PASSWORD });
  // Three codes of three steps, all within a step of the hub's clock for the next 10 s at least.
  await until('the first 20 s of a 30-second step', () => Date.now() % 30_000 < 20_000, 40_000);
  const now = Date.now();
  const { secret } = await client.secondFactor.start();
  // Enrolment started on A finishes on B: the pending secret is in the database.
  const onB = await CofferClient.resume({ ...client.saved(), hubUrl: b });
  await onB.secondFactor.enable(totpCode(secret, now), PASSWORD);

  const code = totpCode(secret, now + 30_000);
  // OPAQUE on A, the code on B.
  const first = await pendingOn(a, email);
  const passed = await post(b, '/api/login/second-factor', { code }, first);
  assert.equal(passed.status, 200, JSON.stringify(passed.body));
  // The same code again, on A, for another session: refused.
  const again = await pendingOn(a, email);
  const replay = await post(a, '/api/login/second-factor', { code }, again);
  assert.equal(replay.status, 401);
  assert.match(JSON.stringify(replay.body), /used already/);
  // Both at once, one on each process, with a code not used yet: exactly one passes.
  const fresh = totpCode(secret, now - 30_000);
  const [x, y] = [await pendingOn(a, email), await pendingOn(b, email)];
  const both = await Promise.all([
    post(a, '/api/login/second-factor', { code: fresh }, x),
    post(b, '/api/login/second-factor', { code: fresh }, y),
  ]);
  assert.deepEqual(both.map((r) => r.status).sort(), [200, 401]);
  // The session that passed on B works on A.
  const token = passed.body.token as string;
  const account = await fetch(`${a}/api/account`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(account.status, 200);
});

test('a process whose TOTP key file does not open the secrets already sealed refuses to start', async (t) => {
  if (!net) {
    t.skip('PostgreSQL is not reachable');
    return;
  }
  // The test above enrolled an account under the key in the database; a machine configured
  // with a key file of its own would make a new key there.
  const keyFile = join(net.dir, 'hub-3', 'totp.key');
  const config = JSON.parse(await readFile(join(net.dir, 'hub.json'), 'utf8'));
  await assert.rejects(
    startSecondHub(net, 'hub-3', {
      secondFactor: { ...config.secondFactor, keyFile },
    }),
    (e: Error) => {
      assert.match(e.message, /secondFactor\.keyFile/);
      assert.match(e.message, /every hub process must read the same key/);
      return true;
    },
  );
  // The key it made is gone, so the right one can be copied in.
  assert.equal(existsSync(keyFile), false);
});
