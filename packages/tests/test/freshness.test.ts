import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CofferClient, IntegrityError, type RetryPolicy, type SavedSession } from '@coffer/sdk';
import {
  cli,
  type JsonRewrite,
  type Network,
  onEachDatabase,
  rejectsAfterLie,
  startNetwork,
  startTamperProxy,
  type TamperProxy,
  tempDir,
} from '../src/index.ts';

// Freshness pins ([Note: Freshness pins], [Note: Pins on disk]): a hub that replays the
// answers it gave before a new revision was written. The proxy records the hub's tree answers
// while the file is at revision 1, and serves them again once revision 2 was seen: the SDK in
// the same session and the CLI in a later run refuse to go back; a client with no history
// cannot tell, which is the documented limit.

const password = 'correct horse battery staple';
const FAST: RetryPolicy = { maxElapsedMs: 1500, firstDelayMs: 50, maxDelayMs: 200 };
const enc = (s: string) => new TextEncoder().encode(s);
const V1 = 'revision one of f.txt';
const V2 = 'revision two of f.txt, written after the hub kept its old answers';
const V3 = 'revision three, from another device';

async function text(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

onEachDatabase('freshness', (dialect) => {
  let net: Network;
  let proxy: TamperProxy;
  let alice: CofferClient;
  let saved: SavedSession;
  /** Alice through the proxy: one SDK session that has seen revision 2. */
  let via: CofferClient;
  let out: string;
  /** The tree answers the hub gave while f.txt was at revision 1, by path and query. */
  const old = new Map<string, unknown>();

  const isTree = (path: string, method: string) =>
    method === 'GET' && path.startsWith('/api/nodes/');
  const record: JsonRewrite = (path, method, json, req) => {
    if (isTree(path, method)) old.set(path + req.search, structuredClone(json));
    return json;
  };
  const replay: JsonRewrite = (path, method, json, req) =>
    isTree(path, method) ? (old.get(path + req.search) ?? json) : json;

  /** A config dir holding Alice's session through the proxy, and whatever pins it gathers. */
  async function configDir() {
    const dir = await tempDir();
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(join(dir, 'session.json'), JSON.stringify({ ...saved, hubUrl: proxy.url }), {
      mode: 0o600,
    });
    return { COFFER_CONFIG_DIR: dir, COFFER_HUB: proxy.url };
  }

  let env: Record<string, string>;

  before(async () => {
    net = await startNetwork({ hosts: 2, dialect });
    proxy = await startTamperProxy(net.hubUrl);
    ({ client: alice } = await CofferClient.signup({
      hubUrl: net.hubUrl,
      email: 'alice@example.com',
      password,
    }));
    saved = alice.saved();
    out = await tempDir();
    await alice.upload('/docs/f.txt', enc(V1), { parents: true });
    env = await configDir();
    via = await CofferClient.resume({ ...saved, hubUrl: proxy.url }, { retry: FAST });

    // Everything a get and an ls ask of the tree, as the hub answered at revision 1.
    proxy.rewrite = record;
    for (const args of [
      ['get', '/docs/f.txt', join(out, 'v1.txt')],
      ['ls', '/docs'],
    ]) {
      const r = await cli(args, env);
      assert.equal(r.code, 0, r.stderr);
    }
    assert.equal(await readFile(join(out, 'v1.txt'), 'utf8'), V1);
    proxy.reset();
    assert.ok(old.size > 0);

    await alice.upload('/docs/f.txt', enc(V2));
  });

  after(async () => {
    await proxy?.close();
    await net?.close();
  });

  describe('a hub that replays an older revision', () => {
    const local = () => join(out, 'f.txt');

    test('untampered: get returns revision 2, through the proxy, in the SDK and the CLI', async () => {
      assert.equal(await text((await via.download('/docs/f.txt')).stream), V2);
      const r = await cli(['get', '/docs/f.txt', local()], env);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(await readFile(local(), 'utf8'), V2);
      const pinFiles = (await readdir(join(env.COFFER_CONFIG_DIR as string, 'pins'))).filter((f) =>
        f.endsWith('.db'),
      );
      assert.equal(pinFiles.length, 1, 'one pin database, for the one account');
      assert.equal(proxy.hooked, 0);
    });

    test('replayed: the SDK refuses the older revision (IntegrityError, rolled back)', async () => {
      proxy.rewrite = replay;
      await rejectsAfterLie(
        proxy,
        via.download('/docs/f.txt'),
        [IntegrityError],
        /the hub served revision 1, older than revision 2 seen before \(rolled back\)/,
      );
      // The lie did not move anything: honestly, revision 2 again.
      assert.equal(await text((await via.download('/docs/f.txt')).stream), V2);
    });

    test('replayed: coffer get in a later run exits 6 and leaves the local file alone', async () => {
      proxy.rewrite = replay;
      const r = await cli(['get', '/docs/f.txt', local()], env);
      assert.ok(proxy.hooked > 0, 'the lie was told');
      proxy.reset();
      assert.equal(r.code, 6, r.stderr);
      assert.match(r.stderr, /revision 1, older than revision 2 seen before \(rolled back\)/);
      assert.equal(await readFile(local(), 'utf8'), V2);
    });

    test('replayed: coffer ls refuses the listing from before', async () => {
      const honest = await cli(['ls', '-l', '/docs'], env);
      assert.equal(honest.code, 0, honest.stderr);
      assert.match(honest.stdout, /v2\s+f\.txt/);
      proxy.rewrite = replay;
      const r = await cli(['ls', '-l', '/docs'], env);
      assert.ok(proxy.hooked > 0, 'the lie was told');
      proxy.reset();
      assert.equal(r.code, 6, r.stderr);
      assert.match(r.stderr, /rolled back/);
      assert.equal(r.stdout, '');
    });

    test('a client with no history cannot tell: a fresh config dir and a new session take revision 1', async () => {
      // Untampered first, in a config dir of its own.
      const honest = await cli(['get', '/docs/f.txt', join(out, 'honest.txt')], await configDir());
      assert.equal(honest.code, 0, honest.stderr);
      assert.equal(await readFile(join(out, 'honest.txt'), 'utf8'), V2);

      proxy.rewrite = replay;
      try {
        const r = await cli(['get', '/docs/f.txt', join(out, 'fresh.txt')], await configDir());
        assert.equal(r.code, 0, r.stderr);
        assert.equal(await readFile(join(out, 'fresh.txt'), 'utf8'), V1);
        const fresh = await CofferClient.resume({ ...saved, hubUrl: proxy.url }, { retry: FAST });
        assert.equal(await text((await fresh.download('/docs/f.txt')).stream), V1);
        assert.ok(proxy.hooked > 0, 'the old answers were served');
      } finally {
        proxy.reset();
      }
    });
  });

  describe('pins kept by an earlier version, in a JSON file', () => {
    test('are taken in once, then refuse the older revision, and the file is gone', async () => {
      const dir = await configDir();
      const f = await alice.stat('/docs/f.txt');
      const pins = join(dir.COFFER_CONFIG_DIR, 'pins');
      await mkdir(pins, { mode: 0o700 });
      const json = join(pins, `${encodeURIComponent(proxy.url)}.${saved.accountId}.json`);
      const doc = { hubUrl: proxy.url, accountId: saved.accountId, pins: { [f.id]: [2, 1] } };
      await writeFile(json, JSON.stringify(doc), { mode: 0o600 });
      proxy.rewrite = replay;
      try {
        const r = await cli(['get', '/docs/f.txt', join(out, 'from-json.txt')], dir);
        assert.equal(r.code, 6, r.stderr);
        assert.match(r.stderr, /older than revision 2 seen before \(rolled back\)/);
      } finally {
        proxy.reset();
      }
      const left = await readdir(pins);
      assert.ok(!left.some((n) => n.endsWith('.json')), `the JSON file was taken in: ${left}`);
      const db = left.find((n) => n.endsWith('.db')) as string;
      assert.equal((await stat(join(pins, db))).mode & 0o777, 0o600);
    });

    test('a damaged one is named, and nothing is fetched', async () => {
      const dir = await configDir();
      const pins = join(dir.COFFER_CONFIG_DIR, 'pins');
      await mkdir(pins, { mode: 0o700 });
      const json = join(pins, `${encodeURIComponent(proxy.url)}.${saved.accountId}.json`);
      await writeFile(json, '{"hubUrl": tru', { mode: 0o600 });
      const r = await cli(['get', '/docs/f.txt', join(out, 'damaged.txt')], dir);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /pins.*is damaged.*remove it to start over/);
      await assert.rejects(stat(join(out, 'damaged.txt')));
    });

    test('a damaged database is named too, and kept for the user to look at', async () => {
      const dir = await configDir();
      const pins = join(dir.COFFER_CONFIG_DIR, 'pins');
      await mkdir(pins, { mode: 0o700 });
      const db = join(pins, `${encodeURIComponent(proxy.url)}.${saved.accountId}.db`);
      await writeFile(db, 'not a database, '.repeat(300), { mode: 0o600 });
      const r = await cli(['get', '/docs/f.txt', join(out, 'damaged-db.txt')], dir);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /pins.*\.db is damaged.*remove it to start over/);
      assert.equal(await readFile(db, 'utf8'), 'not a database, '.repeat(300));
    });
  });

  describe('legitimate changes move forward', () => {
    test('a revision from another device, a rename, trash and restore: all accepted', async () => {
      await alice.upload('/docs/f.txt', enc(V3));
      const r = await cli(['get', '/docs/f.txt', join(out, 'v3.txt')], env);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(await readFile(join(out, 'v3.txt'), 'utf8'), V3);
      assert.equal(await text((await via.download('/docs/f.txt')).stream), V3);

      await alice.move('/docs/f.txt', '/docs/g.txt');
      await alice.trash('/docs/g.txt');
      await alice.restore('g.txt');
      const ls = await cli(['ls', '-l', '/docs'], env);
      assert.equal(ls.code, 0, ls.stderr);
      assert.match(ls.stdout, /v3\s+g\.txt/);
      assert.equal(await text((await via.download('/docs/g.txt')).stream), V3);
      // A past revision is still there to read; reading it does not move the pin back.
      const first = await via.download('/docs/g.txt', { revision: 1 });
      assert.equal(await text(first.stream), V1);
      assert.equal(await text((await via.download('/docs/g.txt')).stream), V3);
    });
  });
});
