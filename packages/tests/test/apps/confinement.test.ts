import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type FolderKey,
  fromBase64Url,
  type NodeId,
  randomBytes,
  toHex,
  unwrapNodeKey,
} from '@coffer/crypto';
import { ForbiddenError } from '@coffer/errors';
import { capabilitySchema, peekMessage, type RouteSpec, routes } from '@coffer/protocol';
import { cli } from '../../src/index.ts';
import { appsSuite, enc, hubCaller } from './fixture.ts';

// Confinement ([Note: App scope]): every app-allowed route inside and outside the folder, every
// other route closed, a read-only token's writes, and key isolation with the keys the app holds.

appsSuite('apps: confinement', (s) => {
  const chunksOf = async (id: string) =>
    (await s.alice.hub.call('revisions', { params: { id } })).revisions[0]?.chunkIds ?? [];

  test('every app-allowed route: inside the folder works, outside is 403', async () => {
    const { net, alice, app, ids } = s;
    // Nodes made here with made-up keys go in a folder of their own.
    const junk = (await alice.mkdir('/Photos/Junk')).id;
    const call = hubCaller(net.hubUrl, app.saved().token);
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
      // Its own grant, renewed after a rotation ([Note: Renewing an app's grant]).
      appGrant: { inside: () => call('GET', '/api/apps/grant') },
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
    // The chunks of a file outside cannot be located either, while those inside can.
    const outside = await call('POST', '/api/chunks/locate', { ids: await chunksOf(ids.outFile) });
    assert.equal(outside.status, 403, JSON.stringify(outside));
    const inside = await call('POST', '/api/chunks/locate', { ids: await chunksOf(ids.inFile) });
    assert.equal(inside.status, 200, JSON.stringify(inside));
  });

  test('chunks ([Note: App chunks]): those of its folder and of its own uploads, nothing else', async () => {
    const { net, alice, app, ids } = s;
    const call = hubCaller(net.hubUrl, app.saved().token);
    const fresh = () => toHex(randomBytes(32));
    const [outChunk] = await chunksOf(ids.outFile);
    const [inChunk] = await chunksOf(ids.inFile);
    const open = async () => {
      const r = await call('POST', '/api/uploads', {});
      assert.equal(r.status, 200, JSON.stringify(r));
      return (r.json as { uploadId: string }).uploadId;
    };
    const place = (upload: string, id: string) =>
      call('POST', `/api/uploads/${upload}/chunks`, {
        chunks: [{ id, size: 1 }],
        folders: [ids.photos],
      });
    const locate = (id: string) => call('POST', '/api/chunks/locate', { ids: [id] });
    // Another folder's chunk id, placed in an upload of the app's, then located: 403 both.
    const upload = await open();
    const placed = await place(upload, outChunk as string);
    assert.equal(placed.status, 403, JSON.stringify(placed));
    assert.match(JSON.stringify(placed.json), /chunks\.0\.id: a chunk outside the folder/);
    assert.equal((await locate(outChunk as string)).status, 403);
    // A chunk in an upload of the account's own client is not the app's either, nor is the
    // upload: the app cannot look at it, place in it or commit it.
    const { uploadId: theirs } = await alice.hub.call('createUpload', { body: {} });
    const theirChunk = fresh();
    await alice.hub.call('placeChunks', {
      params: { id: theirs },
      body: { chunks: [{ id: theirChunk, size: 1 }] },
    });
    const located = await locate(theirChunk);
    assert.equal(located.status, 403, JSON.stringify(located));
    assert.equal((await place(upload, theirChunk)).status, 403);
    assert.equal((await call('GET', `/api/uploads/${theirs}`)).status, 404);
    assert.equal((await place(theirs, fresh())).status, 404);
    // Its own: a new chunk in its upload (not sent to a host, so none holds a copy yet), and
    // its folder's chunks in another of its uploads.
    const mine = fresh();
    assert.equal((await place(upload, mine)).status, 200);
    const unsent = await locate(mine);
    assert.equal(unsent.status, 404, JSON.stringify(unsent));
    assert.match(JSON.stringify(unsent.json), /has no stored copy/);
    assert.equal((await place(await open(), inChunk as string)).status, 200);
    assert.equal((await locate(inChunk as string)).status, 200);
    // And what it uploads through the SDK, end to end.
    await app.upload('/own.txt', enc('the app’s own'));
    const own = await chunksOf((await app.resolve('/own.txt')).info.id);
    assert.equal((await call('POST', '/api/chunks/locate', { ids: own })).status, 200);
  });

  test('an app has its own limit on reports and is told no figure of the whole account', async () => {
    const { net, alice, app, ids } = s;
    const call = hubCaller(net.hubUrl, app.saved().token);
    const asAlice = hubCaller(net.hubUrl, alice.saved().token);
    // Reports of bad copies: the app using up its limit leaves the account's alone.
    const [inChunk] = await chunksOf(ids.inFile);
    const located = await alice.hub.call('locateChunks', { body: { ids: [inChunk as string] } });
    const hostId = located.chunks[0]?.replicas[0]?.hostId as string;
    const report = (as: typeof call) =>
      as('POST', '/api/chunks/report', { chunkId: toHex(randomBytes(32)), hostId });
    let status = 0;
    for (let i = 0; i < 100 && status !== 429; i++) status = (await report(call)).status;
    assert.equal(status, 429);
    const theirs = await report(asAlice);
    assert.equal(theirs.status, 404, JSON.stringify(theirs));
    // The folder's policy: how many personal servers the account has is not the app's to know
    // when its folder is not kept on them. A real one, started with --personal and claimed (a
    // row edited by hand would be overwritten by the host's next heartbeat).
    const server = await net.addHost('NL', ['--personal']);
    const claimed = await cli(['host', 'claim', '--data', server.dir], s.people.env('alice'));
    assert.equal(claimed.code, 0, claimed.stderr);
    const policy = async (as: typeof call) => {
      const r = await as('GET', `/api/nodes/${ids.photos}/policy`);
      assert.equal(r.status, 200, JSON.stringify(r));
      return (r.json as { personalServers: number }).personalServers;
    };
    assert.equal(await policy(asAlice), 1);
    assert.equal(await policy(call), 0);
    // Past the quota: the account's client is told its figures, the app only that it is full.
    const pastQuota = async (as: typeof call) => {
      const upload = ((await as('POST', '/api/uploads', {})).json as { uploadId: string }).uploadId;
      const r = await as('POST', `/api/uploads/${upload}/chunks`, {
        chunks: [{ id: toHex(randomBytes(32)), size: 2 ** 31 }],
        folders: [ids.photos],
      });
      assert.equal(r.status, 507, JSON.stringify(r));
      return JSON.stringify(r.json);
    };
    assert.match(await pastQuota(asAlice), /"used":\d+.*"quota":1073741824/);
    const told = await pastQuota(call);
    assert.doesNotMatch(told, /"used"|"quota":|iB|\d/);
    assert.match(told, /the account this app writes to has no room/);
  });

  test('host tokens issued to an app live 5 minutes, the account’s an hour ([Note: Capabilities for apps])', async () => {
    const { net, alice, app, ids } = s;
    const call = hubCaller(net.hubUrl, app.saved().token);
    const expiry = (token: string | undefined) =>
      peekMessage('token', token as string, capabilitySchema).exp;
    const [inChunk] = await chunksOf(ids.inFile);
    const located = (r: { chunks: { replicas: { token: string }[] }[] }) =>
      expiry(r.chunks[0]?.replicas[0]?.token);
    const placed = (r: { placements: { targets: { token: string }[] }[] }) =>
      expiry(r.placements[0]?.targets[0]?.token);
    const place = { chunks: [{ id: toHex(randomBytes(32)), size: 1 }], folders: [ids.photos] };
    const from = Date.now();
    const appGet = (await call('POST', '/api/chunks/locate', { ids: [inChunk] })).json;
    const upload = ((await call('POST', '/api/uploads', {})).json as { uploadId: string }).uploadId;
    const appPut = (await call('POST', `/api/uploads/${upload}/chunks`, place)).json;
    const accountGet = await alice.hub.call('locateChunks', { body: { ids: [inChunk as string] } });
    const { uploadId } = await alice.hub.call('createUpload', { body: {} });
    const accountPut = await alice.hub.call('placeChunks', {
      params: { id: uploadId },
      body: place,
    });
    const to = Date.now();
    const within = (exp: number, seconds: number, what: string) =>
      assert.ok(exp >= from + seconds * 1000 && exp <= to + seconds * 1000, `${what}: ${exp - to}`);
    within(located(appGet as Parameters<typeof located>[0]), 300, 'app get');
    within(placed(appPut as Parameters<typeof placed>[0]), 300, 'app put');
    within(located(accountGet), 3600, 'account get');
    within(placed(accountPut), 3600, 'account put');
  });

  test('a read-only token reads inside and every write is 403', async () => {
    const { connect, approveByCli } = s;
    const reader = await connect({ access: 'read', folder: '/Photos' }, approveByCli(['--yes']));
    assert.equal(reader.access, 'read');
    assert.ok((await reader.list('/')).some((e) => e.name === 'in.txt'));
    await assert.rejects(reader.mkdir('/NotAllowed'), ForbiddenError);
    await assert.rejects(reader.upload('/nope.txt', enc('no')), ForbiddenError);
    await assert.rejects(reader.trash('/in.txt'), ForbiddenError);
  });

  test('key isolation: the keys the app holds open nothing outside its folder', async () => {
    const { alice, app } = s;
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
        'requestId',
        'signingSeed',
        'token',
      ].sort(),
    );
  });
});
