import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { finishLogin, startLogin } from '@coffer/crypto';
import { totpCode } from '@coffer/crypto/server';
import {
  AuthError,
  ConflictError,
  SecondFactorRequiredError,
  ValidationError,
} from '@coffer/errors';
import { CofferClient } from '@coffer/sdk';
import {
  cli,
  hubSql,
  type Network,
  onEachDatabase,
  postJson,
  replicasOf,
  startNetwork,
  tempDir,
  until,
} from '../src/index.ts';

// Deleting an account ([Note: Account deletion]): the password proven afresh, the email typed
// again, a fresh code with 2FA on; all of it or nothing; afterwards the login and the old
// session fail, nothing in the hub's tables names the account, its chunks leave the hosts,
// others keep what is theirs, and the email can sign up again. Each on SQLite and PostgreSQL.

const PASSWORD = 'correct horse battery staple';
const STEP = 30_000;
const enc = (s: string) => new TextEncoder().encode(s);
const bytes = (n: number, seed: number) =>
  Uint8Array.from({ length: n }, (_, i) => (i * 131 + seed * 17 + (i >> 8)) & 255);

/** Every column of the hub's schema that names an account, as (table, column). */
const ACCOUNT_COLUMNS: readonly [string, string][] = [
  ['accounts', 'id'],
  ['sessions', 'account_id'],
  ['session_sync_states', 'account_id'],
  ['nodes', 'account_id'],
  ['uploads', 'account_id'],
  ['contact_books', 'account_id'],
  ['groups', 'owner_id'],
  ['group_members', 'account_id'],
  ['group_keys', 'account_id'],
  ['shelf_entries', 'author_id'],
  ['group_copies', 'account_id'],
  ['entry_ratings', 'rater_id'],
  ['feed_states', 'account_id'],
  ['subscriptions', 'account_id'],
  ['subscriptions', 'member_id'],
  ['mirrors', 'account_id'],
  ['shares', 'owner_id'],
  ['share_members', 'account_id'],
  ['share_keys', 'account_id'],
  ['links', 'account_id'],
  ['file_requests', 'account_id'],
  ['folder_policies', 'account_id'],
  ['changes', 'account_id'],
  ['change_counters', 'account_id'],
  ['apps', 'account_id'],
  ['account_totp', 'account_id'],
  ['totp_used_steps', 'account_id'],
  ['totp_recovery_codes', 'account_id'],
  ['hosts', 'owner_account_id'],
];

/**
 * Columns that name an account but are not the deleted account's to take: who wrote a node in
 * another user's tree (the node is that user's).
 */
const KEPT_COLUMNS = new Set(['nodes.author_id']);
/** What a column that names an account is called. */
const NAMES_AN_ACCOUNT = /^(account_id|owner_id|owner_account_id|author_id|rater_id|member_id)$/;

