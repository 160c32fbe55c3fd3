import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuthError, IntegrityError } from '@coffer/errors';
import { type AppClient, CofferClient, resumeApp } from '@coffer/sdk';
import { startTamperProxy, type TamperProxy } from '../../src/index.ts';
import { appsSuite, dec, enc, hubCaller, readAll } from './fixture.ts';

// Grants after a rotation ([Note: Resealing after a rotation], [Note: Grants after a
// rotation], [Note: Renewing an app's grant]): revoking a writing app rotates its folder's
// keys, and every other active app of that folder or of a folder under it gets the new key of
// its folder without asking the user again; the revoked app stays out; a hub that swaps in a
// grant the account did not sign is caught; the hub takes a new grant only as the account
// signed it, for an active app of its own, at the folder's current key version.

const reads = async (app: AppClient, path: string) =>
  dec(await readAll((await app.download(path)).stream));

appsSuite('apps: grants after a rotation', (s) => {
  test('revoking a writing app: the other apps of the folder and under it keep working, the revoked one stays out', async () => {
    const { alice, ids, connect } = s;
    const approve = (folder: string) => (code: string) => alice.apps.approve(code, folder);
    const doomed = await connect({ access: 'readwrite', folder: '/Photos' }, approve('/Photos'));
    const reader = await connect({ access: 'read', folder: '/Photos' }, approve('/Photos'));
    const subReader = await connect(
      { access: 'read', folder: '/Photos/Sub' },
      approve('/Photos/Sub'),
    );
    const subWriter = await connect(
      { access: 'readwrite', folder: '/Photos/Sub' },
      approve('/Photos/Sub'),
    );
    await doomed.upload('/by-doomed.txt', enc('written by the doomed app'));
    await subWriter.upload('/sub-before.txt', enc('in Sub, before'));
    const readerBefore = reader.saved();
    const photosBefore = (await alice.resolve('/Photos')).info.keyVersion ?? 1;

    const doomedId = doomed.saved().appId;
    assert.ok(doomedId);
    const r = await alice.apps.revoke(doomedId);
    assert.equal(r.rotated, true);
    const others = [s.app, reader, subReader, subWriter].map((a) => a.saved().appId);
    assert.deepEqual([...(r.resealed ?? [])].sort(), [...others].sort());
    assert.equal((await alice.resolve('/Photos')).info.keyVersion, photosBefore + 1);

    // The revoked app is out, and its grant stays at the old version.
    await assert.rejects(doomed.list('/'), AuthError);
    const after = await alice.apps.list();
    const doomedAfter = after.find((a) => a.id === doomedId);
    assert.equal(doomedAfter?.keyVersion, photosBefore);
    for (const id of others) {
      const a = after.find((x) => x.id === id);
      assert.ok(a?.active);
    }

    // The reader of the folder reads on, what was there and what the revoked app wrote.
    assert.deepEqual((await reader.list('/')).map((e) => e.name).sort(), [
      'Sub',
      'by-doomed.txt',
      'in.txt',
    ]);
    assert.equal(await reads(reader, '/in.txt'), 'inside the folder');
    // What the revoked app wrote the account signed again: the reader opens it now.
    assert.equal(await reads(reader, '/by-doomed.txt'), 'written by the doomed app');
    assert.equal(reader.saved().keyVersion, photosBefore + 1);
    // The other writer of the folder writes on, and the account reads it (the reader reads
    // what the account writes: an app's files open only for the account and the app).
    await s.app.upload('/after-revoke.txt', enc('written after the revocation'));
    assert.equal(await reads(s.app, '/after-revoke.txt'), 'written after the revocation');
    const back = await alice.download('/Photos/after-revoke.txt');
    assert.equal(dec(await readAll(back.stream)), 'written after the revocation');
    // Apps of a folder under the rotated one too.
    assert.ok((await subReader.list('/')).some((e) => e.name === 'sub-before.txt'));
    await subWriter.upload('/sub-after.txt', enc('in Sub, after'));
    assert.equal(await reads(subWriter, '/sub-after.txt'), 'in Sub, after');
    await alice.upload('/Photos/Sub/by-alice.txt', enc('the account, after'));
    assert.equal(await reads(subReader, '/by-alice.txt'), 'the account, after');
    const subBack = await alice.download('/Photos/Sub/sub-after.txt');
    assert.equal(dec(await readAll(subBack.stream)), 'in Sub, after');
    await subWriter.mkdir('/Made-after');
    assert.equal(subWriter.folderId, ids.sub);
    // An app resumed from what it saved before the rotation renews its grant on first use.
    const resumed = await resumeApp(readerBefore);
    assert.equal(await reads(resumed, '/in.txt'), 'inside the folder');
    assert.equal(resumed.saved().keyVersion, photosBefore + 1);

    // A read-only app's revocation rotates nothing and reseals nothing.
    assert.deepEqual(await alice.apps.revoke(subReader.saved().appId), { rotated: false });
    await assert.rejects(subReader.list('/'), AuthError);
  });

  test('a hub that swaps in a grant the account did not sign is caught: IntegrityError', async () => {
    const { net, alice, connect } = s;
    const proxy: TamperProxy = await startTamperProxy(net.hubUrl);
    try {
      const victim = await connect({ access: 'read', folder: '/Photos', hub: proxy.url }, (code) =>
        alice.apps.approve(code, '/Photos'),
      );
      const doomed = await connect({ access: 'readwrite', folder: '/Photos' }, (code) =>
        alice.apps.approve(code, '/Photos'),
      );
      assert.ok((await victim.list('/')).some((e) => e.name === 'in.txt'));
      const before = victim.saved().keyVersion;
      await alice.apps.revoke(doomed.saved().appId);
      const other = (await alice.apps.list()).find(
        (a) => a.active && a.folderId === victim.folderId && a.id !== victim.saved().appId,
      );
      assert.ok(other, 'another app of /Photos, resealed too');
      type Grant = { sealedKey?: string; keyVersion?: number; folderId?: string };
      const lying = async (lie: (g: Grant) => void) => {
        proxy.rewrite = (path, _m, json) => {
          if (path === '/api/apps/grant') lie(json as Grant);
          return json;
        };
        await assert.rejects(victim.list('/'), IntegrityError);
        assert.equal(victim.saved().keyVersion, before);
      };
      // Another app's box for the same folder and version.
      await lying((g) => {
        g.sealedKey = other.sealedKey;
      });
      // The old box under a newer version.
      await lying((g) => {
        g.keyVersion = (g.keyVersion ?? 0) + 5;
      });
      // Another folder's grant.
      await lying((g) => {
        g.folderId = s.ids.private;
      });
      // An honest hub again: the real grant opens and the app reads on.
      proxy.rewrite = null;
      assert.ok((await victim.list('/')).some((e) => e.name === 'in.txt'));
      assert.equal(victim.saved().keyVersion, before + 1);
    } finally {
      await proxy.close();
    }
  });

  test('the hub takes a new grant only from the account, for an active app, as the account signed it', async () => {
    const { net, alice, connect, ids } = s;
    const app = await connect({ access: 'read', folder: '/Private' }, (code) =>
      alice.apps.approve(code, '/Private'),
    );
    const id = app.saved().appId;
    const granted = (await alice.apps.list()).find((a) => a.id === id);
    assert.ok(granted);
    const asAlice = hubCaller(net.hubUrl, alice.saved().token);
    const asApp = hubCaller(net.hubUrl, app.saved().token);
    const v = granted.keyVersion;
    const path = `/api/apps/${id}/regrant`;
    const body = { folderId: ids.private, keyVersion: v, sealedKey: granted.sealedKey };
    const refused = async (b: unknown, status: number, field: RegExp) => {
      const r = await asAlice('POST', path, b);
      assert.equal(r.status, status, JSON.stringify(r.json));
      assert.match(JSON.stringify(r.json), field);
    };
    // An app token cannot call it, not even for itself; its own grant it may read, and only it.
    assert.equal((await asApp('POST', path, body)).status, 403);
    const own = await asApp('GET', '/api/apps/grant');
    assert.equal(own.status, 200);
    assert.equal((own.json as { keyVersion: number }).keyVersion, v);
    assert.equal((await asAlice('GET', '/api/apps/grant')).status, 403);
    // The same version again is no new grant.
    await refused(body, 400, /keyVersion/);

    // A rotation that reseals nothing (the shares' own, called directly): the app is behind.
    await alice.shares.rotateKeys('/Private', []);
    assert.equal((await alice.resolve('/Private')).info.keyVersion, v + 1);
    await assert.rejects(app.list('/'), IntegrityError);
    const next = { ...body, keyVersion: v + 1 };
    await refused({ ...next, folderId: ids.photos }, 400, /folderId/);
    await refused({ ...next, keyVersion: v + 2 }, 409, /keyVersion/);
    await refused({ ...next, keyVersion: 'two' }, 400, /keyVersion/);
    await refused({ ...next, extra: 1 }, 400, /extra|unrecognized/i);
    // The old box under the new version, and a box nobody signed: not the account's signature.
    await refused(next, 400, /sealedKey/);
    await refused({ ...next, sealedKey: 'A'.repeat(198) }, 400, /sealedKey/);
    const missing = await asAlice(
      'POST',
      '/api/apps/0123456789abcdef0123456789abcdef/regrant',
      next,
    );
    assert.equal(missing.status, 404);
    // The account's client reseals (as after any rotation it makes), and the app reads on.
    assert.deepEqual(await alice.apps.resealUnder(ids.private), [id]);
    assert.deepEqual(await alice.apps.resealUnder(ids.private), []);
    assert.equal(await reads(app, '/out.txt'), 'outside the folder');
    // A revoked app gets nothing.
    await alice.apps.revoke(id);
    await refused({ ...next, keyVersion: v + 2 }, 409, /revoked/);
  });
  test('removing a share member rotates the folder, and the account’s apps there keep reading', async () => {
    const { net, alice, connect } = s;
    await CofferClient.signup({ hubUrl: net.hubUrl, email: 'bob@example.com', password: 'pw' });
    await alice.mkdir('/Shared/Inner', { parents: true });
    await alice.upload('/Shared/Inner/note.txt', enc('shared, then not'));
    const approve = (folder: string) => (code: string) => alice.apps.approve(code, folder);
    const reader = await connect({ access: 'read', folder: '/Shared' }, approve('/Shared'));
    const inner = await connect(
      { access: 'read', folder: '/Shared/Inner' },
      approve('/Shared/Inner'),
    );
    assert.equal(await reads(inner, '/note.txt'), 'shared, then not');
    await alice.shares.share('/Shared', 'bob@example.com', 'read');
    const before = (await alice.resolve('/Shared')).info.keyVersion ?? 1;
    const removed = await alice.shares.remove('/Shared', 'bob@example.com');
    assert.equal(removed.share, null);
    // The removal names the apps it gave the new keys, for the user to be told.
    assert.deepEqual(
      [...removed.resealed].sort(),
      [reader, inner].map((a) => a.saved().appId).sort(),
    );
    assert.equal((await alice.resolve('/Shared')).info.keyVersion, before + 1);
    assert.equal(await reads(reader, '/Inner/note.txt'), 'shared, then not');
    assert.equal(await reads(inner, '/note.txt'), 'shared, then not');
    assert.equal(reader.saved().keyVersion, before + 1);
  });
});
