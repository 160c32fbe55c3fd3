import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { finishLogin, startLogin } from '@coffer/crypto';
import { totpCode } from '@coffer/crypto/server';
import { AuthError, SecondFactorRequiredError } from '@coffer/errors';
import { type RouteSpec, routes } from '@coffer/protocol';
import { CofferClient, connectApp } from '@coffer/sdk';
import { cli, hubSql, type Network, onEachDatabase, startNetwork, until } from '../src/index.ts';

// The account's second factor (TOTP): enrolment, the login step after OPAQUE with a code and
// with a recovery code, a code used twice, the backoff and the lockout, the sessions that wait
// for their code (401 on every other route, the wrapped master key never served), the
// sensitive actions that need a fresh code, and the CLI. Replay across two hub processes on
// one PostgreSQL is in second-factor-processes.test.ts. Each on SQLite and on PostgreSQL.

const PASSWORD = 'correct horse battery staple';
const STEP = 30_000;

let net: Network;
onEachDatabase('the second factor', (dialect) => {
  before(async () => {
    net = await startNetwork({
      hosts: 0,
      waitReady: false,
      dialect,
      hubConfig: {
        secondFactor: { backoffMs: 200, lockoutMinutes: 1 },
        // Each step that proves the password is a login: more than 10 an email in 15 minutes.
        login: { perEmail: 100, perAddress: 1000, windowSeconds: 900 },
      },
    });
  });
  after(async () => {
    await net?.close();
  });

  interface Answer {
    status: number;
    body: Record<string, unknown> & {
      error?: { code?: string; message?: string; reason?: string };
    };
  }

  async function call(
    method: string,
    path: string,
    token?: string,
    body?: unknown,
  ): Promise<Answer> {
    const r = await fetch(`${net.hubUrl}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : {} };
  }

  /** OPAQUE by hand: what loginFinish answers (a pending session for an account with 2FA). */
  async function opaqueLogin(email: string, password = PASSWORD) {
    const start = await startLogin(password);
    const s = await call('POST', '/api/login/start', undefined, { email, request: start.request });
    assert.equal(s.status, 200, JSON.stringify(s.body));
    const fin = await finishLogin(password, start.state, s.body.response as string);
    const f = await call('POST', '/api/login/finish', undefined, {
      loginId: s.body.loginId,
      finish: fin.finishRequest,
    });
    assert.equal(f.status, 200, JSON.stringify(f.body));
    return f.body as { token: string; secondFactorRequired?: true; account?: unknown };
  }

  /** An account with its second factor on: its client, secret and recovery codes. */
  async function enrolled(email: string) {
    const { client } = await CofferClient.signup({ hubUrl: net.hubUrl, email, password: PASSWORD });
    const { secret } = await client.secondFactor.start();
    const recoveryCodes = await client.secondFactor.enable(totpCode(secret, Date.now()), PASSWORD);
    return { client, secret, recoveryCodes };
  }

  /** The code `stepsAhead` steps from now: 1 is accepted (a clock ahead), 2 and more are not. */
  const codeAfter = (secret: string, stepsAhead: number) =>
    totpCode(secret, Date.now() + stepsAhead * STEP);

  test('enrolment: a secret of 160 bits and its URI, on only with a valid code, 10 recovery codes', async () => {
    const { client } = await CofferClient.signup({
      hubUrl: net.hubUrl,
      email: 'enrol@example.com',
      password: PASSWORD,
    });
    assert.deepEqual(await client.secondFactor.status(), {
      enabled: false,
      pending: false,
      recoveryCodesLeft: 0,
      lockedUntil: null,
      recoveryCodesLow: false,
    });
    const { secret, uri } = await client.secondFactor.start();
    assert.ok(secret.length >= 32, 'at least 160 bits in base32');
    const parsed = new URL(uri);
    assert.equal(parsed.protocol, 'otpauth:');
    assert.equal(parsed.searchParams.get('algorithm'), 'SHA1');
    assert.equal(parsed.searchParams.get('digits'), '6');
    assert.equal(parsed.searchParams.get('period'), '30');
    assert.equal(parsed.searchParams.get('secret'), secret);
    assert.match(decodeURIComponent(parsed.pathname), /enrol@example\.com/);
    assert.equal((await client.secondFactor.status()).pending, true);

    const wrong = totpCode(secret, Date.now() + 10 * STEP);
    await assert.rejects(client.secondFactor.enable(wrong, PASSWORD), AuthError);
    // A session token alone cannot turn it on: the password is proven too.
    await assert.rejects(
      client.secondFactor.enable(totpCode(secret, Date.now()), 'not the password'),
      /currentPassword: wrong password/,
    );
    assert.equal((await client.secondFactor.status()).enabled, false);
    // Not on yet: logging in needs no code.
    assert.ok(!(await opaqueLogin('enrol@example.com')).secondFactorRequired);

    const codes = await client.secondFactor.enable(totpCode(secret, Date.now()), PASSWORD);
    assert.equal(codes.length, 10);
    assert.equal(new Set(codes).size, 10);
    for (const c of codes) assert.match(c, /^[0-9a-z]{4}(-[0-9a-z]{4}){3}$/);
    const status = await client.secondFactor.status();
    assert.equal(status.enabled, true);
    assert.equal(status.recoveryCodesLeft, 10);
    // The hub keeps the secret sealed, and the recovery codes hashed.
    const rows = (await hubSql(net, 'select sealed_secret from account_totp')) as {
      sealed_secret: string;
    }[];
    assert.ok(rows.length >= 1);
    for (const r of rows) assert.ok(!r.sealed_secret.includes(secret));
    const hashes = (await hubSql(net, 'select code_hash from totp_recovery_codes')) as {
      code_hash: string;
    }[];
    for (const h of hashes) assert.ok(!codes.some((c) => h.code_hash.includes(c)));
    await assert.rejects(client.secondFactor.start(), /on already/);
  });

  test('a session waiting for its code gets 401 with a typed error on every other route', async () => {
    const { client, secret } = await enrolled('gated@example.com');
    const pending = await opaqueLogin('gated@example.com');
    assert.equal(pending.secondFactorRequired, true);
    assert.equal(pending.account, undefined, 'no wrapped keys before the code');
    // The owner sees a sign-in that has the password and waits for its code.
    const awaiting = async () =>
      (await client.sessions()).filter((x) => x.awaitingCode).map((x) => x.current);
    assert.deepEqual(await awaiting(), [false]);
    const open = new Set(['secondFactorLogin', 'logout']);
    let checked = 0;
    for (const [name, spec] of Object.entries(routes) as [string, RouteSpec][]) {
      if (spec.auth !== 'session' || open.has(name)) continue;
      const path = spec.path.replace(/\{(\w+)\}/g, 'a'.repeat(32));
      const a = await call(
        spec.method.toUpperCase(),
        path,
        pending.token,
        spec.method === 'get' ? undefined : {},
      );
      assert.equal(a.status, 401, `${name}: ${JSON.stringify(a.body)}`);
      assert.equal(a.body.error?.code, 'auth', name);
      assert.equal(a.body.error?.reason, 'second_factor_required', name);
      checked++;
    }
    assert.ok(checked > 50, `checked ${checked} routes`);
    // The code passes (the next step's: enrolment used this one): a new token with the account,
    // and the waiting one is retired.
    const done = await call('POST', '/api/login/second-factor', pending.token, {
      code: codeAfter(secret, 1),
    });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.ok((done.body.account as { wrappedMasterKey?: string }).wrappedMasterKey);
    assert.notEqual(done.body.token, pending.token);
    assert.equal((await call('GET', '/api/account', done.body.token as string)).status, 200);
    assert.equal((await call('GET', '/api/account', pending.token)).status, 401);
    assert.deepEqual(await awaiting(), []);
  });

  test('login with a code, ±1 step, a used code refused, and with a recovery code once', async () => {
    const { secret, recoveryCodes } = await enrolled('login@example.com');
    const email = 'login@example.com';
    // Without a code: a typed error saying one is needed.
    await assert.rejects(
      CofferClient.login({ hubUrl: net.hubUrl, email, password: PASSWORD }),
      SecondFactorRequiredError,
    );
    // The code of the next step (a clock behind ours) passes, once, typed with a space.
    const next = codeAfter(secret, 1);
    const client = await CofferClient.login({
      hubUrl: net.hubUrl,
      email,
      password: PASSWORD,
      code: `${next.slice(0, 3)} ${next.slice(3)}`,
    });
    assert.equal(client.whoami().email, email);
    await client.list('/');
    await assert.rejects(
      CofferClient.login({ hubUrl: net.hubUrl, email, password: PASSWORD, code: next }),
      /used already/,
    );
    // Two steps off: refused.
    await assert.rejects(
      CofferClient.login({
        hubUrl: net.hubUrl,
        email,
        password: PASSWORD,
        code: codeAfter(secret, 3),
      }),
      /wrong code/,
    );
    // A recovery code, typed in capitals with spaces: once.
    const typed = (recoveryCodes[0] as string).toUpperCase().replaceAll('-', ' ');
    const byRecovery = await CofferClient.login({
      hubUrl: net.hubUrl,
      email,
      password: PASSWORD,
      code: async () => typed,
    });
    assert.equal((await byRecovery.secondFactor.status()).recoveryCodesLeft, 9);
    await assert.rejects(
      CofferClient.login({ hubUrl: net.hubUrl, email, password: PASSWORD, code: recoveryCodes[0] }),
      /not one of your unused recovery codes/,
    );
  });

  test('new recovery codes: a code and the password, the old ones stop working, the new ones work once', async () => {
    const email = 'renew@example.com';
    const { client, secret, recoveryCodes } = await enrolled(email);
    const renew = (code: string, password = PASSWORD) =>
      client.secondFactor.newRecoveryCodes(code, password);
    // Without a code, with a wrong one, with a wrong password: refused, nothing changed. The
    // password is checked first, so the code it came with is not spent.
    await assert.rejects(renew(''), /code/);
    await assert.rejects(renew(codeAfter(secret, 5)), /wrong/);
    await assert.rejects(renew(recoveryCodes[0] as string, 'not the password'), AuthError);
    assert.equal((await client.secondFactor.status()).recoveryCodesLeft, 10);
    // With a recovery code: ten new ones, different from the old.
    const renewed = await renew(recoveryCodes[0] as string);
    assert.equal(renewed.length, 10);
    assert.equal(new Set([...renewed, ...recoveryCodes]).size, 20);
    assert.equal((await client.secondFactor.status()).recoveryCodesLeft, 10);
    const login = (code: string) =>
      CofferClient.login({ hubUrl: net.hubUrl, email, password: PASSWORD, code });
    await assert.rejects(login(recoveryCodes[1] as string), /not one of your unused/);
    const byNew = await login(renewed[0] as string);
    assert.equal((await byNew.secondFactor.status()).recoveryCodesLeft, 9);
    await assert.rejects(login(renewed[0] as string), /not one of your unused/);
    // With a code from the app as well.
    const again = await renew(codeAfter(secret, 1));
    assert.equal(again.length, 10);
    await assert.rejects(login(renewed[1] as string), /not one of your/);
    // Two at once, each with a good code: they take turns (the later one may find its code
    // replaced by the earlier), and one set alone is left, never both.
    const both = await Promise.allSettled([
      renew(again[0] as string),
      byNew.secondFactor.newRecoveryCodes(again[1] as string, PASSWORD),
    ]);
    const sets = both.flatMap((x) => (x.status === 'fulfilled' ? [x.value] : []));
    assert.ok(sets.length > 0, JSON.stringify(both));
    assert.equal((await client.secondFactor.status()).recoveryCodesLeft, 10);
    const working: string[][] = [];
    for (const set of sets) {
      if (
        await login(set[0] as string).then(
          () => true,
          () => false,
        )
      )
        working.push(set);
    }
    assert.equal(working.length, 1);
    // Turned off: none to renew.
    await byNew.secondFactor.disable((working[0] as string[])[1] as string);
    await assert.rejects(renew('123456'), /second factor is off/);
    // Without a session: 401.
    const r = await call('POST', '/api/account/2fa/recovery-codes', 'not-a-session', {
      code: '123456',
    });
    assert.equal(r.status, 401);
  });

  test('after 5 wrong codes a backoff, after 10 a lockout the user is told about', async () => {
    const email = 'lockout@example.com';
    const { secret, recoveryCodes } = await enrolled(email);
    const pending = await opaqueLogin(email);
    const send = (code: string) =>
      call('POST', '/api/login/second-factor', pending.token, { code });
    const wrong = codeAfter(secret, 5);
    for (let i = 1; i <= 5; i++) {
      const a = await send(wrong);
      assert.equal(a.status, 401, JSON.stringify(a.body));
      assert.match(a.body.error?.message ?? '', new RegExp(`${i} of 10`));
    }
    // The sixth try, straight away, waits (and is not counted).
    const early = await send(wrong);
    assert.equal(early.status, 429, JSON.stringify(early.body));
    assert.match(early.body.error?.message ?? '', /wait/);
    // Even the right code waits out the backoff.
    assert.equal((await send(totpCode(secret, Date.now()))).status, 429);
    let last: Answer | undefined;
    for (let i = 6; i <= 10; i++) {
      last = await until(`wrong code ${i} past the backoff`, async () => {
        const a = await send(wrong);
        return a.status === 429 && /wait/.test(a.body.error?.message ?? '') ? false : a;
      });
      if (i < 10) assert.equal(last.status, 401, JSON.stringify(last.body));
    }
    assert.equal(last?.status, 429);
    assert.match(last?.body.error?.message ?? '', /locked .* until \d{4}-\d\d-\d\dT/);
    // Locked: the right code is refused too, on any session, and the status says until when.
    assert.match((await send(totpCode(secret, Date.now()))).body.error?.message ?? '', /locked/);
    const other = await opaqueLogin(email);
    const a = await call('POST', '/api/login/second-factor', other.token, {
      code: totpCode(secret, Date.now()),
    });
    assert.equal(a.status, 429);
    // Wrong recovery codes neither count towards the codes' lockout nor extend it, so someone
    // with the password cannot keep the owner's codes locked or hold up a recovery code.
    const lockOf = () =>
      hubSql(
        net,
        `select locked_until from account_totp where account_id = (select id from accounts where email = '${email}')`,
      );
    const lockedUntil = await lockOf();
    for (let i = 0; i < 5; i++) {
      const w = await send('zzzz-zzzz-zzzz-zzzz');
      assert.equal(w.status, 401, JSON.stringify(w.body));
      assert.match(w.body.error?.message ?? '', /not one of your unused recovery codes/);
    }
    assert.deepEqual(await lockOf(), lockedUntil);
    // A recovery code still works, and ends the lockout.
    const ok = await send(recoveryCodes[0] as string);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const status = await call('GET', '/api/account/2fa', ok.body.token as string);
    assert.equal(status.body.lockedUntil, null);
  });

  test('a burst of codes sent at once gets no more tries than codes sent one by one', async () => {
    const email = 'burst@example.com';
    const { secret } = await enrolled(email);
    const pending = await opaqueLogin(email);
    const wrong = codeAfter(secret, 5);
    const answers = await Promise.all(
      Array.from({ length: 120 }, () =>
        call('POST', '/api/login/second-factor', pending.token, { code: wrong }),
      ),
    );
    for (const a of answers) assert.ok([401, 429].includes(a.status), JSON.stringify(a.body));
    // Each code checked is counted before the check, so at most 9 come back "wrong" and the
    // tenth locks; the rest wait or meet the lock without being looked at.
    const checked = answers.filter((a) => a.status === 401);
    assert.ok(checked.length <= 9, `${checked.length} codes were checked`);
    const counts = checked.map((a) => /\((\d+) of 10/.exec(a.body.error?.message ?? '')?.[1]);
    assert.equal(new Set(counts).size, counts.length, `counts repeat: ${counts.join(', ')}`);
    // The same holds for a sensitive action's fresh code.
    const { client } = await enrolled('burst-action@example.com');
    const token = client.saved().token;
    const tries = await Promise.all(
      Array.from({ length: 60 }, () =>
        call('POST', '/api/account/2fa/disable', token, { code: wrong }),
      ),
    );
    const wrongs = tries.filter((a) => a.status === 401);
    assert.ok(wrongs.length <= 9, `${wrongs.length} codes were checked`);
    assert.equal((await client.secondFactor.status()).enabled, true);
  });

  describe('sensitive actions need a fresh code', () => {
    test('changing the password, the recovery key, turning 2FA off', async () => {
      const email = 'sensitive@example.com';
      const { client: first, secret, recoveryCodes } = await enrolled(email);
      const { client: fresh } = await CofferClient.signup({
        hubUrl: net.hubUrl,
        email: 'recovery-source@example.com',
        password: PASSWORD,
      });
      await fresh.logout();
      await assert.rejects(
        first.changePassword(PASSWORD, 'a new password 1'),
        SecondFactorRequiredError,
      );
      await assert.rejects(
        first.changePassword(PASSWORD, 'a new password 1', codeAfter(secret, 4)),
        /wrong code/,
      );
      await first.changePassword(PASSWORD, 'a new password 1', codeAfter(secret, 1));
      // The recovery key: a fresh code too.
      const { recoveryKey } = await CofferClient.signup({
        hubUrl: net.hubUrl,
        email: 'recover@example.com',
        password: PASSWORD,
      });
      const { secret: s2 } = await (async () => {
        const c = await CofferClient.login({
          hubUrl: net.hubUrl,
          email: 'recover@example.com',
          password: PASSWORD,
        });
        const started = await c.secondFactor.start();
        await c.secondFactor.enable(totpCode(started.secret, Date.now()), PASSWORD);
        return started;
      })();
      const recover = (secondFactor?: string) =>
        CofferClient.recover({
          hubUrl: net.hubUrl,
          email: 'recover@example.com',
          recoveryKey,
          newPassword: 'recovered password',
          ...(secondFactor ? { secondFactor } : {}),
        });
      await assert.rejects(recover(), SecondFactorRequiredError);
      const recovered = await recover(codeAfter(s2, 1));
      assert.equal(recovered.whoami().email, 'recover@example.com');
      // Turning it off: a wrong code no, a recovery code yes; then the password alone logs in.
      await assert.rejects(first.secondFactor.disable(codeAfter(secret, 5)), /wrong code/);
      await first.secondFactor.disable(recoveryCodes[3] as string);
      assert.equal((await first.secondFactor.status()).enabled, false);
      const again = await CofferClient.login({
        hubUrl: net.hubUrl,
        email,
        password: 'a new password 1',
      });
      assert.equal(again.whoami().email, email);
    });
  });

  test('the CLI: 2fa enable, status, login with --code and COFFER_TOTP, passwd, recovery-codes, disable', async () => {
    const email = 'cli@example.com';
    const env = { ...net.env, COFFER_PASSWORD: PASSWORD };
    assert.equal((await cli(['signup', email], env)).code, 0);
    // Started, with stdin closed: the secret is printed and enrolment waits for --code.
    const started = await cli(['2fa', 'enable', '--json'], env);
    assert.equal(started.code, 0, started.stderr);
    const { secret, uri, enabled } = started.json<{
      secret: string;
      uri: string;
      enabled: boolean;
    }>();
    assert.equal(enabled, false);
    assert.match(uri, /^otpauth:\/\/totp\//);
    const human = await cli(['2fa', 'status'], env);
    assert.match(human.stdout, /enrolment waits/);
    const on = await cli(['2fa', 'enable', '--code', totpCode(secret, Date.now()), '--json'], env);
    assert.equal(on.code, 0, on.stderr);
    const { recoveryCodes } = on.json<{ recoveryCodes: string[] }>();
    assert.equal(recoveryCodes.length, 10);
    assert.match((await cli(['2fa', 'status'], env)).stdout, /On; 10 recovery codes left/);
    // Interactive enrolment prints the QR code and the secret (a second account).
    const other = {
      ...net.env,
      COFFER_CONFIG_DIR: `${net.env.COFFER_CONFIG_DIR}-2`,
      COFFER_PASSWORD: PASSWORD,
    };
    assert.equal((await cli(['signup', 'cli-qr@example.com'], other)).code, 0);
    const qr = await cli(['2fa', 'enable'], other);
    assert.match(qr.stdout, /█|▀|▄/);
    assert.match(qr.stdout, /Secret: [A-Z2-7]{32}/);

    // Login: no code and no terminal is a clear error naming the code.
    const none = await cli(['login', email], env);
    assert.notEqual(none.code, 0);
    assert.match(none.stderr, /code/);
    // That sign-in has the password and waits for its code: the owner's sessions show it.
    const listed = await cli(['sessions'], env);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /waiting for its 2FA code \(if this is not you/);
    const withFlag = await cli(['login', email, '--code', codeAfter(secret, 1)], env);
    assert.equal(withFlag.code, 0, withFlag.stderr);
    const withEnv = await cli(['login', email], {
      ...env,
      COFFER_TOTP: recoveryCodes[0] as string,
    });
    assert.equal(withEnv.code, 0, withEnv.stderr);
    assert.match((await cli(['2fa', 'status'], env)).stdout, /9 recovery codes left/);
    // passwd asks for the code too; then 2fa disable.
    const passwd = await cli(['passwd', '--code', recoveryCodes[1] as string], {
      ...env,
      COFFER_NEW_PASSWORD: 'the next password',
    });
    assert.equal(passwd.code, 0, passwd.stderr);
    // New recovery codes, shown once; the old ones stop working.
    const renewed = await cli(['2fa', 'recovery-codes', '--code', recoveryCodes[2] as string], {
      ...env,
      COFFER_PASSWORD: 'the next password',
    });
    assert.equal(renewed.code, 0, renewed.stderr);
    assert.match(renewed.stdout, /the ones you had before no longer work/);
    const fresh = renewed.stdout.match(/[0-9a-z]{4}(-[0-9a-z]{4}){3}/g) ?? [];
    assert.equal(fresh.length, 10);
    assert.match((await cli(['2fa', 'status'], env)).stdout, /10 recovery codes left/);
    const stale = await cli(['2fa', 'disable', '--code', recoveryCodes[3] as string], env);
    assert.notEqual(stale.code, 0);
    assert.match(stale.stderr, /not one of your unused recovery codes/);
    const off = await cli(['2fa', 'disable', '--code', fresh[0] as string], env);
    assert.equal(off.code, 0, off.stderr);
    assert.match((await cli(['2fa', 'status'], env)).stdout, /^Off\./);
  });

  test('approving an app needs a fresh code, from the SDK and from coffer apps approve', async () => {
    const email = 'apps-2fa@example.com';
    const { client, secret, recoveryCodes } = await enrolled(email);
    await client.mkdir('/Photos');
    const connect = (approve: (code: string) => Promise<unknown>) => {
      let approval: Promise<unknown> | undefined;
      const app = connectApp({
        hub: net.hubUrl,
        name: 'Photo uploader',
        access: 'read',
        folder: '/Photos',
        retry: { maxElapsedMs: 1500, firstDelayMs: 50, maxDelayMs: 200 },
        onCode: ({ userCode }) => {
          approval = approve(userCode);
        },
      });
      return Promise.all([app, until('the app shows its code', () => approval).then((a) => a)]);
    };
    // The SDK: refused without a code (typed), then approved with one.
    const [app] = await connect(async (userCode) => {
      await assert.rejects(client.apps.approve(userCode, '/Photos'), SecondFactorRequiredError);
      return client.apps.approve(userCode, '/Photos', { secondFactor: codeAfter(secret, 1) });
    });
    assert.deepEqual(
      (await app.list('/')).map((e) => e.name),
      [],
    );
    // The CLI: --code (no terminal, so without it the command says what it needs).
    const env = { ...net.env, COFFER_CONFIG_DIR: `${net.env.COFFER_CONFIG_DIR}-apps` };
    const login = await cli(['login', email, '--code', recoveryCodes[1] as string], {
      ...env,
      COFFER_PASSWORD: PASSWORD,
    });
    assert.equal(login.code, 0, login.stderr);
    await connect(async (userCode) => {
      const without = await cli(['apps', 'approve', userCode, '--yes'], env);
      assert.notEqual(without.code, 0);
      assert.match(without.stderr, /--code|COFFER_TOTP/);
      const r = await cli(['apps', 'approve', userCode, '--yes', '--json'], {
        ...env,
        // A recovery code does as well as a code from the app.
        COFFER_TOTP: recoveryCodes[0] as string,
      });
      assert.equal(r.code, 0, r.stderr);
      return r;
    });
  });
});
