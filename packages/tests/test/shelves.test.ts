import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { newGroupKey, newNodeId, sealShelfEntry, toBase64Url } from '@coffer/crypto';
import { ForbiddenError } from '@coffer/errors';
import { CofferClient } from '@coffer/sdk';
import { noiseBytes } from '../src/files.ts';
import {
  cli,
  hubSql,
  type Network,
  onEachDatabase,
  signedUpPeople,
  startNetwork,
} from '../src/index.ts';

// Shelves and the catalog, on SQLite and PostgreSQL ([Note: Shelf entries], [Note: Shelves on
// the hub], [Note: Shelves in the client]): members publish their files into a group, everyone
// in it browses and searches every shelf, only an entry's author changes it, and a hub that
// moves or forges entries is caught.

interface Found {
  entryId: string;
  name: string;
  kind: string;
  tags: string[];
  author: { email: string };
  groupName: string;
}

onEachDatabase('shelves and the catalog', (dialect) => {
  let net: Network;
  let people: Awaited<ReturnType<typeof signedUpPeople>>;
  let bobClient: CofferClient;
  let groupId = '';
  let samourai = '';

  const as = (who: string) => people.env(who);
  const run = async <T>(who: string, args: string[]) => (await people.run<T>(who, args)).value;
  const find = async (who: string, args: string[] = []) =>
    (await run<{ entries: Found[] }>(who, ['catalog', ...args])).entries;

  before(async () => {
    net = await startNetwork({ dialect, hosts: 2 });
    people = await signedUpPeople(net, ['alice', 'bob', 'carol']);
    groupId = await people.formGroup('alice', 'Film club', ['bob', 'carol']);
    for (const [name, text] of [
      ['Le Samouraï (1967).mkv', 'a film'],
      ['notes.md', '# notes'],
    ] as const) {
      await writeFile(join(net.dir, name), text);
      await run('alice', ['put', join(net.dir, name), `/Club/${name}`]);
    }
    bobClient = await CofferClient.login({
      hubUrl: net.hubUrl,
      email: 'bob@example.com',
      password: 'pw',
    });
  });
  after(() => net?.close());

  test('members publish, and everyone in the group browses and searches every shelf', async () => {
    samourai = (
      await run<Found>('alice', [
        'publish',
        '/Club/Le Samouraï (1967).mkv',
        'Film club',
        '--tag',
        'melville',
        '--tag',
        'noir',
        '--note',
        'restored print',
      ])
    ).entryId;
    await run('alice', ['publish', '/Club/notes.md', groupId]);
    const all = await find('bob');
    assert.deepEqual(all.map((e) => e.name).sort(), ['Le Samouraï (1967).mkv', 'notes.md']);
    const hit = (await find('bob', ['--search', 'samou'])).map((e) => [
      e.name,
      e.kind,
      e.author.email,
    ]);
    assert.deepEqual(hit, [['Le Samouraï (1967).mkv', 'video', 'alice@example.com']]);
    assert.deepEqual((await find('carol', ['--search', 'NOIR'])).length, 1);
    assert.deepEqual(
      (await find('bob', ['--kind', 'document'])).map((e) => e.name),
      ['notes.md'],
    );
    assert.deepEqual((await find('alice', ['Film club', '--member', 'bob@example.com'])).length, 0);
    const text = await cli(['catalog', '--search', 'melville'], as('bob'));
    assert.match(
      text.stdout,
      /video\s+Le Samouraï \(1967\)\.mkv\s+\(alice@example\.com, Film club\)\s+#melville #noir/,
    );
    const badKind = await cli(['catalog', '--kind', 'films'], as('bob'));
    assert.equal(badKind.code, 2);
    assert.match(badKind.stderr, /--kind: expected one of video, audio/);
  });

  test("nobody changes or withdraws another member's entry: 403", async () => {
    const r = await cli(['withdraw', 'Film club', samourai], as('bob'));
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /only its author withdraws it/);
    // Bob's own client sealing an entry under Alice's entry id: the hub refuses it.
    await writeFile(join(net.dir, 'bob.txt'), 'bob');
    await run('bob', ['put', join(net.dir, 'bob.txt'), '/bob.txt']);
    const mine = await bobClient.shelves.publish('/bob.txt', 'Film club');
    const entry = (
      await bobClient.hub.call('groupCatalog', { params: { id: groupId }, query: {} })
    ).entries.find((e) => e.entryId === mine.entryId);
    assert.ok(entry);
    await assert.rejects(
      bobClient.hub.call('putShelfEntry', {
        params: { id: groupId },
        body: { entryId: samourai, entry: entry.entry },
      }),
      (e: Error) => e instanceof ForbiddenError || /another entry/.test(e.message),
    );
    assert.equal((await find('alice', ['--search', 'samou'])).length, 1);
  });

  test('a hub that moves an entry to another shelf, or forges one, is caught', async () => {
    const ids = await hubSql(net, `select id, email from accounts`);
    const idOf = (email: string) => String(ids.find((a) => a.email === email)?.id);
    await hubSql(
      net,
      `update shelf_entries set author_id = '${idOf('bob@example.com')}' where entry_id = '${samourai}'`,
    );
    try {
      const moved = await cli(['catalog'], as('carol'));
      assert.equal(moved.code, 6, moved.stderr);
      assert.match(moved.stderr, /of bob@example\.com in Film club: does not verify/);
    } finally {
      await hubSql(
        net,
        `update shelf_entries set author_id = '${idOf('alice@example.com')}' where entry_id = '${samourai}'`,
      );
    }
    assert.equal((await find('carol', ['--search', 'samou'])).length, 1, 'untampered, it opens');
    // An entry of Bob's listed under Alice: Alice's key does not verify it.
    const bobs = (
      await hubSql(
        net,
        `select entry_id from shelf_entries where author_id = '${idOf('bob@example.com')}'`,
      )
    ).map((r) => `'${r.entry_id}'`);
    assert.equal(bobs.length, 1);
    const setAuthor = (email: string) =>
      hubSql(
        net,
        `update shelf_entries set author_id = '${idOf(email)}' where entry_id in (${bobs.join()})`,
      );
    await setAuthor('alice@example.com');
    try {
      const forged = await cli(['catalog'], as('carol'));
      assert.equal(forged.code, 6, forged.stderr);
    } finally {
      await setAuthor('bob@example.com');
    }
    assert.equal((await find('carol')).length, 3);
  });

  test("a member's broken entry is left out with a warning; it does not break the catalog", async () => {
    const keyVersion = (await bobClient.groups.get('Film club')).keyVersion;
    const entryId = newNodeId() as string;
    const broken = await sealShelfEntry(
      { name: 'junk' },
      { groupId, entryId, authorId: bobClient.keys.accountId, keyVersion, version: 1 },
      newGroupKey(),
      bobClient.keys.identity.signingSecret,
    );
    await bobClient.hub.call('putShelfEntry', {
      params: { id: groupId },
      body: { entryId, entry: toBase64Url(broken) },
    });
    const r = await cli(['catalog', '--json'], as('carol'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(`bob@example\\.com published entry ${entryId} in Film club broken`),
    );
    assert.equal(r.json<{ entries: Found[] }>().entries.length, 3);
    await bobClient.shelves.withdraw('Film club', entryId);
  });

  test('an entry carries the file’s thumbnail when it has one', async () => {
    const thumb = noiseBytes(6000, 41);
    await bobClient.upload('/poster.png', new TextEncoder().encode('a poster'), {
      thumbnail: thumb,
    });
    const e = await bobClient.shelves.publish('/poster.png', 'Film club');
    const seen = (await run<{ entries: (Found & { thumb?: string })[] }>('carol', ['catalog']))
      .entries;
    assert.equal(seen.find((x) => x.entryId === e.entryId)?.thumb, toBase64Url(thumb));
    await bobClient.shelves.withdraw('Film club', e.entryId);
  });

  test('after a removal, new entries are sealed under a key the removed member never got', async () => {
    await run('alice', ['group', 'remove', 'Film club', 'carol@example.com']);
    await writeFile(join(net.dir, 'after.mkv'), 'later');
    await run('alice', ['put', join(net.dir, 'after.mkv'), '/Club/after.mkv']);
    const later = await run<Found>('alice', ['publish', '/Club/after.mkv', 'Film club']);
    const [row] = await hubSql(
      net,
      `select key_version from shelf_entries where entry_id = '${later.entryId}'`,
    );
    const carolKeys = await hubSql(
      net,
      `select k.key_version as v from group_keys k join accounts a on a.id = k.account_id where a.email = 'carol@example.com' and k.group_id = '${groupId}'`,
    );
    assert.ok(carolKeys.length > 0);
    assert.ok(carolKeys.every((k) => Number(k.v) < Number(row?.key_version)));
    const gone = await cli(['catalog', 'Film club'], as('carol'));
    assert.equal(gone.code, 4, gone.stderr);
    assert.ok((await find('bob')).some((e) => e.name === 'after.mkv'));
  });

  test('a member who leaves takes their shelf out of the catalog', async () => {
    assert.ok((await find('alice')).some((e) => e.author.email === 'bob@example.com'));
    await run('bob', ['group', 'leave', 'Film club']);
    const left = await find('alice');
    assert.ok(!left.some((e) => e.author.email === 'bob@example.com'));
    assert.equal(left.length, 3);
  });
});