onEachDatabase('account deletion', (dialect) => {
  let net: Network;
  before(async () => {
    net = await startNetwork({
      hosts: 2,
      dialect,
      hubConfig: {
        gc: { intervalMs: 300 },
        login: { perEmail: 50, perAddress: 1000, windowSeconds: 60 },
      },
    });
  });
  after(async () => {
    await net?.close();
  });

  const signup = async (email: string) =>
    (await CofferClient.signup({ hubUrl: net.hubUrl, email, password: PASSWORD })).client;
  const login = (email: string, password = PASSWORD) =>
    CofferClient.login({ hubUrl: net.hubUrl, email, password });

  const post = (path: string, body: unknown, token?: string) =>
    postJson(`${net.hubUrl}${path}`, body, token);

  /** A real proof of `email`'s password, made by hand (loginStart, then the finish message). */
  async function proof(email: string, password = PASSWORD) {
    const attempt = await startLogin(password);
    const started = await postJson(`${net.hubUrl}/api/login/start`, {
      email,
      request: attempt.request,
    });
    const { loginId, response } = started.body as { loginId: string; response: string };
    const { finishRequest } = await finishLogin(password, attempt.state, response);
    return { loginId, finish: finishRequest };
  }

  async function rowsNaming(accountId: string) {
    const out: string[] = [];
    for (const [table, column] of ACCOUNT_COLUMNS) {
      const [row] = await hubSql(
        net,
        `select count(*) as n from ${table} where ${column} = '${accountId}'`,
      );
      if (Number(row?.n) > 0) out.push(`${table}.${column}: ${row?.n}`);
    }
    return out;
  }

  test('every column of the schema that names an account is one the deletion clears', async () => {
    const columns =
      dialect === 'sqlite'
        ? (
            await hubSql(
              net,
              "select m.name as t, p.name as c from sqlite_master m join pragma_table_info(m.name) p where m.type = 'table'",
            )
          ).map((r) => `${r.t}.${r.c}`)
        : (
            await hubSql(
              net,
              'select table_name as t, column_name as c from information_schema.columns where table_schema = current_schema()',
            )
          ).map((r) => `${r.t}.${r.c}`);
    assert.ok(columns.includes('accounts.email'), 'the schema was read');
    const cleared = new Set(ACCOUNT_COLUMNS.map(([t, c]) => `${t}.${c}`));
    const missed = columns.filter(
      (tc) =>
        NAMES_AN_ACCOUNT.test(tc.split('.')[1] ?? '') && !cleared.has(tc) && !KEPT_COLUMNS.has(tc),
    );
    assert.deepEqual(missed, []);
  });

  test('bad input is a 4xx naming the field; a wrong password or email deletes nothing', async () => {
    const alice = await signup('bad-input@example.com');
    await alice.upload('/kept.txt', enc('still here'));
    const token = alice.saved().token;
    const shape = {
      loginId: 'd'.repeat(32),
      finish: 'A'.repeat(100),
      email: 'bad-input@example.com',
    };
    assert.equal((await post('/api/account/delete', shape)).status, 401);
    const missing = await post('/api/account/delete', { ...shape, loginId: undefined }, token);
    assert.equal(missing.status, 400);
    assert.match(missing.message, /loginId/);
    const notEmail = await post('/api/account/delete', { ...shape, email: 'nope' }, token);
    assert.equal(notEmail.status, 400);
    assert.match(notEmail.message, /email/);
    const extra = await post('/api/account/delete', { ...shape, force: true }, token);
    assert.equal(extra.status, 400);
    assert.match(extra.message, /force/);
    // An unknown login attempt, then a real proof with another account's email typed.
    const unknown = await post('/api/account/delete', shape, token);
    assert.equal(unknown.status, 401);
    assert.match(unknown.message, /loginId/);
    const wrongEmail = await post(
      '/api/account/delete',
      { ...(await proof('bad-input@example.com')), email: 'other@example.com' },
      token,
    );
    assert.equal(wrongEmail.status, 400);
    assert.match(wrongEmail.message, /^email: /);
    // Through the SDK: a wrong password, and an email that is not the account's.
    await assert.rejects(
      alice.deleteAccount('not the password', 'bad-input@example.com'),
      (e: Error) => e instanceof AuthError && /currentPassword/.test(e.message),
    );
    await assert.rejects(
      alice.deleteAccount(PASSWORD, 'someone@example.com'),
      (e: Error) => e instanceof ValidationError && /^email/.test(e.message),
    );
    // Nothing went: the session, the login and the file are all still there.
    assert.deepEqual(
      (await alice.list('/')).map((e) => e.name),
      ['kept.txt'],
    );
    const again = await login('bad-input@example.com');
    assert.equal(again.keys.accountId, alice.keys.accountId);
  });

  test('with 2FA on: refused without a fresh code or with a wrong one, done with one', async () => {
    const alice = await signup('twofactor@example.com');
    const { secret } = await alice.secondFactor.start();
    const recoveryCodes = await alice.secondFactor.enable(totpCode(secret, Date.now()), PASSWORD);
    assert.ok(recoveryCodes.length > 0);
    await assert.rejects(
      alice.deleteAccount(PASSWORD, 'twofactor@example.com'),
      SecondFactorRequiredError,
    );
    const wrong = totpCode(secret, Date.now() + 10 * STEP);
    await assert.rejects(
      alice.deleteAccount(PASSWORD, 'twofactor@example.com', wrong),
      (e: Error) => e instanceof AuthError && /code: wrong code/.test(e.message),
    );
    assert.equal((await rowsNaming(alice.keys.accountId)).includes('accounts.id: 1'), true);
    // The code used to turn 2FA on is spent: the next step's code (accepted a step early).
    await alice.deleteAccount(
      PASSWORD,
      'twofactor@example.com',
      totpCode(secret, Date.now() + STEP),
    );
    await assert.rejects(login('twofactor@example.com'), AuthError);
    assert.deepEqual(await rowsNaming(alice.keys.accountId), []);
  });

  test('a recovery code works in place of a code', async () => {
    const alice = await signup('recovery-code@example.com');
    const { secret } = await alice.secondFactor.start();
    const [code] = await alice.secondFactor.enable(totpCode(secret, Date.now()), PASSWORD);
    await alice.deleteAccount(PASSWORD, 'recovery-code@example.com', code);
    assert.deepEqual(await rowsNaming(alice.keys.accountId), []);
  });

  test('everything goes, chunks leave the hosts, others keep theirs, the email signs up again', async () => {
    const alice = await signup('alice@example.com');
    const bob = await signup('bob@example.com');
    const carol = await signup('carol@example.com');
    const big = bytes(300_000, 1);
    await alice.upload('/team/plan.bin', big, { parents: true });
    await alice.upload('/team/notes.txt', enc('notes'));
    await alice.upload('/private/diary.txt', enc('dear diary'), { parents: true });
    await alice.mkdir('/inbox');
    await alice.shares.share('/team', 'bob@example.com', 'write');
    await alice.links.create('/team/notes.txt');
    await alice.requests.create('/inbox');
    // Bob writes into Alice's share, and keeps a copy of her plan in his own tree.
    const [team] = await bob.shares.incoming();
    assert.ok(team);
    const inTeam = bob.within(team.folder);
    await inTeam.upload('/from-bob.txt', enc('bob wrote this'));
    const { stream } = await inTeam.download('/plan.bin');
    await bob.upload('/copy-of-plan.bin', new Uint8Array(await new Response(stream).arrayBuffer()));
    // Bob shares a folder with Alice; Alice is in Bob's group, and owns one Carol is invited to.
    await bob.upload('/bobs/readme.txt', enc('for alice'), { parents: true });
    await bob.shares.share('/bobs', 'alice@example.com', 'write');
    const [bobs] = await alice.shares.incoming();
    assert.ok(bobs);
    await alice.within(bobs.folder).upload('/from-alice.txt', enc('alice wrote this'));
    await bob.groups.create('Bob club', ['alice@example.com']);
    await alice.groups.accept('Bob club');
    await alice.groups.create('Alice club', ['carol@example.com']);
    // She offers a file in Bob's group; his copy of it is a file of his over the same chunks.
    const gift = bytes(120_000, 2);
    await alice.upload('/shelf/gift.bin', gift, { parents: true });
    await alice.shelves.publish('/shelf/gift.bin', 'Bob club');
    const offered = (await bob.shelves.catalog('Bob club')).item('gift.bin');
    await bob.copies.copy(offered, { to: '/', pollMs: 100 });
    const giftChunks = [...new Set((await replicasOf(bob, '/gift.bin')).map((r) => `'${r.id}'`))];
    assert.deepEqual(
      [...new Set((await replicasOf(alice, '/shelf/gift.bin')).map((r) => `'${r.id}'`))].sort(),
      [...giftChunks].sort(),
    );

    const replicas = [
      ...(await replicasOf(alice, '/team/plan.bin')),
      ...(await replicasOf(alice, '/private/diary.txt')),
    ];
    assert.ok(replicas.length >= 4);
    const chunkIds = [...new Set(replicas.map((r) => `'${r.id}'`))].join(',');
    const other = await login('alice@example.com');

    // A group she owns with someone else in it: refused, nothing deleted, and it says why.
    await assert.rejects(alice.deleteAccount(PASSWORD, 'alice@example.com'), (e: Error) => {
      assert.ok(e instanceof ConflictError);
      assert.match(e.message, /^groups: you own 1 group with other members or invitees/);
      return true;
    });
    assert.equal((await alice.list('/')).length, 4);
    await carol.groups.decline('Alice club');

    await alice.deleteAccount(PASSWORD, 'alice@example.com');

    // Her sessions are gone, this one and the other; her password opens nothing.
    await assert.rejects(alice.list('/'), AuthError);
    await assert.rejects(other.list('/'), AuthError);
    const old = await fetch(`${net.hubUrl}/api/account`, {
      headers: { authorization: `Bearer ${alice.saved().token}` },
    });
    assert.equal(old.status, 401);
    await assert.rejects(login('alice@example.com'), AuthError);
    assert.deepEqual(await rowsNaming(alice.keys.accountId), []);

    // Her chunks leave the hosts: the hub forgets them, and each host answers 404.
    await until(
      "alice's chunks collected",
      async () =>
        Number(
          (
            await hubSql(
              net,
              `select count(*) as n from chunk_replicas where chunk_id in (${chunkIds})`,
            )
          )[0]?.n,
        ) === 0,
    );
    for (const r of replicas) {
      const res = await fetch(`${r.url}/chunks/${r.id}`, {
        headers: { authorization: `Bearer ${r.token}` },
      });
      await res.arrayBuffer();
      assert.equal(res.status, 404, `${r.id} on ${r.hostId}`);
    }

    // Bob: the share from her went, his copy and his own share and group stay.
    assert.deepEqual(await bob.shares.incoming(), []);
    const copy = await bob.download('/copy-of-plan.bin');
    assert.deepEqual(new Uint8Array(await new Response(copy.stream).arrayBuffer()), big);
    assert.deepEqual((await bob.list('/')).map((e) => e.name).sort(), [
      'bobs',
      'copy-of-plan.bin',
      'gift.bin',
    ]);
    // His copy from her shelf holds the chunks it shares with her file: not collected.
    const gotGift = await bob.download('/gift.bin');
    assert.deepEqual(new Uint8Array(await new Response(gotGift.stream).arrayBuffer()), gift);
    const giftReplicas = await hubSql(
      net,
      `select count(*) as n from chunk_replicas where chunk_id in (${giftChunks.join(',')})`,
    );
    assert.ok(Number(giftReplicas[0]?.n) >= giftChunks.length * 2);
    // What she wrote in his shared folder is his, and still checks with the keys he pinned.
    assert.deepEqual((await bob.list('/bobs')).map((e) => e.name).sort(), [
      'from-alice.txt',
      'readme.txt',
    ]);
    const fromAlice = await bob.download('/bobs/from-alice.txt');
    assert.equal(await new Response(fromAlice.stream).text(), 'alice wrote this');
    // Nobody joins while his signed list still names her; he takes her off first (a key
    // rotation, her file signed again by him), and it stays his.
    await assert.rejects(bob.shares.share('/bobs', 'carol@example.com', 'read'), (e: Error) => {
      assert.ok(e instanceof ValidationError);
      assert.match(e.message, /memberList: no account \w+ \(an account deleted since/);
      return true;
    });
    assert.equal((await bob.shares.remove('/bobs', 'alice@example.com')).share, null);
    await bob.shares.share('/bobs', 'carol@example.com', 'read');
    const [forCarol] = await carol.shares.incoming();
    assert.deepEqual(
      (await carol.listOpen(forCarol?.folder as Parameters<typeof carol.listOpen>[0]))
        .map((n) => n.meta.name)
        .sort(),
      ['from-alice.txt', 'readme.txt'],
    );
    const kept = await bob.download('/bobs/from-alice.txt');
    assert.equal(await new Response(kept.stream).text(), 'alice wrote this');
    const [club] = await bob.groups.list();
    assert.equal(club?.name, 'Bob club');
    assert.equal(club?.members.find((m) => m.accountId === alice.keys.accountId)?.state, 'left');
    assert.deepEqual(await carol.groups.list(), []);
    // His next roster drops her, with a new group key, and the newcomer opens the group.
    const grown = await bob.groups.invite('Bob club', ['carol@example.com']);
    assert.deepEqual(
      grown.members.map((m) => m.email),
      ['carol@example.com'],
    );
    assert.ok(grown.keyVersion > (club?.keyVersion ?? 0));
    const [invited] = await carol.groups.list();
    assert.equal(invited?.name, 'Bob club');

    // The email is free again: a new account, empty.
    const reborn = await signup('alice@example.com');
    assert.notEqual(reborn.keys.accountId, alice.keys.accountId);
    assert.deepEqual(await reborn.list('/'), []);
    assert.deepEqual(await reborn.shares.incoming(), []);
  });

  test('coffer account delete: the email typed to confirm, or --yes; then logged out', async () => {
    const dir = await tempDir();
    const env = { ...net.env, COFFER_CONFIG_DIR: dir, COFFER_PASSWORD: PASSWORD };
    await signup('cli@example.com');
    const logged = await cli(['login', 'cli@example.com'], env);
    assert.equal(logged.code, 0, logged.stderr);
    const typo = await cli(['account', 'delete'], env, 'cli@example.org\n');
    assert.equal(typo.code, 2, typo.stderr);
    assert.match(typo.stderr, /email: expected cli@example\.com typed again/);
    await login('cli@example.com');
    const wrong = await cli(['account', 'delete', '--yes'], {
      ...env,
      COFFER_PASSWORD: 'not the password',
    });
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /currentPassword: wrong password/);
    const done = await cli(['account', 'delete', '--json'], env, 'cli@example.com\n');
    assert.equal(done.code, 0, done.stderr);
    assert.deepEqual(done.json(), { deleted: true, email: 'cli@example.com' });
    await assert.rejects(login('cli@example.com'), AuthError);
    const whoami = await cli(['whoami'], env);
    assert.notEqual(whoami.code, 0);

    // With 2FA on and no terminal: the code from --code or $COFFER_TOTP, else refused.
    const twoFactor = await signup('cli-2fa@example.com');
    const { secret } = await twoFactor.secondFactor.start();
    // Recovery codes, not the app's: two codes of one 30 s step would be one code used twice.
    const [forLogin, forDelete] = await twoFactor.secondFactor.enable(
      totpCode(secret, Date.now()),
      PASSWORD,
    );
    const in2fa = await cli(['login', 'cli-2fa@example.com', '--code', String(forLogin)], env);
    assert.equal(in2fa.code, 0, in2fa.stderr);
    const noCode = await cli(['account', 'delete', '--yes'], env);
    assert.equal(noCode.code, 2, noCode.stderr);
    assert.match(
      noCode.stderr,
      /code: this account has a second factor: pass --code or set COFFER_TOTP/,
    );
    const withCode = await cli(['account', 'delete', '--yes'], {
      ...env,
      COFFER_TOTP: String(forDelete),
    });
    assert.equal(withCode.code, 0, withCode.stderr);
    assert.deepEqual(await rowsNaming(twoFactor.keys.accountId), []);

    await signup('cli-yes@example.com');
    assert.equal((await cli(['login', 'cli-yes@example.com'], env)).code, 0);
    const yes = await cli(['account', 'delete', '--yes'], env);
    assert.equal(yes.code, 0, yes.stderr);
    assert.match(yes.stdout, /Account cli-yes@example\.com deleted/);
    await assert.rejects(login('cli-yes@example.com'), AuthError);
  });
});
