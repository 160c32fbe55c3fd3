import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  AuthError,
  CofferClient,
  FileRequest,
  ForbiddenError,
  IntegrityError,
  NotFoundError,
  QuotaError,
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
  until,
} from '../src/index.ts';

// File requests: an owner asks for files, visitors with no account send them (through the SDK
// and the CLI), and the owner's client takes them in. Visitors can list and read nothing, and
// a hub that lies (a tampering proxy in front of the real hub) is caught.

const password = 'correct horse battery staple';
const enc = (s: string) => new TextEncoder().encode(s);

async function read(client: CofferClient, path: string) {
  const { stream } = await client.download(path);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

onEachDatabase('file requests', (dialect) => {
  let net: Network;
  let proxy: TamperProxy;
  let alice: CofferClient;
  let bob: CofferClient;
  /** Alice, through the lying proxy. */
  let aliceViaProxy: CofferClient;
  const BIG = new Uint8Array(700_000).map((_, i) => (i * 7919) % 251);

  before(async () => {
    net = await startNetwork({ hosts: 2, dialect });
    proxy = await startTamperProxy(net.hubUrl);
    alice = (
      await CofferClient.signup({ hubUrl: net.hubUrl, email: 'alice@example.com', password })
    ).client;
    bob = (await CofferClient.signup({ hubUrl: net.hubUrl, email: 'bob@example.com', password }))
      .client;
    aliceViaProxy = await CofferClient.login({
      hubUrl: proxy.url,
      email: 'alice@example.com',
      password,
    });
    await alice.mkdir('/inbox');
    await alice.upload('/inbox/scan.pdf', enc('already here'));
  });

  after(async () => {
    await proxy?.close();
    await net?.close();
  });

  describe('through the SDK', () => {
    test('a visitor sends files without an account; the owner takes them in', async () => {
      const made = await alice.requests.create('/inbox', { title: 'Tax documents 2026' });
      assert.match(made.url, /\/r\/[0-9a-f]{32}#[A-Za-z0-9_-]{43}$/);
      const visitor = await FileRequest.open(made.url);
      assert.equal(visitor.title, 'Tax documents 2026');
      assert.equal(visitor.from, 'alice@example.com');
      assert.equal(visitor.filesLeft, null);

      let last = 0;
      await visitor.send('scan.pdf', enc('the visitor’s scan'), { mime: 'application/pdf' });
      await visitor.send('big.bin', BIG, {
        chunkSize: 64 * 1024,
        size: BIG.length,
        onProgress: (p) => {
          last = p.bytesDone;
        },
      });
      assert.equal(last, BIG.length);
      const [listed] = await alice.requests.list();
      assert.equal(listed?.pending, 2);
      assert.equal(listed?.filesReceived, 2);
      assert.equal(listed?.title, 'Tax documents 2026');
      assert.equal(listed?.url, made.url);
      // The key in the URL never reached the hub.
      const stored = await alice.hub.call('requests', {});
      assert.ok(!JSON.stringify(stored).includes(made.url.split('#')[1] as string));

      const got = await alice.requests.collect();
      assert.deepEqual(got.problems, []);
      assert.deepEqual(got.received.map((e) => e.path).sort(), [
        '/inbox/big.bin',
        '/inbox/scan (2).pdf',
      ]);
      assert.deepEqual(await read(alice, '/inbox/big.bin'), BIG);
      assert.deepEqual(await read(alice, '/inbox/scan (2).pdf'), enc('the visitor’s scan'));
      assert.deepEqual(await read(alice, '/inbox/scan.pdf'), enc('already here'));
      assert.equal((await alice.stat('/inbox/scan (2).pdf')).mime, 'application/pdf');
      assert.equal((await alice.requests.list())[0]?.pending, 0);
      assert.deepEqual((await alice.requests.collect()).received, []);
    });

    test('a visitor can list and read nothing, not even what they sent', async () => {
      const made = await alice.requests.create('/inbox');
      const visitor = await FileRequest.open(made.url);
      const opened = await visitor.hub.call('requestOpen', { params: { id: made.id } });
      assert.deepEqual(Object.keys(opened).sort(), [
        'bytesLeft',
        'envelope',
        'expiresAt',
        'filesLeft',
      ]);
      await visitor.send('secret.txt', enc('for alice only'));
      const { drops } = await alice.hub.call('requestDrops', { params: { id: made.id } });
      const chunk = drops[0]?.chunkIds[0] as string;
      // No session: the routes that read or list are closed to a visitor.
      await assert.rejects(visitor.hub.call('locateChunks', { body: { ids: [chunk] } }), AuthError);
      await assert.rejects(
        visitor.hub.call('children', { params: { id: made.folderId }, query: {} }),
        AuthError,
      );
      await assert.rejects(
        visitor.hub.call('requestDrops', { params: { id: made.id } }),
        AuthError,
      );
      // Another account cannot see or take in what Alice's request received.
      await assert.rejects(
        bob.hub.call('requestDrops', { params: { id: made.id } }),
        NotFoundError,
      );
      await assert.rejects(bob.hub.call('locateChunks', { body: { ids: [chunk] } }), NotFoundError);
      // A visitor's upload id works only under its own request.
      const other = await alice.requests.create('/inbox');
      const { uploadId } = await visitor.hub.call('requestUpload', {
        params: { id: made.id },
        body: {},
      });
      await assert.rejects(
        visitor.hub.call('requestPlace', {
          params: { id: other.id, uploadId },
          body: { chunks: [{ id: chunk, size: 100 }] },
        }),
        NotFoundError,
      );
      await alice.requests.collect();
    });

    test('the hub enforces the file and byte limits, the expiry and closing', async () => {
      const one = await alice.requests.create('/inbox', { maxFiles: 1 });
      const v1 = await FileRequest.open(one.url);
      assert.equal(v1.filesLeft, 1);
      await v1.send('a.txt', enc('a'));
      await assert.rejects(v1.send('b.txt', enc('b')), ForbiddenError);
      await assert.rejects(FileRequest.open(one.url), /received all the files it takes/);

      const small = await alice.requests.create('/inbox', { maxBytes: 2000 });
      const v2 = await FileRequest.open(small.url);
      await assert.rejects(v2.send('big.bin', BIG), QuotaError);
      await v2.send('small.txt', enc('fits'));

      const soon = await alice.requests.create('/inbox', { expiresAt: Date.now() + 4000 });
      await FileRequest.open(soon.url);
      await until('the request expires', () =>
        FileRequest.open(soon.url).then(
          () => false,
          () => true,
        ),
      );
      await assert.rejects(FileRequest.open(soon.url), /request: expired on/);

      const closed = await alice.requests.create('/inbox');
      const v3 = await FileRequest.open(closed.url);
      await v3.send('before.txt', enc('sent before closing'));
      await alice.requests.revoke(closed.id);
      await assert.rejects(v3.send('after.txt', enc('too late')), /closed by its owner/);
      // What arrived before closing is still taken in.
      const got = await alice.requests.collect({ requestId: closed.id });
      assert.deepEqual(
        got.received.map((e) => e.path),
        ['/inbox/before.txt'],
      );
      assert.ok((await alice.requests.list()).find((r) => r.id === closed.id)?.revokedAt);
      await alice.requests.collect();
    });

    test('bad input is refused with the field named', async () => {
      await assert.rejects(alice.requests.create('/inbox/scan.pdf'), /path: is a file/);
      await assert.rejects(alice.requests.create('/nope'), NotFoundError);
      await assert.rejects(
        alice.requests.create('/inbox', { expiresAt: Date.now() - 1 }),
        /expires: must be in the future/,
      );
      await assert.rejects(
        alice.requests.create('/inbox', { maxFiles: 0 }),
        /files: expected a whole number/,
      );
      await assert.rejects(
        alice.requests.create('/inbox', { title: 'x'.repeat(201) }),
        ValidationError,
      );
      const made = await alice.requests.create('/inbox');
      const visitor = await FileRequest.open(made.url);
      await assert.rejects(visitor.send('a/b.txt', enc('x')), (e: unknown) => {
        assert.ok(e instanceof ValidationError);
        assert.equal(e.field, 'name');
        return true;
      });
      await assert.rejects(
        FileRequest.open(made.url.split('#')[0] as string),
        /after # is missing/,
      );
      await assert.rejects(FileRequest.open('https://x/l/abc'), /request: expected a file request/);
      await assert.rejects(alice.requests.revoke('nope'), ValidationError);
      await assert.rejects(alice.requests.revoke('0'.repeat(32)), NotFoundError);
      await assert.rejects(bob.requests.revoke(made.id), NotFoundError);
    });
  });

  describe('a lying hub is caught with a typed error', () => {
    test('it changes or swaps a request’s title', async () => {
      const a = await alice.requests.create('/inbox', { title: 'A' });
      const b = await alice.requests.create('/inbox', { title: 'B' });
      const bEnvelope = (await alice.requests.list()).find((r) => r.id === b.id)?.envelope;
      proxy.reset();
      proxy.rewrite = (path, _m, json) =>
        path === `/api/r/${a.id}` ? { ...(json as object), envelope: bEnvelope } : json;
      await rejectsAfterLie(
        proxy,
        FileRequest.open(a.url.replace(net.hubUrl, proxy.url)),
        [IntegrityError],
        /tampered/,
      );
    });

    test('it swaps a received file between requests, or lists other chunks for it', async () => {
      const a = await alice.requests.create('/inbox');
      const b = await alice.requests.create('/inbox');
      await (await FileRequest.open(a.url)).send('for-a.txt', enc('sent to a'));
      await (await FileRequest.open(b.url)).send('for-b.txt', enc('sent to b'));
      const fromA = (await alice.hub.call('requestDrops', { params: { id: a.id } })).drops;
      proxy.reset();
      proxy.rewrite = (path, _m, json) =>
        path === `/api/requests/${b.id}/drops` ? { drops: fromA } : json;
      const swapped = await aliceViaProxy.requests.collect({ requestId: b.id });
      assert.deepEqual(swapped.received, []);
      assert.ok(swapped.problems[0]?.error instanceof IntegrityError);
      assert.match(swapped.problems[0]?.error.message ?? '', /does not open/);

      const other = fromA[0]?.chunkIds ?? [];
      proxy.rewrite = (path, _m, json) => {
        if (path !== `/api/requests/${b.id}/drops`) return json;
        const { drops } = json as { drops: { chunkIds: string[] }[] };
        return { drops: drops.map((d) => ({ ...d, chunkIds: other })) };
      };
      const relisted = await aliceViaProxy.requests.collect({ requestId: b.id });
      assert.ok(relisted.problems[0]?.error instanceof IntegrityError);
      assert.match(relisted.problems[0]?.error.message ?? '', /other chunks/);
      proxy.reset();
      // Nothing was lost: both files still come in once the hub stops lying.
      const got = await alice.requests.collect();
      assert.deepEqual(got.received.map((e) => e.name).sort(), ['for-a.txt', 'for-b.txt']);
      assert.deepEqual(await read(alice, '/inbox/for-b.txt'), enc('sent to b'));
    });

    test('it serves another request’s key', async () => {
      const a = await alice.requests.create('/inbox');
      const b = await alice.requests.create('/inbox');
      await (await FileRequest.open(b.url)).send('x.txt', enc('x'));
      const keyOfA = (await alice.hub.call('requests', {})).requests.find(
        (r) => r.id === a.id,
      )?.wrappedKey;
      proxy.reset();
      proxy.rewrite = (path, _m, json) => {
        if (path !== '/api/requests') return json;
        const { requests } = json as { requests: { id: string }[] };
        return {
          requests: requests.map((r) => (r.id === b.id ? { ...r, wrappedKey: keyOfA } : r)),
        };
      };
      const got = await aliceViaProxy.requests.collect({ requestId: b.id });
      assert.ok(got.problems[0]?.error instanceof IntegrityError);
      assert.match(got.problems[0]?.error.message ?? '', /key of file request/);
      await assert.rejects(aliceViaProxy.requests.list(), IntegrityError);
      proxy.reset();
      assert.equal((await alice.requests.collect()).received.length, 1);
    });

    test('a received file the owner does not want is thrown away', async () => {
      const a = await alice.requests.create('/inbox');
      await (await FileRequest.open(a.url)).send('y.txt', enc('y'));
      const [drop] = (await alice.hub.call('requestDrops', { params: { id: a.id } })).drops;
      assert.ok(drop);
      await assert.rejects(
        alice.hub.call('discardDrop', { params: { id: a.id, dropId: '0'.repeat(32) } }),
        NotFoundError,
      );
      await alice.requests.discard(a.id, drop.id);
      assert.equal((await alice.requests.list()).find((r) => r.id === a.id)?.pending, 0);
      await assert.rejects(alice.requests.discard(a.id, 'x'), /drop: expected/);
    });
  });

  describe('through the CLI', () => {
    test('coffer request, coffer drop (no account), coffer requests [collect|revoke]', async () => {
      const env = { ...net.env, COFFER_CONFIG_DIR: await tempDir(), COFFER_PASSWORD: password };
      assert.equal((await cli(['login', 'alice@example.com'], env)).code, 0);
      const made = await cli(
        [
          'request',
          '/inbox',
          '--title',
          'Photos from the trip',
          '--expires',
          '7d',
          '--files',
          '5',
          '--json',
        ],
        env,
      );
      assert.equal(made.code, 0, made.stderr);
      const info = made.json<{ url: string; id: string; maxFiles: number; expiresAt: number }>();
      assert.equal(info.maxFiles, 5);
      assert.ok(info.expiresAt > Date.now() + 6 * 86_400_000);

      const dir = await tempDir();
      await writeFile(join(dir, 'beach.jpg'), BIG);
      await writeFile(join(dir, 'notes.txt'), 'sunny');
      const visitor = { ...net.env, COFFER_CONFIG_DIR: await tempDir() };
      const sent = await cli(
        ['drop', info.url, join(dir, 'beach.jpg'), join(dir, 'notes.txt')],
        visitor,
      );
      assert.equal(sent.code, 0, sent.stderr);
      assert.match(
        sent.stdout,
        /Sent 2 files \(.*\) to alice@example.com \(Photos from the trip\)/,
      );

      const listed = await cli(['requests'], env);
      assert.equal(listed.code, 0, listed.stderr);
      assert.match(
        listed.stdout,
        new RegExp(
          `${info.id} {2}/inbox {2}open {2}2/5 file\\(s\\) {2}2 waiting {2}Photos from the trip`,
        ),
      );
      const collected = await cli(['requests', 'collect'], env);
      assert.equal(collected.code, 0, collected.stderr);
      assert.match(collected.stdout, /\/inbox\/beach\.jpg/);
      assert.match(collected.stdout, /Received 2 files/);
      const out = join(await tempDir(), 'beach.jpg');
      assert.equal((await cli(['get', '/inbox/beach.jpg', out], env)).code, 0);
      assert.deepEqual(new Uint8Array(await readFile(out)), BIG);

      assert.equal((await cli(['requests', 'revoke', info.id], env)).code, 0);
      const refused = await cli(['drop', info.url, join(dir, 'notes.txt')], visitor);
      assert.equal(refused.code, 3);
      assert.match(refused.stderr, /closed by its owner/);
      const missing = await cli(['drop', info.url, join(dir, 'nope.txt')], visitor);
      assert.equal(missing.code, 4);
      assert.match(missing.stderr, /nope\.txt/);
    });
  });
});
