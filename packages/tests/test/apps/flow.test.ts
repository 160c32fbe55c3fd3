import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type FolderKey,
  fromBase64Url,
  generateIdentity,
  type NodeId,
  toBase64Url,
  unwrapNodeKey,
} from '@coffer/crypto';
import {
  AuthError,
  ForbiddenError,
  IntegrityError,
  NotFoundError,
  RateLimitedError,
  ValidationError,
} from '@coffer/errors';
import { CofferClient, connectApp } from '@coffer/sdk';
import { cli, hubSql, startTamperProxy, type TamperProxy, until } from '../../src/index.ts';
import { appsSuite, dec, enc, FAST, readAll, requestBody } from './fixture.ts';

// The device flow ([Note: App tokens], [Note: Connecting an app]): approved through the CLI
// with the app in this process, the CLI asking first, denial, bad input named, slow_down,
// expiry, revocation with the rotation it triggers, a hub that tampers with the grant, a shared
// folder refused to a writing app, and the limit on guessing codes.

appsSuite('apps: the device flow', (s) => {
  test('the device flow ends with a client confined to the folder, both ways readable', async () => {
    const { alice, people, app, ids } = s;
    assert.equal(app.folderId, ids.photos);
    assert.deepEqual(
      (await app.list('/')).map((e) => e.name),
      ['Sub', 'in.txt'],
    );
    const d = await app.download('/in.txt');
    assert.equal(dec(await readAll(d.stream)), 'inside the folder');
    await app.upload('/from-app.txt', enc('written by the app'));
    await app.mkdir('/Sub/Deeper');
    // What the app wrote opens for the account: it signed it under a grant the account signed.
    const back = await alice.download('/Photos/from-app.txt');
    assert.equal(dec(await readAll(back.stream)), 'written by the app');
    const listed = await cli(['apps', '--json'], people.env('alice'));
    assert.equal(listed.code, 0, listed.stderr);
    const apps = listed.json<{ apps: { name: string; path: string; state: string }[] }>().apps;
    assert.ok(
      apps.some((a) => a.name === 'Photo uploader' && a.path === '/Photos' && a.state === 'active'),
    );
  });

  test('the CLI asks before approving, and an answer other than yes approves nothing', async () => {
    const { net, people } = s;
    const r = await fetch(`${net.hubUrl}/api/apps/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(requestBody('read')),
    });
    const { userCode } = (await r.json()) as { userCode: string };
    const no = await cli(
      ['apps', 'approve', userCode, '--folder', '/Photos', '--json'],
      people.env('alice'),
      'n\n',
    );
    assert.equal(no.code, 0, no.stderr);
    assert.equal(no.json<{ approved: boolean }>().approved, false);
    assert.match(no.stderr + no.stdout, /Photo uploader asks to read only \/Photos/);
    const denied = await cli(['apps', 'deny', userCode.toLowerCase()], people.env('alice'));
    assert.equal(denied.code, 0, denied.stderr);
  });

  test('a user who denies: the app gets ForbiddenError', async () => {
    const { people, connect } = s;
    await assert.rejects(
      connect({ access: 'read', folder: '/Photos' }, async (code) => {
        const r = await cli(['apps', 'deny', code], people.env('alice'));
        assert.equal(r.code, 0, r.stderr);
      }),
      ForbiddenError,
    );
  });

  test('bad input is named: disguised names, unknown device codes, malformed user codes', async () => {
    const { net, people } = s;
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${net.hubUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as { error: { field?: string } } };
    };
    for (const name of ['Photos\u001b[2J', 'Photo\u202egpj.exe', '']) {
      const r = await post('/api/apps/requests', { ...requestBody('read'), name });
      assert.equal(r.status, 400, name);
      assert.equal(r.body.error.field, 'body.name', name);
    }
    const r = await post('/api/apps/requests', { ...requestBody('read'), folder: 'a\u0007b' });
    assert.equal(r.status, 400);
    assert.equal(r.body.error.field, 'body.folder');
    assert.equal((await post('/api/apps/token', { deviceCode: 'nope' })).status, 404);
    const bad = await cli(['apps', 'approve', 'ABCD-1234', '--yes'], people.env('alice'));
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /userCode.*consonants/);
    const unknown = await cli(['apps', 'approve', 'BCDF-GHJK', '--yes'], people.env('alice'));
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /no app is waiting with this code/);
  });

  test('polling faster than the interval answers slow_down, 5 s more each time', async () => {
    const { net } = s;
    const r = await fetch(`${net.hubUrl}/api/apps/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(requestBody('read')),
    });
    const { deviceCode, interval } = (await r.json()) as { deviceCode: string; interval: number };
    assert.equal(interval, 5);
    const poll = async () =>
      (await (
        await fetch(`${net.hubUrl}/api/apps/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ deviceCode }),
        })
      ).json()) as { state: string; interval?: number };
    assert.deepEqual(await poll(), { state: 'authorization_pending' });
    assert.deepEqual(await poll(), { state: 'slow_down', interval: 10 });
    assert.deepEqual(await poll(), { state: 'slow_down', interval: 15 });
  });

  test('expiry: past its expiry the token gets 401', async () => {
    const { alice, connect } = s;
    const brief = await connect({ access: 'read', folder: '/Photos' }, (code) =>
      alice.apps.approve(code, '/Photos', { expiresIn: 12 }),
    );
    assert.ok((await brief.list('/')).length > 0);
    await until('the token expires', async () => {
      try {
        await brief.list('/');
        return false;
      } catch (e) {
        return e instanceof AuthError;
      }
    });
  });

  test('revocation: the next request gets 401, and the folder gets new keys', async () => {
    const { net, alice, people, ids, connect, approveByCli } = s;
    const doomed = await connect(
      { access: 'readwrite', folder: '/Photos/Sub' },
      approveByCli(['--yes']),
    );
    await doomed.upload('/by-doomed.txt', enc('written before the revocation'));
    const kept = doomed.saved();
    const keyVersion = (await alice.resolve('/Photos/Sub')).info.keyVersion ?? 1;
    const id = (await alice.apps.list()).find((a) => a.folderId === ids.sub && a.active)?.id;
    assert.ok(id);
    const r = await cli(['apps', 'revoke', id, '--json'], people.env('alice'));
    assert.equal(r.code, 0, r.stderr);
    // No other app of /Photos/Sub or under it to give the new keys ([Note: Resealing after a
    // rotation]; apps/regrant.test.ts has those).
    assert.deepEqual(r.json(), { revoked: id, rotated: true, resealed: [] });
    await assert.rejects(doomed.list('/'), AuthError);
    const after = (await alice.apps.list()).find((a) => a.id === id);
    assert.equal(after?.active, false);

    // The rotation: new keys under the folder; what the app wrote still opens for the account.
    const fresh = await CofferClient.login({
      hubUrl: net.hubUrl,
      email: 'alice@example.com',
      password: 'pw',
    });
    assert.equal((await fresh.resolve('/Photos/Sub')).info.keyVersion, keyVersion + 1);
    const back = await fresh.download('/Photos/Sub/by-doomed.txt');
    assert.equal(dec(await readAll(back.stream)), 'written before the revocation');
    // Nothing written afterwards opens with the key the app kept.
    await fresh.upload('/Photos/Sub/after.txt', enc('written after the revocation'));
    const afterInfo = (await fresh.resolve('/Photos/Sub/after.txt')).info;
    await assert.rejects(
      unwrapNodeKey(
        fromBase64Url(kept.folderKey, 'folderKey') as FolderKey,
        fromBase64Url(afterInfo.wrappedKey, 'wrappedKey'),
        {
          nodeId: afterInfo.id as NodeId,
          parentId: afterInfo.parentId as NodeId,
          kind: afterInfo.kind,
          keyVersion: afterInfo.keyVersion ?? 1,
        },
      ),
    );
    // A read-only app's revocation rotates nothing.
    const keysBefore = (await alice.resolve('/Photos')).info.keyVersion;
    const reader = await connect({ access: 'read', folder: '/Photos' }, (code) =>
      alice.apps.approve(code, '/Photos'),
    );
    const readerId = (await alice.apps.list())
      .filter((a) => a.folderId === reader.folderId && a.access === 'read' && a.active)
      .at(-1)?.id;
    assert.ok(readerId);
    assert.deepEqual(await alice.apps.revoke(readerId), { rotated: false });
    await assert.rejects(reader.list('/'), AuthError);
    assert.equal((await alice.resolve('/Photos')).info.keyVersion, keysBefore);
  });

  test('a hub that swaps the sealed key or widens the folder is caught: IntegrityError', async () => {
    const { net, alice, ids, connect } = s;
    const proxy: TamperProxy = await startTamperProxy(net.hubUrl);
    try {
      // Untampered first: through the proxy, the flow works.
      const honest = await connect({ access: 'read', folder: '/Photos', hub: proxy.url }, (code) =>
        alice.apps.approve(code, '/Photos'),
      );
      assert.equal(honest.folderId, ids.photos);
      const other = (await alice.apps.list()).find((a) => a.folderId === ids.sub);
      assert.ok(other, 'an app granted /Photos/Sub earlier');

      type Granted = {
        state?: string;
        folderId?: string;
        sealedKey?: string;
        keyVersion?: number;
        access?: string;
      };
      /** The app connects through a hub that changes its grant with `lie`: IntegrityError. */
      const caught = async (lie: (granted: Granted) => void) => {
        proxy.rewrite = (path, _m, json) => {
          const j = json as Granted;
          if (path === '/api/apps/token' && j.state === 'granted') lie(j);
          return j;
        };
        await assert.rejects(
          connect({ access: 'read', folder: '/Photos', hub: proxy.url }, (code) =>
            alice.apps.approve(code, '/Photos'),
          ),
          IntegrityError,
        );
      };
      // The token names the parent folder while the grant says /Photos.
      await caught((j) => {
        j.folderId = ids.root;
      });
      // Another grant's sealed key (another folder, another app) relayed instead of ours.
      await caught((j) => {
        j.folderId = other.folderId;
        j.sealedKey = other.sealedKey;
        j.keyVersion = other.keyVersion;
      });
      // Wider rights than the app asked for.
      await caught((j) => {
        j.access = 'readwrite';
      });
    } finally {
      await proxy.close();
    }
  });

  test('a hub that serves other keys for a request shows another fingerprint, and approving with the one checked is an IntegrityError', async () => {
    const { net, alice } = s;
    const proxy: TamperProxy = await startTamperProxy(net.hubUrl);
    try {
      /** An app that asks (through the proxy) and waits; its code and fingerprint. */
      const ask = () =>
        new Promise<{ userCode: string; fingerprint: string }>((resolve) => {
          connectApp({
            hub: proxy.url,
            name: 'Photo uploader',
            access: 'readwrite',
            retry: FAST,
            onCode: resolve,
          }).catch(() => {});
        });
      const viaProxy = await CofferClient.resume(
        { ...alice.saved(), hubUrl: proxy.url },
        { retry: FAST },
      );
      // Untampered first: through the proxy, the lookup's fingerprint is the app's.
      const honest = await ask();
      const seen = await viaProxy.apps.lookup(honest.userCode);
      assert.equal(seen.fingerprint, honest.fingerprint);
      await alice.apps.deny(honest.userCode);
      // The hub puts its own keys in the request the account looks at.
      const mallory = generateIdentity();
      proxy.rewrite = (path, _m, json) => {
        const j = json as { publicKey?: string; signingKey?: string };
        if (path === '/api/apps/lookup') {
          j.publicKey = toBase64Url(mallory.agreementPublic);
          j.signingKey = toBase64Url(mallory.signingPublic);
        }
        return j;
      };
      const lied = await ask();
      assert.notEqual((await viaProxy.apps.lookup(lied.userCode)).fingerprint, lied.fingerprint);
      await assert.rejects(
        viaProxy.apps.approve(lied.userCode, '/Photos', { fingerprint: lied.fingerprint }),
        IntegrityError,
      );
      proxy.rewrite = null;
      await alice.apps.deny(lied.userCode);
    } finally {
      await proxy.close();
    }
  });

  test('a session token alone cannot grant an app: the hub wants the account’s signature over this grant', async () => {
    const { net, alice } = s;
    const call = async (path: string, body: unknown, token?: string) => {
      const res = await fetch(`${net.hubUrl}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      });
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    };
    const session = alice.saved().token;
    const asked = await call('/api/apps/requests', requestBody('readwrite'));
    assert.equal(asked.status, 200, JSON.stringify(asked.json));
    const userCode = String(asked.json.userCode);
    const looked = await call('/api/apps/lookup', { userCode }, session);
    assert.equal(looked.status, 200, JSON.stringify(looked.json));
    // Someone holding only the session token replays a grant the account signed for another
    // request and folder: the signature does not cover this one.
    const other = (await alice.apps.list()).find((a) => a.active);
    assert.ok(other, 'a grant signed earlier');
    const forged = await call(
      '/api/apps/approve',
      {
        userCode,
        requestId: looked.json.requestId,
        folderId: other.folderId,
        keyVersion: other.keyVersion,
        sealedKey: other.sealedKey,
      },
      session,
    );
    assert.equal(forged.status, 400, JSON.stringify(forged.json));
    assert.match(JSON.stringify(forged.json), /sealedKey: expected this app's folder key sealed/);
    // Nothing was granted: the request still waits, and the account's own client can answer it.
    assert.equal((await call('/api/apps/lookup', { userCode }, session)).status, 200);
    await alice.apps.deny(userCode);
  });

  test('a writing app cannot be given a shared folder', async () => {
    const { net, alice } = s;
    await CofferClient.signup({
      hubUrl: net.hubUrl,
      email: 'bob@example.com',
      password: 'bob’s password',
    });
    await alice.mkdir('/Team');
    await alice.shares.share('/Team', 'bob@example.com', 'read');
    const res = await fetch(`${net.hubUrl}/api/apps/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(requestBody('readwrite')),
    });
    const { userCode } = (await res.json()) as { userCode: string };
    await assert.rejects(
      alice.apps.approve(userCode, '/Team'),
      (e) => e instanceof ValidationError && /is shared/.test(e.message),
    );
    await alice.apps.deny(userCode);
  });

  test('a grant the app never picks up expires with its request ([Note: Grants never picked up])', async () => {
    const { net, alice, people } = s;
    const keys = generateIdentity();
    const asked = await fetch(`${net.hubUrl}/api/apps/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        ...requestBody('read'),
        name: 'Gone before its token',
        publicKey: toBase64Url(keys.agreementPublic),
        signingKey: toBase64Url(keys.signingPublic),
      }),
    });
    const { userCode, requestId } = (await asked.json()) as { userCode: string; requestId: string };
    await alice.apps.approve(userCode, '/Photos');
    const listed = async () => (await alice.apps.list()).find((a) => a.requestId === requestId);
    assert.equal((await listed())?.active, true, 'waiting for the app to poll');
    // The app never polls; its request's ten minutes pass (moved back here).
    await hubSql(
      net,
      `update apps set created_at = created_at - 600001 where request_id = '${requestId}'`,
    );
    const gone = await listed();
    assert.equal(gone?.active, false);
    assert.ok((gone?.expiresAt ?? Infinity) < Date.now());
    const shown = await cli(['apps', '--json'], people.env('alice'));
    const apps = shown.json<{ apps: { name: string; state: string }[] }>().apps;
    assert.equal(apps.find((a) => a.name === 'Gone before its token')?.state, 'expired');
  });

  test('guessing user codes hits the limit on look-ups (429)', async () => {
    const { net } = s;
    const { client: mallory } = await CofferClient.signup({
      hubUrl: net.hubUrl,
      email: 'mallory@example.com',
      password: 'a guessing game',
      retry: FAST,
    });
    const guess = (i: number) => `BCDF${'GHJKLMNPQRSTVWXZ'.slice(i % 12, (i % 12) + 4)}`;
    let refused: unknown;
    for (let i = 0; i < 40 && !refused; i++) {
      try {
        await mallory.hub.call('lookupAppRequest', { body: { userCode: guess(i) } });
      } catch (e) {
        if (e instanceof NotFoundError) continue;
        refused = e;
      }
    }
    assert.ok(refused instanceof RateLimitedError, String(refused));
  });
});
