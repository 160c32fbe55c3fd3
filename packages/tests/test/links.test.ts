import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  CofferClient,
  ForbiddenError,
  IntegrityError,
  NotFoundError,
  PublicLink,
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

// Public links: made by an account through the SDK and the CLI, opened by visitors with no
// account, and a hub that lies to those visitors (a tampering proxy in front of the real hub).

const password = 'correct horse battery staple';
const enc = (s: string) => new TextEncoder().encode(s);

onEachDatabase('public links', (dialect) => {
  let net: Network;
  let proxy: TamperProxy;
  let alice: CofferClient;
  const REPORT = enc('the quarterly report\n'.repeat(5000));

  async function read(link: PublicLink, path = '/') {
    const { stream } = await link.download(await link.resolve(path));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }
  /** The same link, through the lying proxy. */
  const viaProxy = (url: string) => url.replace(net.hubUrl, proxy.url);

  before(async () => {
    net = await startNetwork({ hosts: 2, dialect });
    proxy = await startTamperProxy(net.hubUrl);
    alice = (
      await CofferClient.signup({ hubUrl: net.hubUrl, email: 'alice@example.com', password })
    ).client;
    await alice.upload('/report.txt', REPORT);
    await alice.upload('/album/cat.txt', enc('a cat'), { parents: true });
    await alice.upload('/album/2026/dog.txt', enc('a dog'), { parents: true });
    await alice.upload('/private/diary.txt', enc('dear diary'), { parents: true });
  });

  after(async () => {
    await proxy?.close();
    await net?.close();
  });

  describe('links through the SDK', () => {
    test('a file link opens and downloads without an account; the hub never sees the secret', async () => {
      const made = await alice.links.create('/report.txt');
      assert.match(made.url, /\/l\/[0-9a-f]{32}#[A-Za-z0-9_-]{43}$/);
      const link = await PublicLink.open(made.url);
      assert.equal(link.root.kind, 'file');
      assert.equal(link.root.meta.name, 'report.txt');
      assert.deepEqual(await read(link), REPORT);
      const [listed] = await alice.links.list();
      assert.equal(listed?.id, made.id);
      assert.equal(listed?.downloads, 1);
      assert.equal(listed?.password, false);
      // Only the id reaches the hub: the secret after # is nowhere in what it stored.
      assert.ok(!JSON.stringify(listed).includes(made.url.split('#')[1] as string));
    });

    test('a folder link with a password: browse, download nested files; the wrong password is refused', async () => {
      const made = await alice.links.create('/album', { password: 'open sesame' });
      assert.equal(made.password, true);
      await assert.rejects(PublicLink.open(made.url), (e: unknown) => {
        assert.ok(e instanceof ValidationError);
        assert.equal(e.field, 'password');
        return true;
      });
      await assert.rejects(
        PublicLink.open(made.url, { password: 'guess' }),
        /password: wrong password/,
      );
      const link = await PublicLink.open(made.url, { password: 'open sesame' });
      assert.deepEqual(
        (await link.list('/')).map((e) => e.name),
        ['2026', 'cat.txt'],
      );
      assert.deepEqual(await read(link, '/2026/dog.txt'), enc('a dog'));
      // Nothing outside the linked folder is reachable through the link.
      const diary = await alice.resolve('/private/diary.txt');
      await assert.rejects(
        link.hub.call('linkDownload', {
          params: { id: made.id },
          body: { nodeId: diary.info.id },
        }),
        NotFoundError,
      );
      await assert.rejects(
        link.hub.call('linkChildren', {
          params: { id: made.id, nodeId: alice.keys.rootId },
          query: {},
        }),
        NotFoundError,
      );
    });

    test('a preview does not use up a download, within the free previews; a download after it counts', async () => {
      const made = await alice.links.create('/album', { maxDownloads: 1 });
      const look = async () => {
        const visit = await PublicLink.open(made.url);
        const { stream } = await visit.download(await visit.resolve('/cat.txt'), { preview: true });
        assert.deepEqual(new Uint8Array(await new Response(stream).arrayBuffer()), enc('a cat'));
        return visit;
      };
      // Previews in two visits: the count stays.
      const visit = await look();
      await look();
      assert.equal(visit.downloadsLeft, 1);
      assert.equal((await PublicLink.open(made.url)).downloadsLeft, 1);

      // A preview's ticket never stands in for a download.
      const cat = await visit.resolve('/cat.txt');
      const previewed = await visit.hub.call('linkDownload', {
        params: { id: made.id },
        body: { nodeId: cat.info.id, preview: true },
      });
      await assert.rejects(
        visit.hub.call('linkDownload', {
          params: { id: made.id },
          body: { nodeId: cat.info.id, ticket: previewed.ticket },
        }),
        (e) => e instanceof ValidationError && e.field === 'ticket',
      );
      assert.equal((await PublicLink.open(made.url)).downloadsLeft, 1);

      // The free previews run out (20 for a one-download link), then previews are refused.
      for (let used = 3; used < 20; used++)
        await visit.hub.call('linkDownload', {
          params: { id: made.id },
          body: { nodeId: cat.info.id, preview: true },
        });
      await assert.rejects(look(), /free previews are used up/);
      assert.equal((await PublicLink.open(made.url)).downloadsLeft, 1);

      // The download counts, and the visit knows what is left.
      const last = await PublicLink.open(made.url);
      assert.deepEqual(await read(last, '/cat.txt'), enc('a cat'));
      assert.equal(last.downloadsLeft, 0);
      await assert.rejects(PublicLink.open(made.url), /download limit is reached/);
    });

    test('a file over 32 MiB gets no preview, and asking for one uses up no download', async () => {
      await alice.upload('/big.bin', new Uint8Array(32 * 1024 * 1024 + 1));
      const made = await alice.links.create('/big.bin', { maxDownloads: 3 });
      const visit = await PublicLink.open(made.url);
      await assert.rejects(
        visit.download(visit.root, { preview: true }),
        (e) => e instanceof ValidationError && e.field === 'preview' && /32 MiB/.test(e.message),
      );
      assert.equal((await PublicLink.open(made.url)).downloadsLeft, 3);
    });

    test('the hub enforces the download limit, the expiry and revocation', async () => {
      const limited = await alice.links.create('/album', { maxDownloads: 2 });
      const link = await PublicLink.open(limited.url);
      assert.equal(link.downloadsLeft, 2);
      await read(link, '/cat.txt');
      await read(link, '/2026/dog.txt');
      await assert.rejects(read(link, '/cat.txt'), /download limit is reached/);
      await assert.rejects(PublicLink.open(limited.url), ForbiddenError);

      const soon = await alice.links.create('/report.txt', { expiresAt: Date.now() + 4000 });
      await PublicLink.open(soon.url);
      await until('the link expires', () =>
        PublicLink.open(soon.url).then(
          () => false,
          () => true,
        ),
      );
      await assert.rejects(PublicLink.open(soon.url), /link: expired on/);

      const revoked = await alice.links.create('/report.txt');
      const open = await PublicLink.open(revoked.url);
      await alice.links.revoke(revoked.id);
      await assert.rejects(PublicLink.open(revoked.url), /revoked by its owner/);
      await assert.rejects(read(open), /revoked by its owner/);
      const states = await alice.links.list();
      assert.ok(states.find((l) => l.id === revoked.id)?.revokedAt);
    });

    test('bad input: the root, a past expiry, a bad limit, a damaged link', async () => {
      await assert.rejects(alice.links.create('/'), ValidationError);
      await assert.rejects(
        alice.links.create('/report.txt', { expiresAt: Date.now() - 1 }),
        /expires: must be in the future/,
      );
      await assert.rejects(
        alice.links.create('/report.txt', { maxDownloads: 0 }),
        /downloads: expected a whole number/,
      );
      await assert.rejects(alice.links.create('/nope.txt'), NotFoundError);
      const made = await alice.links.create('/report.txt');
      await assert.rejects(PublicLink.open(made.url.split('#')[0] as string), /after # is missing/);
      await assert.rejects(PublicLink.open('not a link'), /link: expected a link/);
      await assert.rejects(alice.links.revoke('nope'), ValidationError);
      await assert.rejects(alice.links.revoke('0'.repeat(32)), NotFoundError);
    });
  });

  describe('a hub that lies to a visitor is caught with a typed error', () => {
    test('it changes the authors the link trusts', async () => {
      const made = await alice.links.create('/album');
      proxy.reset();
      proxy.rewrite = (path, _m, json) =>
        path === `/api/l/${made.id}`
          ? { ...(json as object), authors: `AQ${'A'.repeat(62)}` }
          : json;
      await rejectsAfterLie(
        proxy,
        PublicLink.open(viaProxy(made.url)),
        [IntegrityError],
        /tampered/,
      );
    });

    test('it serves another node for the link', async () => {
      const made = await alice.links.create('/album');
      const other = await alice.resolve('/private');
      proxy.reset();
      proxy.rewrite = (path, _m, json) =>
        path === `/api/l/${made.id}` ? { ...(json as object), node: { ...other.info } } : json;
      await rejectsAfterLie(proxy, PublicLink.open(viaProxy(made.url)), [IntegrityError], /link/);
    });

    test('it slips a file from another folder into the linked one', async () => {
      const made = await alice.links.create('/album');
      const link = await PublicLink.open(viaProxy(made.url));
      const diary = await alice.resolve('/private/diary.txt');
      proxy.reset();
      proxy.rewrite = (path, _m, json) =>
        path.startsWith(`/api/l/${made.id}/nodes/`)
          ? {
              ...(json as object),
              nodes: [{ ...diary.info, parentId: link.root.info.id }],
            }
          : json;
      await rejectsAfterLie(proxy, link.list('/'), [IntegrityError], /node/);
    });

    test('it serves an older revision as the current one', async () => {
      await alice.upload('/notes.txt', enc('first'));
      const old = (await alice.resolve('/notes.txt')).info;
      const oldManifest = (
        await alice.hub.call('getNode', { params: { id: old.id }, query: { include: 'manifest' } })
      ).manifest;
      await alice.upload('/notes.txt', enc('second, longer'));
      const made = await alice.links.create('/notes.txt');
      const link = await PublicLink.open(viaProxy(made.url));
      proxy.reset();
      proxy.rewrite = (path, _m, json) => {
        if (path !== `/api/l/${made.id}/download`) return json;
        const body = json as { node: { manifest?: string; revision: number } };
        return { ...body, node: { ...body.node, manifest: oldManifest, revision: 1 } };
      };
      await rejectsAfterLie(proxy, read(link), [IntegrityError], /manifest/);
    });
  });

  describe('links through the CLI', () => {
    test('coffer link, coffer links, coffer get LINK, links revoke', async () => {
      const env = { ...net.env, COFFER_CONFIG_DIR: await tempDir(), COFFER_PASSWORD: password };
      assert.equal((await cli(['login', 'alice@example.com'], env)).code, 0);
      const made = await cli(
        ['link', '/album', '--password', '--expires', '7d', '--downloads', '5', '--json'],
        { ...env, COFFER_LINK_PASSWORD: 'open sesame' },
      );
      assert.equal(made.code, 0, made.stderr);
      const info = made.json<{
        url: string;
        id: string;
        maxDownloads: number;
        expiresAt: number;
      }>();
      assert.equal(info.maxDownloads, 5);
      assert.ok(info.expiresAt > Date.now() + 6 * 86_400_000);

      // A visitor with no account and no session: only the link and its password.
      const visitor = { ...net.env, COFFER_CONFIG_DIR: await tempDir() };
      const dir = await tempDir();
      const noPassword = await cli(['get', info.url, dir], visitor);
      assert.equal(noPassword.code, 2);
      assert.match(noPassword.stderr, /COFFER_LINK_PASSWORD/);
      const got = await cli(['get', info.url, dir], {
        ...visitor,
        COFFER_LINK_PASSWORD: 'open sesame',
      });
      assert.equal(got.code, 0, got.stderr);
      assert.match(got.stdout, /Fetched 2 files/);
      assert.equal(await readFile(join(dir, 'album', '2026', 'dog.txt'), 'utf8'), 'a dog');
      assert.equal(await readFile(join(dir, 'album', 'cat.txt'), 'utf8'), 'a cat');

      const plain = await cli(['link', '/report.txt'], env);
      assert.equal(plain.code, 0, plain.stderr);
      const url = plain.stdout.split('\n')[0] as string;
      const file = join(await tempDir(), 'r.txt');
      const one = await cli(['get', url, file], visitor);
      assert.equal(one.code, 0, one.stderr);
      assert.deepEqual(new Uint8Array(await readFile(file)), REPORT);

      const listed = await cli(['links'], env);
      assert.equal(listed.code, 0, listed.stderr);
      assert.match(
        listed.stdout,
        new RegExp(`${info.id} {2}/album {2}active {2}2/5 download\\(s\\) {2}password`),
      );
      const revoke = await cli(['links', 'revoke', info.id], env);
      assert.equal(revoke.code, 0, revoke.stderr);
      const refused = await cli(['get', info.url, dir], {
        ...visitor,
        COFFER_LINK_PASSWORD: 'open sesame',
      });
      assert.equal(refused.code, 3);
      assert.match(refused.stderr, /revoked by its owner/);

      const badExpiry = await cli(['link', '/report.txt', '--expires', 'soon'], env);
      assert.equal(badExpiry.code, 2);
      assert.match(badExpiry.stderr, /--expires: expected a duration/);
      await writeFile(join(dir, 'x'), '');
    });
  });
});
