import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { IntegrityError } from '@coffer/errors';
import { CofferClient } from '@coffer/sdk';
import {
  cli,
  hubSql,
  type Network,
  onEachDatabase,
  rawRequest,
  readXml,
  rejectsAfterLie,
  signedUpPeople,
  startCli,
  startNetwork,
  startTamperProxy,
  until,
} from '../src/index.ts';

// The feed, ratings, keep and discard, on SQLite and PostgreSQL ([Note: The feed], [Note:
// Ratings], [Note: Ratings on the hub], [Note: Feed state in the client], [Note: Atom feed]):
// a new entry reaches the other members' feeds as unread, members rate each other's entries
// and everyone sees the average, keep and discard are private to each member and shared by
// their devices, and the Atom document parses and has what RFC 4287 requires.

interface Item {
  groupId: string;
  entryId: string;
  name: string;
  author: { email: string };
  rating?: { average: number | null; count: number; mine: number | null };
  unread?: boolean;
  kept?: boolean;
  onMyServer?: boolean;
}
interface FeedJson {
  unread: number;
  entries: Item[];
}

onEachDatabase('the feed, ratings, keep and discard', (dialect) => {
  let net: Network;
  let people: Awaited<ReturnType<typeof signedUpPeople>>;
  let groupId = '';
  let notes = '';
  let film = '';

  const as = (who: string) => people.env(who);
  const run = async <T>(who: string, args: string[]) => (await people.run<T>(who, args)).value;
  const feedOf = (who: string, ...flags: string[]) => run<FeedJson>(who, ['feed', ...flags]);
  const catalogOf = async (who: string) =>
    (await run<{ entries: Item[] }>(who, ['catalog'])).entries;
  const ratingOf = async (who: string, entryId: string) =>
    (await catalogOf(who)).find((e) => e.entryId === entryId)?.rating;

  before(async () => {
    net = await startNetwork({ dialect, hosts: 2 });
    people = await signedUpPeople(net, ['alice', 'bob', 'carol']);
    groupId = await people.formGroup('alice', 'Film club', ['bob', 'carol']);
    for (const name of ['notes.md', 'Le Samouraï (1967).mkv']) {
      await writeFile(join(net.dir, name), `the bytes of ${name}`);
      await run('alice', ['put', join(net.dir, name), `/Club/${name}`]);
    }
    notes = (await run<Item>('alice', ['publish', '/Club/notes.md', 'Film club'])).entryId;
  });
  after(() => net?.close());

  test("a new entry reaches Bob's feed as unread; the time it took is reported", async (t) => {
    const first = await feedOf('bob');
    assert.deepEqual(
      first.entries.map((e) => [e.entryId, e.unread, e.kept, e.onMyServer]),
      [[notes, true, false, false]],
    );
    assert.equal((await feedOf('bob')).unread, 0, 'looking marked it seen');
    const started = Date.now();
    film = (
      await run<Item>('alice', [
        'publish',
        '/Club/Le Samouraï (1967).mkv',
        'Film club',
        '--tag',
        'melville',
      ])
    ).entryId;
    const published = Date.now();
    let polls = 0;
    const seen = await until('the new entry in Bob’s feed', async () => {
      polls++;
      const f = await feedOf('bob', '--peek');
      return f.entries.find((e) => e.entryId === film);
    });
    const shown = Date.now();
    t.diagnostic(
      `feed latency (${dialect}): publishing took ${published - started} ms; the entry was in Bob's feed ${shown - published} ms after the publish returned (${shown - started} ms from its start; ${polls} \`coffer feed\` run(s), each a whole CLI process)`,
    );
    assert.equal(seen.unread, true);
    assert.equal(seen.onMyServer, false);
    const looked = await feedOf('bob');
    assert.equal(looked.unread, 1);
    assert.deepEqual(
      looked.entries.map((e) => e.entryId),
      [film],
    );
    assert.equal((await feedOf('bob')).entries.length, 0, 'nothing new since');
    const all = await feedOf('bob', '--all');
    assert.deepEqual(
      all.entries.map((e) => [e.entryId, e.unread]),
      [
        [film, false],
        [notes, false],
      ],
      'newest first, all seen',
    );
    assert.equal((await feedOf('alice', '--all')).entries.length, 0, 'not her own entries');
    const text = await cli(['feed', '--all', '--peek'], as('carol'));
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /2 new in your groups/);
    assert.match(
      text.stdout,
      /NEW .*Le Samouraï \(1967\)\.mkv\s+\(alice@example\.com, Film club\)/,
    );
  });

  test('Bob rates 4 and Alice sees 4.0 (1); rating again replaces it; bad ratings are refused', async () => {
    const rated = await run<Item>('bob', ['rate', film.slice(0, 8), '4']);
    assert.deepEqual(rated.rating, { average: 4, count: 1, mine: 4 });
    assert.deepEqual(await ratingOf('alice', film), { average: 4, count: 1, mine: null });
    const text = await cli(['catalog'], as('alice'));
    assert.match(text.stdout, /Le Samouraï \(1967\)\.mkv .*★ 4\.0 \(1\)/);
    await run('bob', ['rate', `Film club:${film}`, '2']);
    assert.deepEqual(await ratingOf('alice', film), { average: 2, count: 1, mine: null });
    await run('carol', ['rate', film, '5']);
    assert.deepEqual(await ratingOf('alice', film), { average: 3.5, count: 2, mine: null });
    const rows = await hubSql(net, `select rater_id from entry_ratings where entry_id = '${film}'`);
    assert.equal(rows.length, 2, 'one rating per member');
    await run('bob', ['rate', notes, '3']);
    const best = await run<{ entries: Item[] }>('alice', ['catalog', '--sort', 'rating']);
    assert.deepEqual(
      best.entries.map((e) => e.entryId),
      [film, notes],
    );
    for (const bad of ['0', '6', '3.5', 'x', '']) {
      const r = await cli(['rate', film, bad], as('bob'));
      assert.equal(r.code, 2, `${bad}: ${r.stderr}`);
      assert.match(r.stderr, /rating: expected a whole number of stars from 1 to 5/);
    }
    const noItem = await cli(['rate', 'not-an-id', '3'], as('bob'));
    assert.equal(noItem.code, 4, noItem.stderr);
    assert.match(noItem.stderr, /item: no entry not-an-id in your groups/);
    const empty = await cli(['rate', ' ', '3'], as('bob'));
    assert.equal(empty.code, 2, empty.stderr);
    assert.match(empty.stderr, /item: expected an entry id/);
    const unknown = await cli(['rate', 'f'.repeat(32), '3'], as('bob'));
    assert.equal(unknown.code, 4, unknown.stderr);
    const own = await cli(['rate', film, '5'], as('alice'));
    assert.equal(own.code, 3, own.stderr);
    assert.match(own.stderr, /your own entry/);
  });

  test('a hub that moves a rating to another member or another entry is caught', async () => {
    const proxy = await startTamperProxy(net.hubUrl);
    try {
      const alice = await CofferClient.login({
        hubUrl: proxy.url,
        email: 'alice@example.com',
        password: 'pw',
      });
      const ratings = `/api/groups/${groupId}/ratings`;
      const ids = await hubSql(net, `select id, email from accounts`);
      const idOf = (email: string) => String(ids.find((a) => a.email === email)?.id);
      type Listed = { ratings: { entryId: string; raterId: string; raterEmail: string }[] };
      const bobs = (json: unknown) =>
        (json as Listed).ratings.filter((r) => r.raterEmail === 'bob@example.com');
      // Bob's rating of the notes, said to be Carol's (who did not rate them).
      proxy.rewrite = (path, method, json) => {
        if (path !== ratings || method !== 'GET') return json;
        for (const r of bobs(json).filter((x) => x.entryId === notes)) {
          r.raterId = idOf('carol@example.com');
          r.raterEmail = 'carol@example.com';
        }
        return json;
      };
      await rejectsAfterLie(proxy, alice.shelves.catalog(), [IntegrityError], /does not verify/);
      // Bob's rating of the notes, moved onto the film in place of his rating of it.
      proxy.rewrite = (path, method, json) => {
        if (path !== ratings || method !== 'GET') return json;
        const l = json as Listed;
        l.ratings = l.ratings.filter(
          (r) => !(r.raterEmail === 'bob@example.com' && r.entryId === film),
        );
        for (const r of bobs(l).filter((x) => x.entryId === notes)) r.entryId = film;
        return l;
      };
      await rejectsAfterLie(
        proxy,
        alice.shelves.catalog(),
        [IntegrityError],
        /served as another entryId/,
      );
      // Untouched, it opens.
      assert.deepEqual(
        (await alice.shelves.catalog()).entries.find((e) => e.entryId === film)?.rating,
        { average: 3.5, count: 2, mine: null },
      );
    } finally {
      await proxy.close();
    }
  });

  test('discard hides an entry from Bob’s feed only; keep brings it back, on all his devices', async () => {
    const gone = await run<Item>('bob', ['discard', film.slice(0, 10)]);
    assert.equal(gone.entryId, film);
    assert.ok(!(await feedOf('bob', '--all')).entries.some((e) => e.entryId === film));
    assert.ok((await feedOf('carol', '--all', '--peek')).entries.some((e) => e.entryId === film));
    assert.ok((await catalogOf('alice')).some((e) => e.entryId === film));
    // Bob's laptop: another config folder, the same account.
    const laptop = { ...as('bob'), COFFER_CONFIG_DIR: join(net.dir, 'bob-laptop') };
    const login = await cli(['login', 'bob@example.com'], laptop);
    assert.equal(login.code, 0, login.stderr);
    const onLaptop = async () => {
      const r = await cli(['feed', '--all', '--peek', '--json'], laptop);
      assert.equal(r.code, 0, r.stderr);
      return r.json<FeedJson>().entries.find((e) => e.entryId === film);
    };
    assert.equal(await onLaptop(), undefined, 'discarded on the laptop too');
    const kept = await run<Item & { copy: { path: string } | null }>('bob', ['keep', film]);
    assert.equal(kept.kept, true);
    // Keeping copied the file to Bob's own tree.
    assert.match(kept.copy?.path ?? '', /^\/Groups\/Film club\//);
    const listed = await run<{ entries: { name: string }[] }>('bob', ['ls', '/Groups/Film club']);
    assert.ok(listed.entries.some((e) => `/Groups/Film club/${e.name}` === kept.copy?.path));
    const again = await run<Item & { copy: unknown }>('bob', ['keep', film]);
    assert.equal(again.copy, null, 'kept already: no second copy');
    assert.equal((await onLaptop())?.kept, true, 'kept on the laptop too');
    assert.equal((await feedOf('carol', '--all', '--peek')).entries[0]?.kept, false);
    const own = await cli(['keep', notes], as('alice'));
    assert.equal(own.code, 2, own.stderr);
    assert.match(own.stderr, /item: .* is your own entry/);
    const empty = await cli(['keep', ''], as('bob'));
    assert.equal(empty.code, 2, empty.stderr);
  });

  test('the Atom feed parses with a real XML parser and has the required elements', async () => {
    const r = await cli(['feed', '--atom'], as('carol'));
    assert.equal(r.code, 0, r.stderr);
    checkAtom(r.stdout, [film, notes]);
    const json = await run<{ atom: string }>('carol', ['feed', '--atom']);
    checkAtom(json.atom, [film, notes]);
    assert.equal((await feedOf('carol', '--peek')).unread, 2, '--atom marks nothing seen');
  });

  test('coffer feed serve answers on loopback, afresh for each request, and stops on a signal', async () => {
    const serving = startCli(['feed', 'serve', '--port', '0', '--json'], as('bob'));
    const { child } = serving;
    try {
      const url = await until('the feed server’s URL', () => {
        if (child.exitCode !== null) throw new Error(`exited: ${serving.stderr()}`);
        return /"url": "([^"]+)"/.exec(serving.stdout())?.[1];
      });
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/feed\.atom$/);
      const res = await until('the feed served', async () => {
        const got = await rawRequest(url, { method: 'GET' });
        return got.status === 200 ? got : undefined;
      });
      assert.match(String(res.headers['content-type']), /^application\/atom\+xml/);
      checkAtom(res.text, [film, notes]);
      const self = readXml(res.text).elements.find((e) => e.path === 'feed/link');
      assert.equal(self?.attributes.href, url);
      // Afresh: what Bob discards now is gone from the next answer.
      await run('bob', ['discard', notes]);
      const again = await rawRequest(url, { method: 'GET' });
      assert.equal(again.status, 200, again.text);
      checkAtom(again.text, [film]);
      const nowhere = await rawRequest(url.replace('/feed.atom', '/nowhere'), { method: 'GET' });
      assert.equal(nowhere.status, 404);
      child.kill('SIGTERM');
      const ended = await serving.done;
      assert.equal(ended.code, 0, ended.stderr);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    await run('bob', ['keep', notes]);
  });

  test('the new routes refuse malformed, forged and unauthorized input with a 4xx naming the field', async () => {
    const bob = await CofferClient.login({
      hubUrl: net.hubUrl,
      email: 'bob@example.com',
      password: 'pw',
    });
    const auth = { authorization: `Bearer ${bob.saved().token}` };
    const post = (path: string, body: unknown, headers: Record<string, string> = auth) =>
      rawRequest(`${net.hubUrl}${path}`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const expect = async (
      res: Promise<Awaited<ReturnType<typeof rawRequest>>>,
      status: number,
      field: RegExp,
    ) => {
      const r = await res;
      assert.equal(r.status, status, r.text);
      assert.match(r.text, field);
    };
    const rate = `/api/groups/${groupId}/ratings`;
    // A rating Bob really signed, for the film.
    const sealed = await hubSql(
      net,
      `select r.rating from entry_ratings r join accounts a on a.id = r.rater_id where a.email = 'bob@example.com' and r.entry_id = '${film}'`,
    );
    const bobsRating = String(sealed[0]?.rating);
    await expect(post(rate, { entryId: film, rating: bobsRating }, {}), 401, /auth/);
    await expect(post(rate, { entryId: 'xyz', rating: bobsRating }), 400, /body\.entryId/);
    await expect(post(rate, { entryId: film, rating: 'A'.repeat(401) }), 400, /body\.rating/);
    await expect(post(rate, { entryId: film, rating: 'AAAA' }), 400, /"field":"rating"/);
    await expect(post(rate, { entryId: notes, rating: bobsRating }), 400, /another entry/);
    await expect(post(rate, { entryId: film, rating: bobsRating, stars: 5 }), 400, /stars/);
    const nowhere = `/api/groups/${'0'.repeat(32)}/ratings`;
    await expect(post(nowhere, { entryId: film, rating: bobsRating }), 404, /no such group/);
    const state = '/api/feed/state';
    await expect(post(state, { version: 1, state: 'AAAA' }, {}), 401, /auth/);
    await expect(post(state, { version: 0, state: 'AAAA' }), 400, /body\.version/);
    await expect(post(state, { version: 1, state: 'A'.repeat(300_000) }), 400, /body\.state/);
    await expect(post(state, { version: 1, state: 'AAAA' }), 409, /version: another device/);
    const listed = await rawRequest(`${net.hubUrl}${rate}?after=nope`, {
      method: 'GET',
      headers: auth,
    });
    assert.equal(listed.status, 400, listed.text);
    assert.match(listed.text, /query\.after/);
    const big = await rawRequest(`${net.hubUrl}${state}`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: new Uint8Array(17 * 1024 * 1024).fill(0x20),
    });
    assert.equal(big.status, 413, big.text);
  });

  test("after removal, Carol's rating is refused 403 and her old one no longer counts; a withdrawn entry's ratings go", async () => {
    await run('alice', ['group', 'remove', 'Film club', 'carol@example.com']);
    const refused = await cli(['rate', film, '1'], as('carol'));
    assert.notEqual(refused.code, 0);
    // Her client no longer opens the group; the hub refuses her rating on its own too.
    const carol = await CofferClient.login({
      hubUrl: net.hubUrl,
      email: 'carol@example.com',
      password: 'pw',
    });
    const res = await rawRequest(`${net.hubUrl}/api/groups/${groupId}/ratings`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${carol.saved().token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ entryId: film, rating: 'AAAA' }),
    });
    assert.equal(res.status, 403, res.text);
    assert.match(res.text, /no longer in this group/);
    assert.deepEqual(await ratingOf('alice', film), { average: 2, count: 1, mine: null });
    const count = async () =>
      Number(
        (
          await hubSql(net, `select count(*) as n from entry_ratings where entry_id = '${notes}'`)
        )[0]?.n,
      );
    assert.equal(await count(), 1);
    await run('alice', ['withdraw', 'Film club', notes]);
    assert.equal(await count(), 0);
  });
});

