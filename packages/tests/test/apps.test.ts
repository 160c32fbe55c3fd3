import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type FolderKey, fromBase64Url, type NodeId, unwrapNodeKey } from '@coffer/crypto';
import {
  AuthError,
  ForbiddenError,
  IntegrityError,
  NotFoundError,
  RateLimitedError,
  ValidationError,
} from '@coffer/errors';
import { type RouteSpec, routes } from '@coffer/protocol';
import { type AppClient, CofferClient, connectApp, type RetryPolicy } from '@coffer/sdk';
import {
  cli,
  type Network,
  onEachDatabase,
  signedUpPeople,
  startNetwork,
  startTamperProxy,
  type TamperProxy,
  until,
} from '../src/index.ts';

// Apps confined to one folder ([Note: App tokens], [Note: App scope], [Note: App grants]): the
// device flow approved through the CLI with the app side in this process; slow_down; every
// app-allowed route inside and outside the folder; a read-only token's writes; key isolation
// with the keys the app holds; revocation and expiry; a hub that swaps the sealed key or
// widens the folder, caught by the app.

const FAST: RetryPolicy = { maxElapsedMs: 1500, firstDelayMs: 50, maxDelayMs: 200 };
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

const readAll = async (stream: ReadableStream<Uint8Array>) =>
  new Uint8Array(await new Response(stream).arrayBuffer());

