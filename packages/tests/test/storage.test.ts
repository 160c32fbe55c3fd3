import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AuthError,
  CofferClient,
  ConflictError,
  NotFoundError,
  RateLimitedError,
  ValidationError,
} from '@coffer/sdk';
import { type Dialect, type Network, postgresAvailable, startNetwork } from '../src/index.ts';

// Everything that touches the hub's storage, run once on SQLite and once on PostgreSQL, each
// against a fresh database (a temp file, or a schema made for this run and dropped after).

const bytes = (n: number, seed = 1) =>
  Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 255);

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const p of stream as unknown as AsyncIterable<Uint8Array>) parts.push(p);
  return Buffer.concat(parts);
}

for (const dialect of ['sqlite', 'postgres'] as Dialect[]) {
  describe(`hub storage on ${dialect}`, async () => {
    const available = dialect === 'sqlite' || (await postgresAvailable());
    if (!available) {
      if (process.env.CI) throw new Error('PostgreSQL is required in CI but is not reachable');
      console.log(
        'PostgreSQL is not reachable at 127.0.0.1:5432: skipping the PostgreSQL storage tests',
      );
    }
    let net: Network;
    let alice: CofferClient;
    const password = 'correct horse battery staple';

    before(async () => {
      if (!available) return;
      net = await startNetwork({
        dialect,
        hosts: 3,
        hubConfig: {
          login: { perEmail: 8, perAddress: 1000, windowSeconds: 60 },
          gc: { intervalMs: 300 },
        },
      });
      ({ client: alice } = await CofferClient.signup({
        hubUrl: net.hubUrl,
        email: 'alice@example.com',
        password,
      }));
    });
    after(async () => {
      if (available) await net.close();
    });

    test('signup, login and recovery give access to the same files', {
      skip: !available,
    }, async () => {
      const { client, recoveryKey } = await CofferClient.signup({
        hubUrl: net.hubUrl,
        email: 'bob@example.com',
        password: 'bob password 1',
      });
      await client.upload('/note.txt', new TextEncoder().encode('hello bob'));
      const again = await CofferClient.login({
        hubUrl: net.hubUrl,
        email: 'BOB@example.com',
        password: 'bob password 1',
      });
      assert.equal(again.keys.accountId, client.keys.accountId);
      await assert.rejects(
        CofferClient.login({ hubUrl: net.hubUrl, email: 'bob@example.com', password: 'wrong' }),
        AuthError,
      );
      await assert.rejects(
        CofferClient.signup({ hubUrl: net.hubUrl, email: 'bob@example.com', password: 'x' }),
        ConflictError,
      );
      const recovered = await CofferClient.recover({
        hubUrl: net.hubUrl,
        email: 'bob@example.com',
        recoveryKey,
        newPassword: 'bob password 2',
      });
      const { stream } = await recovered.download('/note.txt');
      assert.equal(new TextDecoder().decode(await readAll(stream)), 'hello bob');
      // Recovery ends the other sessions, and the old password no longer works.
      await assert.rejects(again.list('/'), AuthError);
      await assert.rejects(
        CofferClient.login({
          hubUrl: net.hubUrl,
          email: 'bob@example.com',
          password: 'bob password 1',
        }),
        AuthError,
      );
      await CofferClient.login({
        hubUrl: net.hubUrl,
        email: 'bob@example.com',
        password: 'bob password 2',
      });
      await assert.rejects(
        CofferClient.recover({
          hubUrl: net.hubUrl,
          email: 'bob@example.com',
          recoveryKey: recoveryKey.replace(/^..../, 'AAAA'),
          newPassword: 'x',
        }),
        (e: Error) => e instanceof AuthError || e instanceof ValidationError,
      );
    });

    test('sessions can be listed and revoked; a revoked session is refused', {
      skip: !available,
    }, async () => {
      const second = await CofferClient.login({
        hubUrl: net.hubUrl,
        email: 'alice@example.com',
        password,
      });
      const list = await alice.sessions();
      assert.ok(list.length >= 2);
      assert.equal(list.filter((s) => s.current).length, 1);
      const other = list.find((s) => s.id === second.saved().sessionId);
      assert.ok(other);
      await alice.revokeSession(other.id);
      await assert.rejects(second.list('/'), AuthError);
      await assert.rejects(alice.revokeSession(other.id), NotFoundError);
      await second.logout().catch(() => {});
      const third = await CofferClient.login({
        hubUrl: net.hubUrl,
        email: 'alice@example.com',
        password,
      });
      await third.logout();
      await assert.rejects(third.list('/'), AuthError);
    });

    test('login attempts are rate-limited per email', { skip: !available }, async () => {
      const noRetry = { maxElapsedMs: 0, firstDelayMs: 1, maxDelayMs: 1 };
      let limited: unknown = null;
      for (let i = 0; i < 12 && !limited; i++) {
        try {
          await CofferClient.login({
            hubUrl: net.hubUrl,
            email: 'carol@example.com',
            password: 'guess',
            retry: noRetry,
          });
        } catch (e) {
          if (e instanceof RateLimitedError) limited = e;
          else assert.ok(e instanceof AuthError, `expected AuthError, got ${e}`);
        }
      }
      assert.ok(
        limited instanceof RateLimitedError,
        'attempts past the limit are refused with 429',
      );
      assert.ok(limited.retryAfterMs > 0);
    });

    test('folders: create, list, rename, move, trash, restore, purge', {
      skip: !available,
    }, async () => {
      await alice.mkdir('/docs/2026/nov', { parents: true });
      await alice.upload('/docs/2026/nov/report.txt', bytes(5000));
      await assert.rejects(alice.mkdir('/docs'), ConflictError);
      await assert.rejects(alice.mkdir('/nope/x'), NotFoundError);
      assert.deepEqual(
        (await alice.list('/docs/2026')).map((e) => e.name),
        ['nov'],
      );
      await alice.move('/docs/2026/nov', '/docs/2026/november');
      await alice.mkdir('/archive');
      await alice.move('/docs/2026/november', '/archive');
      assert.equal((await alice.stat('/archive/november/report.txt')).size, 5000);
      await assert.rejects(alice.move('/archive', '/archive/november'), ValidationError);
      await alice.trash('/archive/november/report.txt');
      await assert.rejects(alice.stat('/archive/november/report.txt'), NotFoundError);
      const trash = await alice.listTrash();
      assert.ok(trash.some((t) => t.name === 'report.txt' && t.from === '/archive/november'));
      // A new file may take the name while the old one is in the trash; restoring then conflicts.
      await alice.upload('/archive/november/report.txt', bytes(10));
      await assert.rejects(alice.restore('report.txt'), ConflictError);
      await alice.move('/archive/november/report.txt', '/archive/november/report-new.txt');
      await alice.restore('report.txt');
      assert.equal((await alice.stat('/archive/november/report.txt')).size, 5000);
      await alice.trash('/archive');
      await alice.purge('archive');
      assert.equal(
        (await alice.listTrash()).some((t) => t.name === 'archive'),
        false,
      );
      await assert.rejects(alice.stat('/archive'), NotFoundError);
    });

    test('revisions: each put of the same path adds a version; old versions stay readable', {
      skip: !available,
    }, async () => {
      await alice.upload('/v.bin', bytes(3000, 1));
      await alice.upload('/v.bin', bytes(4000, 2));
      await alice.upload('/v.bin', bytes(5000, 3));
      const versions = await alice.versions('/v.bin');
      assert.deepEqual(
        versions.map((v) => [v.revision, v.size, v.current]),
        [
          [3, 5000, true],
          [2, 4000, false],
          [1, 3000, false],
        ],
      );
      const { stream } = await alice.download('/v.bin', { revision: 2 });
      assert.deepEqual(await readAll(stream), Buffer.from(bytes(4000, 2)));
    });

    test('a purge frees the hosts: the collector deletes the chunks and the stored bytes drop', {
      skip: !available,
    }, async () => {
      const stored = async () =>
        (
          (await (
            await fetch(`${net.hubUrl}/api/admin/stats`, {
              headers: { authorization: `Bearer ${net.operatorToken}` },
            })
          ).json()) as { storedBytes: number }
        ).storedBytes;
      await alice.upload('/doomed.bin', bytes(3 * 1024 * 1024, 9));
      await alice.uploadMany([{ path: '/doomed-small.txt', bytes: bytes(300, 3) }]);
      const full = await stored();
      await alice.trash('/doomed.bin');
      await alice.trash('/doomed-small.txt');
      await alice.purge('doomed.bin');
      await alice.purge('doomed-small.txt');
      const end = Date.now() + 20_000;
      // Other tests' purges may free bytes meanwhile too: what counts is that these went.
      const freed = 2 * (3 * 1024 * 1024 + 300);
      while ((await stored()) > full - freed) {
        assert.ok(Date.now() < end, `stored bytes stay at ${await stored()}, from ${full}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    });

    test('a thumbnail rides in the encrypted metadata: kept by a rename, dropped by new content', {
      skip: !available,
    }, async () => {
      const thumb = bytes(3000, 7);
      await alice.upload('/thumb.webp', bytes(50), { thumbnail: thumb });
      const thumbOf = async (path: string) => {
        const node = await alice.resolve(path);
        const parent = await alice.resolve(path.slice(0, path.lastIndexOf('/')) || '/');
        const listed = (await alice.listOpen(parent)).find((n) => n.info.id === node.info.id);
        return listed?.meta.thumb;
      };
      assert.equal(await thumbOf('/thumb.webp'), Buffer.from(thumb).toString('base64url'));
      await alice.move('/thumb.webp', '/thumb2.webp');
      assert.equal(await thumbOf('/thumb2.webp'), Buffer.from(thumb).toString('base64url'));
      await alice.upload('/thumb2.webp', bytes(60));
      assert.equal(await thumbOf('/thumb2.webp'), undefined);
      await assert.rejects(
        alice.upload('/big-thumb.webp', bytes(10), { thumbnail: bytes(8 * 1024 + 1) }),
        (e: Error) => e instanceof ValidationError && /thumbnail/.test(e.message),
      );
      await alice.uploadMany([{ path: '/small-thumb.webp', bytes: bytes(20), thumbnail: thumb }]);
      assert.equal(await thumbOf('/small-thumb.webp'), Buffer.from(thumb).toString('base64url'));
      await assert.rejects(
        alice.uploadMany([{ path: '/x.webp', bytes: bytes(5), thumbnail: bytes(8 * 1024 + 1) }]),
        (e: Error) => e instanceof ValidationError && /thumbnail/.test(e.message),
      );
    });

    test('a stale write gets a conflict, never a lost update', { skip: !available }, async () => {
      await alice.mkdir('/race');
      await alice.upload('/race/a.txt', bytes(100));
      const node = await alice.resolve('/race/a.txt');
      await alice.move('/race/a.txt', '/race/b.txt');
      // A second writer still holding the old version tries to rename the same node.
      await assert.rejects(
        alice.hub.call('trashNode', {
          params: { id: node.info.id },
          body: { version: node.info.version },
        }),
        ConflictError,
      );
      assert.equal((await alice.stat('/race/b.txt')).size, 100);
      // Two racing creations of one name: exactly one wins.
      const results = await Promise.allSettled([
        alice.upload('/race/same.txt', bytes(10, 1)),
        alice.upload('/race/same.txt', bytes(20, 2)),
      ]);
      assert.ok(results.some((r) => r.status === 'fulfilled'));
      for (const r of results) {
        if (r.status === 'rejected') assert.ok(r.reason instanceof ConflictError, String(r.reason));
      }
      // Uploads racing to create the same missing folders both land in the one folder.
      await Promise.all(
        [1, 2, 3].map((n) => alice.upload(`/race/new/deep/${n}.txt`, bytes(n), { parents: true })),
      );
      assert.deepEqual(
        (await alice.list('/race/new/deep')).map((e) => e.name),
        ['1.txt', '2.txt', '3.txt'],
      );
      assert.deepEqual(
        (await alice.list('/race/new')).map((e) => e.name),
        ['deep'],
      );
    });

    test('a commit without receipts for its chunks is refused', { skip: !available }, async () => {
      const { uploadId } = await alice.hub.call('createUpload', { body: {} });
      const root = await alice.root();
      await assert.rejects(
        alice.hub.call('commitUpload', {
          params: { id: uploadId },
          body: {
            files: [
              {
                nodeId: 'ab'.repeat(16),
                parentId: root.info.id,
                nameHash: 'cd'.repeat(32),
                wrappedKey: 'A'.repeat(155),
                metadata: 'AAAA',
                revision: 1,
                manifest: 'AAAA',
                size: 1,
                chunkIds: ['ef'.repeat(32)],
              },
            ],
          },
        }),
        ValidationError,
      );
    });

    test('many small files are batched and read back', { skip: !available }, async () => {
      const files = Array.from({ length: 300 }, (_, i) => ({
        path: `/small/dir${i % 3}/f${i}.txt`,
        bytes: new TextEncoder().encode(`file number ${i} `.repeat(i % 50)),
      }));
      await alice.mkdir('/small/dir0', { parents: true });
      await alice.mkdir('/small/dir1');
      await alice.mkdir('/small/dir2');
      const entries = await alice.uploadMany(files);
      assert.equal(entries.length, 300);
      for (const i of [0, 1, 150, 299]) {
        const f = files[i];
        assert.ok(f);
        const { stream } = await alice.download(f.path);
        assert.deepEqual(await readAll(stream), Buffer.from(f.bytes));
      }
      assert.equal((await alice.list('/small/dir1')).length, 100);
    });
  });
}