/** Checks an Atom document (RFC 4287): one id, title and updated per feed and entry, authors. */
function checkAtom(xml: string, entryIds: readonly string[]) {
  const { elements, errors } = readXml(xml);
  assert.deepEqual(errors, [], 'well formed');
  const ATOM = 'http://www.w3.org/2005/Atom';
  assert.ok(
    elements.every((e) => e.uri === ATOM),
    'every element in the Atom namespace',
  );
  const at = (path: string) => elements.filter((e) => e.path === path);
  assert.equal(elements[0]?.path, 'feed');
  for (const p of ['feed/id', 'feed/title', 'feed/updated', 'feed/author/name'])
    assert.equal(at(p).length, 1, p);
  assert.match(at('feed/id')[0]?.text ?? '', /^tag:coffer,2026:feed\/[0-9a-f]{32}$/);
  const entries = at('feed/entry').length;
  assert.equal(entries, entryIds.length);
  for (const p of ['id', 'title', 'updated', 'author/name', 'author/email', 'summary', 'content'])
    assert.equal(at(`feed/entry/${p}`).length, entries, p);
  assert.deepEqual(
    at('feed/entry/id').map((e) => e.text.split('/').at(-1)),
    [...entryIds],
  );
  for (const u of at('feed/entry/updated'))
    assert.ok(!Number.isNaN(Date.parse(u.text)), `updated: ${u.text}`);
}