onEachDatabase('apps', (dialect) => {
  let net: Network;
  let alice: CofferClient;
  let people: Awaited<ReturnType<typeof signedUpPeople>>;
  let app: AppClient;
  let ids: Record<'photos' | 'sub' | 'inFile' | 'private' | 'outFile' | 'root', string>;

  /** Connects an app, approving its code with `approve` once it shows one. */
  async function connect(
    o: { access: 'read' | 'readwrite'; folder?: string; hub?: string },
    approve: (code: string) => Promise<unknown>,
  ): Promise<AppClient> {
    let approval: Promise<unknown> | undefined;
    const client = connectApp({
      hub: o.hub ?? net.hubUrl,
      name: 'Photo uploader',
      access: o.access,
      ...(o.folder ? { folder: o.folder } : {}),
      retry: FAST,
      onCode: ({ userCode }) => {
        approval = approve(userCode);
      },
    });
    const [c] = await Promise.all([
      client,
      until('the app shows its code', () => approval).then((a) => a),
    ]);
    return c;
  }

  const approveByCli =
    (args: string[] = [], input?: string) =>
    async (code: string) => {
      const r = await cli(['apps', 'approve', code, ...args, '--json'], people.env('alice'), input);
      assert.equal(r.code, 0, r.stderr);
      return r;
    };

  before(async () => {
    net = await startNetwork({ hosts: 2, dialect });
    people = await signedUpPeople(net, ['alice']);
    alice = await CofferClient.login({
      hubUrl: net.hubUrl,
      email: 'alice@example.com',
      password: 'pw',
    });
    await alice.mkdir('/Photos/Sub', { parents: true });
    await alice.mkdir('/Private');
    await alice.upload('/Photos/in.txt', enc('inside the folder'));
    await alice.upload('/Private/out.txt', enc('outside the folder'));
    const node = async (p: string) => (await alice.resolve(p)).info.id;
    ids = {
      root: (await alice.root()).info.id,
      photos: await node('/Photos'),
      sub: await node('/Photos/Sub'),
      inFile: await node('/Photos/in.txt'),
      private: await node('/Private'),
      outFile: await node('/Private/out.txt'),
    };
    // Approved through the CLI, which asks first: "y" on its input.
    app = await connect({ access: 'readwrite', folder: '/Photos' }, approveByCli([], 'y\n'));
  });
  after(() => net?.close());

  test('the device flow ends with a client confined to the folder, both ways readable', async () => {
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
    await assert.rejects(
      connect({ access: 'read', folder: '/Photos' }, async (code) => {
        const r = await cli(['apps', 'deny', code], people.env('alice'));
        assert.equal(r.code, 0, r.stderr);
      }),
      ForbiddenError,
    );
  });

  test('bad input is named: disguised names, unknown device codes, malformed user codes', async () => {
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

  test('every app-allowed route: inside the folder works, outside is 403', async () => {
    const token = app.saved().token;
    // Nodes made here with made-up keys go in a folder of their own.
    const junk = (await alice.mkdir('/Photos/Junk')).id;
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${net.hubUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return { status: res.status, json: (await res.json().catch(() => null)) as unknown };
    };
    const node = (await call('GET', `/api/nodes/${ids.inFile}`)).json as {
      version: number;
      nameHash: string;
      wrappedKey: string;
      metadata: string;
    };
    const outNode = (await alice.resolve('/Private/out.txt')).info;
    const moveBody = (
      parentId: string,
      n: { version: number; nameHash: string; wrappedKey: string; metadata: string },
    ) => ({
      version: n.version,
      parentId,
      nameHash: n.nameHash,
      wrappedKey: n.wrappedKey,
      metadata: n.metadata,
    });
    const upload = ((await call('POST', '/api/uploads', {})).json as { uploadId: string }).uploadId;
    const newId = 'ab'.repeat(16);
    const folderBody = (parentId: string) => ({
      id: newId,
      parentId,
      nameHash: 'cd'.repeat(32),
      wrappedKey: node.wrappedKey,
      metadata: node.metadata,
    });
    // For each route an app may call: a request inside the folder (not 403) and outside (403).
    const cases: Record<
      string,
      { inside?: () => Promise<{ status: number }>; outside?: () => Promise<{ status: number }> }
    > = {
      getNode: {
        inside: () => call('GET', `/api/nodes/${ids.inFile}`),
        outside: () => call('GET', `/api/nodes/${ids.outFile}`),
      },
      children: {
        inside: () => call('GET', `/api/nodes/${ids.photos}/children`),
        // A parent's listing.
        outside: () => call('GET', `/api/nodes/${ids.root}/children`),
      },
      createFolder: {
        inside: () => call('POST', '/api/nodes', folderBody(junk)),
        outside: () => call('POST', '/api/nodes', folderBody(ids.private)),
      },
      updateNode: {
        // Moving out of the folder, and renaming the folder itself.
        outside: () => call('PATCH', `/api/nodes/${ids.inFile}`, moveBody(ids.private, node)),
      },
      trashNode: {
        outside: () =>
          call('POST', `/api/nodes/${ids.outFile}/trash`, { version: outNode.version }),
      },
      restoreNode: {
        outside: () =>
          call('POST', `/api/nodes/${ids.outFile}/restore`, { version: outNode.version }),
      },
      purgeNode: {
        outside: () => call('DELETE', `/api/nodes/${ids.outFile}?version=${outNode.version}`),
      },
      revisions: {
        inside: () => call('GET', `/api/nodes/${ids.inFile}/revisions`),
        outside: () => call('GET', `/api/nodes/${ids.outFile}/revisions`),
      },
      getFolderPolicy: {
        inside: () => call('GET', `/api/nodes/${ids.photos}/policy`),
        outside: () => call('GET', `/api/nodes/${ids.private}/policy`),
      },
      createUpload: { inside: () => call('POST', '/api/uploads', {}) },
      getUpload: { inside: () => call('GET', `/api/uploads/${upload}`) },
      placeChunks: {
        inside: () =>
          call('POST', `/api/uploads/${upload}/chunks`, {
            chunks: [{ id: '00'.repeat(32), size: 1 }],
            folders: [ids.photos],
          }),
        outside: () =>
          call('POST', `/api/uploads/${upload}/chunks`, {
            chunks: [{ id: '00'.repeat(32), size: 1 }],
            folders: [ids.private],
          }),
      },
      addReceipts: {
        inside: () => call('POST', `/api/uploads/${upload}/receipts`, { receipts: [] }),
      },
      commitUpload: {
        outside: async () => {
          const revs = (await alice.hub.call('revisions', { params: { id: ids.outFile } }))
            .revisions;
          const r = revs[0] as (typeof revs)[number];
          return call('POST', `/api/uploads/${upload}/commit`, {
            files: [
              {
                nodeId: ids.outFile,
                parentId: ids.private,
                nameHash: outNode.nameHash,
                wrappedKey: outNode.wrappedKey,
                metadata: outNode.metadata,
                version: outNode.version,
                revision: r.revision + 1,
                manifest: r.manifest,
                size: r.size,
                chunkIds: r.chunkIds,
              },
            ],
          });
        },
      },
      locateChunks: {
        inside: () => call('POST', '/api/chunks/locate', { ids: ['00'.repeat(32)] }),
      },
      reportChunk: {},
    };
    const allowed = (Object.entries(routes) as [string, RouteSpec][]).filter(([, s]) => s.app);
    for (const [name] of allowed) assert.ok(name in cases, `${name} is covered here`);
    for (const [name, c] of Object.entries(cases)) {
      if (c.inside) {
        const r = await c.inside();
        assert.notEqual(r.status, 403, `${name} inside: ${JSON.stringify(r)}`);
        assert.ok(r.status < 500, `${name} inside: ${JSON.stringify(r)}`);
      }
      if (c.outside) {
        const r = await c.outside();
        assert.equal(r.status, 403, `${name} outside: ${JSON.stringify(r)}`);
      }
    }
    // The folder itself cannot be renamed, moved or trashed by the app.
    const folder = (await call('GET', `/api/nodes/${ids.photos}`)).json as {
      version: number;
      nameHash: string;
      wrappedKey: string;
      metadata: string;
    };
    assert.equal(
      (await call('PATCH', `/api/nodes/${ids.photos}`, moveBody(ids.private, folder))).status,
      403,
    );
    assert.equal(
      (await call('POST', `/api/nodes/${ids.photos}/trash`, { version: folder.version })).status,
      403,
    );
    // Every other route is closed to apps, whatever it is asked.
    const closed = (Object.entries(routes) as [string, RouteSpec][]).filter(
      ([, spec]) => spec.auth === 'session' && !spec.app,
    );
    assert.ok(closed.length > 40);
    for (const [name, spec] of closed) {
      const path = spec.path.replace(/\{\w+\}/g, ids.photos);
      const r = await call(spec.method.toUpperCase(), path, spec.body ? {} : undefined);
      assert.equal(r.status, 403, `${name}: ${JSON.stringify(r)}`);
    }
    // The chunks of a file outside cannot be located either (as if they did not exist), while
    // those inside can.
    const chunksOf = async (id: string) =>
      (await alice.hub.call('revisions', { params: { id } })).revisions[0]?.chunkIds ?? [];
    const outside = await call('POST', '/api/chunks/locate', { ids: await chunksOf(ids.outFile) });
    assert.equal(outside.status, 404, JSON.stringify(outside));
    const inside = await call('POST', '/api/chunks/locate', { ids: await chunksOf(ids.inFile) });
    assert.equal(inside.status, 200, JSON.stringify(inside));
  });

  test('a read-only token reads inside and every write is 403', async () => {
    const reader = await connect({ access: 'read', folder: '/Photos' }, approveByCli(['--yes']));
    assert.equal(reader.access, 'read');
    assert.ok((await reader.list('/')).some((e) => e.name === 'in.txt'));
    await assert.rejects(reader.mkdir('/NotAllowed'), ForbiddenError);
    await assert.rejects(reader.upload('/nope.txt', enc('no')), ForbiddenError);
    await assert.rejects(reader.trash('/in.txt'), ForbiddenError);
  });

  test('key isolation: the keys the app holds open nothing outside its folder', async () => {
    const saved = app.saved();
    const folderKey = fromBase64Url(saved.folderKey, 'folderKey') as FolderKey;
    // Alice's other nodes, as the hub stores them: none unwraps under the app's folder key.
    for (const path of ['/Private', '/Private/out.txt']) {
      const info = (await alice.resolve(path)).info;
      await assert.rejects(
        unwrapNodeKey(folderKey, fromBase64Url(info.wrappedKey, 'wrappedKey'), {
          nodeId: info.id as NodeId,
          parentId: info.parentId as NodeId,
          kind: info.kind,
          keyVersion: info.keyVersion ?? 1,
        }),
        path,
      );
    }
    // Nor does the app's saved material hold anything of the account's but its public key.
    assert.deepEqual(
      Object.keys(saved).sort(),
      [
        'access',
        'accountId',
        'accountSigningKey',
        'agreementSeed',
        'appId',
        'expiresAt',
        'folderId',
        'folderKey',
        'hubUrl',
        'keyVersion',
        'signingSeed',
        'token',
      ].sort(),
    );
  });

  test('expiry: past its expiry the token gets 401', async () => {
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
    assert.deepEqual(r.json(), { revoked: id, rotated: true });
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
    const reader = (await alice.apps.list()).find((a) => a.access === 'read' && a.active);
    assert.ok(reader);
    assert.deepEqual(await alice.apps.revoke(reader.id), { rotated: false });
  });

  test('a hub that swaps the sealed key or widens the folder is caught: IntegrityError', async () => {
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

  test('a writing app cannot be given a shared folder', async () => {
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

  test('guessing user codes hits the limit on look-ups (429)', async () => {
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

function requestBody(access: 'read' | 'readwrite') {
  return {
    name: 'Photo uploader',
    access,
    folder: '/Photos',
    publicKey: 'A'.repeat(43),
    signingKey: 'A'.repeat(43),
  };
}
