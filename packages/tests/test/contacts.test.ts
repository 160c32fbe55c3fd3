import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createKeyBundle, generateIdentity, parseAccountId, toBase64Url } from '@coffer/crypto';
import {
  CofferClient,
  type Contact,
  IntegrityError,
  KeyChangedError,
  NotFoundError,
  ValidationError,
} from '@coffer/sdk';
import {
  cli,
  type Network,
  onEachDatabase,
  rejectsAfterLie,
  startNetwork,
  startTamperProxy,
  type TamperProxy,
  tempDir,
} from '../src/index.ts';

// Contacts through the SDK and the CLI, with three users, and a hub that lies about them
// (through a tampering proxy in front of the real hub).

const password = 'correct horse battery staple';
onEachDatabase('contacts', (dialect) => {
  let net: Network;
  let proxy: TamperProxy;
  let alice: CofferClient;
  let bob: CofferClient;
  let carol: CofferClient;
  /** Alice's client talking through the lying proxy (same account, second device). */
  let aliceViaProxy: CofferClient;
  /** Carol's first key bundle, which a hub could keep and serve again. */
  let carolFirstBundle: string;

  const LOOKUP = '/api/contacts/lookup';
  const BOOK = '/api/contacts';

  async function signup(email: string, hubUrl = net.hubUrl) {
    return (await CofferClient.signup({ hubUrl, email, password })).client;
  }

  /** The email a lookup asked for. */
  const lookedUp = (body: Buffer) => (JSON.parse(body.toString()) as { email: string }).email;

  before(async () => {
    net = await startNetwork({ hosts: 2, dialect });
    proxy = await startTamperProxy(net.hubUrl);
    alice = await signup('alice@example.com');
    bob = await signup('bob@example.com');
    carol = await signup('carol@example.com');
    aliceViaProxy = await CofferClient.login({
      hubUrl: proxy.url,
      email: 'alice@example.com',
      password,
    });
  });

  after(async () => {
    await proxy?.close();
    await net?.close();
  });

  describe('contacts through the SDK', () => {
    test('adding a contact pins their keys; both sides see the same safety number', async () => {
      const b = await alice.contacts.add('Bob@Example.com ');
      assert.equal(b.email, 'bob@example.com');
      assert.equal(b.accountId, bob.keys.accountId);
      assert.equal(b.verified, false);
      assert.equal(b.keyChanged, false);
      assert.match(b.safetyNumber, /^(\d{5} ){11}\d{5}$/);
      const a = await bob.contacts.add('alice@example.com');
      assert.equal(a.safetyNumber, b.safetyNumber, 'the same 60 digits on both sides');
      assert.equal(b.fingerprint, await bob.contacts.myFingerprint());
      assert.notEqual(a.fingerprint, b.fingerprint);
      // Adding again is harmless and keeps one entry.
      await alice.contacts.add('bob@example.com');
      assert.deepEqual(
        (await alice.contacts.list()).map((c) => c.email),
        ['bob@example.com'],
      );
    });

    test('verifying checks the safety number the user compared', async () => {
      const wrong = '12345 '.repeat(12).trim();
      await assert.rejects(
        alice.contacts.verify('bob@example.com', { safetyNumber: wrong }),
        IntegrityError,
      );
      assert.equal((await alice.contacts.refresh('bob@example.com')).verified, false);
      const shown = (await bob.contacts.refresh('alice@example.com')).safetyNumber;
      const v = await alice.contacts.verify('bob@example.com', { safetyNumber: shown });
      assert.equal(v.verified, true);
      assert.ok(v.verifiedAt);
      assert.equal((await alice.contacts.keysFor('bob@example.com')).verified, true);
    });

    test('the contact book follows the account to another device', async () => {
      const second = await CofferClient.login({
        hubUrl: net.hubUrl,
        email: 'alice@example.com',
        password,
      });
      const [b] = await second.contacts.list();
      assert.equal(b?.email, 'bob@example.com');
      assert.equal(b?.verified, true);
      // Two devices adding at once both land (the second save merges after a 409).
      await Promise.all([
        second.contacts.add('carol@example.com'),
        alice.contacts.verify('bob@example.com'),
      ]);
      assert.deepEqual(
        (await alice.contacts.list()).map((c) => c.email),
        ['bob@example.com', 'carol@example.com'],
      );
    });

    test('one client adding several contacts at once keeps them all', async () => {
      // A catalog pins every new member it meets, side by side; more at once than a save
      // retries after a conflict. Each change waits its turn within the client.
      const emails = Array.from({ length: 6 }, (_, i) => `crowd${i}@example.com`);
      for (const email of emails) await signup(email);
      const erin = await signup('erin@example.com');
      await Promise.all(emails.map((email) => erin.contacts.add(email)));
      assert.deepEqual(
        (await erin.contacts.list()).map((c) => c.email),
        emails,
      );
    });

    test('bad input is refused with the field named', async () => {
      await assert.rejects(alice.contacts.add('not an email'), (e: unknown) => {
        assert.ok(e instanceof ValidationError);
        assert.equal(e.field, 'email');
        return true;
      });
      await assert.rejects(alice.contacts.add('alice@example.com'), ValidationError);
      await assert.rejects(alice.contacts.add('nobody@example.com'), NotFoundError);
      await assert.rejects(alice.contacts.refresh('nobody@example.com'), NotFoundError);
      await assert.rejects(alice.contacts.remove('nobody@example.com'), NotFoundError);
    });

    test('a contact who makes new keys: a loud key change, sharing blocked until verified again', async () => {
      const before = await alice.contacts.refresh('carol@example.com');
      carolFirstBundle = (
        await alice.hub.call('lookupContact', { body: { email: 'carol@example.com' } })
      ).keyBundle;
      await carol.rotateKeys();
      const changed = await alice.contacts.refresh('carol@example.com');
      assert.equal(changed.keyChanged, true);
      assert.equal(changed.verified, false);
      assert.notEqual(changed.safetyNumber, before.safetyNumber);
      await assert.rejects(alice.contacts.keysFor('carol@example.com'), KeyChangedError);
      // The list shows it too, on every device, without a refresh.
      const listed = (await alice.contacts.list()).find((c) => c.email === 'carol@example.com');
      assert.equal(listed?.keyChanged, true);
      // Carol's side shows the same new safety number; comparing it unblocks sharing.
      const fromCarol = await carol.contacts.add('alice@example.com');
      assert.equal(fromCarol.safetyNumber, changed.safetyNumber);
      await alice.contacts.verify('carol@example.com', { safetyNumber: fromCarol.safetyNumber });
      const keys = await alice.contacts.keysFor('carol@example.com');
      assert.deepEqual(keys.signingPublic, carol.keys.identity.signingPublic);
      // Carol logs in again with her new keys.
      const again = await CofferClient.login({
        hubUrl: net.hubUrl,
        email: 'carol@example.com',
        password,
      });
      assert.deepEqual(again.keys.identity.agreementPublic, carol.keys.identity.agreementPublic);
    });

    test('removing a contact', async () => {
      await alice.contacts.add('carol@example.com');
      await alice.contacts.remove('carol@example.com');
      assert.ok(!(await alice.contacts.list()).some((c) => c.email === 'carol@example.com'));
      await alice.contacts.add('carol@example.com');
    });
  });

  describe('a malicious hub is caught with a typed error', () => {
    /** A bundle for `accountId` with keys the hub made up, as a lying hub would serve it. */
    function forgedBundle(accountId: string, version: number) {
      return toBase64Url(createKeyBundle(generateIdentity(), parseAccountId(accountId), version));
    }

    /** Rewrites lookups of `email` with `f`. */
    function onLookup(email: string, f: (json: Record<string, unknown>) => unknown) {
      proxy.reset();
      proxy.rewrite = (path, _m, json, req) =>
        path === LOOKUP && lookedUp(req.body) === email ? f(json as Record<string, unknown>) : json;
    }

    const rejectsWith = (
      op: Promise<unknown>,
      type: abstract new (...args: never[]) => Error,
      what: RegExp,
    ) => rejectsAfterLie(proxy, op, [type], what);

    test('the proxy is transparent when nobody lies', async () => {
      proxy.reset();
      const b = await aliceViaProxy.contacts.refresh('bob@example.com');
      assert.equal(b.verified, true);
    });

    test('it substitutes a contact’s key (same version): equivocation', async () => {
      onLookup('bob@example.com', (j) => ({
        ...j,
        keyBundle: forgedBundle(bob.keys.accountId, 1),
      }));
      await rejectsWith(
        aliceViaProxy.contacts.refresh('bob@example.com'),
        IntegrityError,
        /two bundles with one version/,
      );
    });

    test('it substitutes a contact’s key with a newer version: key change, sharing blocked', async () => {
      onLookup('bob@example.com', (j) => ({
        ...j,
        keyBundle: forgedBundle(bob.keys.accountId, 7),
      }));
      await rejectsWith(
        aliceViaProxy.contacts.keysFor('bob@example.com'),
        KeyChangedError,
        /keys changed/,
      );
      // The warning stays, even once the hub stops lying and serves the real (older) bundle.
      const [b] = (await alice.contacts.list()).filter((c) => c.email === 'bob@example.com');
      assert.equal(b?.keyChanged, true);
      await assert.rejects(alice.contacts.refresh('bob@example.com'), IntegrityError);
      // The user compares with Bob, sees the numbers differ, and removes and re-adds him.
      const real = (await bob.contacts.refresh('alice@example.com')).safetyNumber;
      assert.notEqual(b?.safetyNumber, real);
      await assert.rejects(
        alice.contacts.verify('bob@example.com', { safetyNumber: real }),
        IntegrityError,
      );
      await alice.contacts.remove('bob@example.com');
      await alice.contacts.add('bob@example.com');
      await alice.contacts.verify('bob@example.com', { safetyNumber: real });
    });

    test('it replays an old key bundle: rollback', async () => {
      // Carol rotated (version 2) and Alice pinned that; the hub serves version 1 again.
      onLookup('carol@example.com', (j) => ({ ...j, keyBundle: carolFirstBundle }));
      await rejectsWith(
        aliceViaProxy.contacts.refresh('carol@example.com'),
        IntegrityError,
        /rollback/,
      );
    });

    test('it names another account for the email', async () => {
      const carolFound = await alice.hub.call('lookupContact', {
        body: { email: 'carol@example.com' },
      });
      onLookup('bob@example.com', () => carolFound);
      await rejectsWith(
        aliceViaProxy.contacts.refresh('bob@example.com'),
        IntegrityError,
        /another account/,
      );
    });

    test('it serves a bundle signed for another account', async () => {
      const carolBundle = (
        await alice.hub.call('lookupContact', { body: { email: 'carol@example.com' } })
      ).keyBundle;
      onLookup('bob@example.com', (j) => ({ ...j, keyBundle: carolBundle }));
      await rejectsWith(
        aliceViaProxy.contacts.refresh('bob@example.com'),
        IntegrityError,
        /key bundle of bob/,
      );
    });

    test('it rolls the contact book back, or relabels its version', async () => {
      const oldBook = await alice.hub.call('contactBook', {});
      await alice.contacts.remove('carol@example.com');
      await aliceViaProxy.contacts.list(); // this device sees the newest version
      proxy.reset();
      proxy.rewrite = (path, method, json) =>
        path === BOOK && method === 'GET' ? structuredClone(oldBook) : json;
      await rejectsWith(aliceViaProxy.contacts.list(), IntegrityError, /older than version/);
      proxy.rewrite = (path, method, json) =>
        path === BOOK && method === 'GET'
          ? { ...(json as object), version: (json as { version: number }).version + 1 }
          : json;
      await rejectsWith(aliceViaProxy.contacts.list(), IntegrityError, /contact book/);
      await alice.contacts.add('carol@example.com');
    });

    test('it serves another key bundle for your own account at login', async () => {
      proxy.reset();
      proxy.rewrite = (path, _m, json) => {
        const body = json as { account?: { keyBundle: string; id: string } };
        if (path === '/api/login/finish' && body.account) {
          body.account.keyBundle = forgedBundle(body.account.id, 9);
        }
        return json;
      };
      await rejectsWith(
        CofferClient.login({ hubUrl: proxy.url, email: 'alice@example.com', password }),
        IntegrityError,
        /own key bundle/,
      );
    });

    test('the hub refuses a key bundle that is not newer, or not signed for the account', async () => {
      const mine = await bob.hub.call('lookupContact', { body: { email: 'alice@example.com' } });
      const wrapped = { signing: 'A'.repeat(155), agreement: 'A'.repeat(155) };
      await assert.rejects(
        bob.hub.call('updateKeys', {
          body: { wrappedIdentity: wrapped, keyBundle: mine.keyBundle },
        }),
        (e: unknown) => e instanceof ValidationError && e.field === 'keyBundle',
      );
      const stale = toBase64Url(
        createKeyBundle(generateIdentity(), parseAccountId(bob.keys.accountId), 1),
      );
      await assert.rejects(
        bob.hub.call('updateKeys', { body: { wrappedIdentity: wrapped, keyBundle: stale } }),
        /higher than the current bundle/,
      );
    });
  });

  describe('contacts through the CLI', () => {
    let env: Record<string, string>;
    before(async () => {
      env = { ...net.env, COFFER_CONFIG_DIR: await tempDir(), COFFER_PASSWORD: password };
      const login = await cli(['login', 'carol@example.com'], env);
      assert.equal(login.code, 0, login.stderr);
    });

    test('add, show and verify print the safety number; a key change is a loud warning', async () => {
      const added = await cli(['contacts', 'add', 'dave@example.com'], env);
      assert.equal(added.code, 4, 'no such account');
      assert.match(added.stderr, /email: no account uses dave@example.com/);

      const dave = await signup('dave@example.com');
      const add = await cli(['contacts', 'add', 'dave@example.com'], env);
      assert.equal(add.code, 0, add.stderr);
      assert.match(add.stdout, /dave@example.com {2}not verified/);
      const fromDave = await dave.contacts.add('carol@example.com');
      const digits = fromDave.safetyNumber.split(' ');
      for (const group of digits) assert.ok(add.stdout.includes(group));

      const wrong = await cli(
        ['contacts', 'verify', 'dave@example.com', '--safety-number', '1'.repeat(60)],
        env,
      );
      assert.equal(wrong.code, 6, 'integrity');
      assert.match(wrong.stderr, /safetyNumber: does not match/);
      const ok = await cli(
        ['contacts', 'verify', 'dave@example.com', '--safety-number', fromDave.safetyNumber],
        env,
      );
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(ok.stdout, /dave@example.com is verified/);

      await dave.rotateKeys();
      const show = await cli(['contacts', 'show', 'dave@example.com'], env);
      assert.equal(show.code, 0, show.stderr);
      assert.match(show.stdout, /KEYS CHANGED/);
      assert.match(show.stderr, /WARNING: dave@example.com's keys changed/);
      const list = await cli(['contacts', '--json'], env);
      const listed = list.json<{ contacts: Contact[] }>().contacts;
      assert.equal(listed.find((c) => c.email === 'dave@example.com')?.keyChanged, true);

      const verify = await cli(['contacts', 'verify', 'dave@example.com', '--json'], env);
      assert.equal(verify.code, 0, verify.stderr);
      assert.equal(verify.json<Contact>().verified, true);
      assert.equal(verify.json<Contact>().keyChanged, false);

      const removed = await cli(['contacts', 'remove', 'dave@example.com'], env);
      assert.equal(removed.code, 0, removed.stderr);
      const gone = await cli(['contacts', 'show', 'dave@example.com'], env);
      assert.equal(gone.code, 4);
    });

    test('keys shows your fingerprint; keys rotate makes new ones', async () => {
      const k = await cli(['keys', '--json'], env);
      assert.equal(k.code, 0, k.stderr);
      const { fingerprint, version } = k.json<{ fingerprint: string; version: number }>();
      assert.match(fingerprint, /^(\d{5} ){5}\d{5}$/);
      const r = await cli(['keys', 'rotate', '--json'], env);
      assert.equal(r.code, 0, r.stderr);
      const after = r.json<{ fingerprint: string; version: number }>();
      assert.equal(after.version, version + 1);
      assert.notEqual(after.fingerprint, fingerprint);
      const bad = await cli(['contacts', 'add'], env);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /EMAIL/);
    });
  });
});
