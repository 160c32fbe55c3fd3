import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ConflictError, NotFoundError, ValidationError } from '@coffer/errors';
import { CofferClient } from '@coffer/sdk';
import { cli, hubSql, type Network, onEachDatabase, tempDir } from '../src/index.ts';
import { startNetwork } from '../src/network.ts';

// Versions and the trash through the SDK and raw HTTP: restoring a version makes a new newest
// revision without storing a byte again ([Note: Restoring a version]); emptying the trash is one
// request, all or none, of the caller's own trash only ([Note: The trash on the hub]).

const password = 'correct horse battery staple';
const enc = (s: string) => new TextEncoder().encode(s);
const text = async (c: CofferClient, path: string, revision?: number) =>
  new Response((await c.download(path, revision === undefined ? {} : { revision })).stream).text();
const count = async (net: Network, sql: string) =>
  Number(Object.values((await hubSql(net, `SELECT count(*) AS n FROM ${sql}`))[0] ?? {})[0]);

onEachDatabase('versions and the trash', (dialect) => {
  let net: Network;
  let alice: CofferClient;
  let mallory: CofferClient;

  before(async () => {
    net = await startNetwork({ hosts: 2, dialect });
    ({ client: alice } = await CofferClient.signup({
      hubUrl: net.hubUrl,
      email: 'alice@example.com',
      password,
    }));
    ({ client: mallory } = await CofferClient.signup({
      hubUrl: net.hubUrl,
      email: 'mallory@example.com',
      password,
    }));
  });

  after(async () => {
    await net?.close();
  });

  test('restoring a version makes it the newest, and stores no chunk again', async () => {
    await alice.upload('/notes.txt', enc('version one'));
    await alice.upload('/notes.txt', enc('version two, longer'));
    const chunks = await count(net, 'chunks');
    const restored = await alice.restoreRevision('/notes.txt', 1);
    assert.equal(restored.revision, 3);
    assert.equal(restored.size, 'version one'.length);
    assert.equal(await text(alice, '/notes.txt'), 'version one');
    assert.equal(await text(alice, '/notes.txt', 2), 'version two, longer');
    const versions = await alice.versions('/notes.txt');
    assert.deepEqual(
      versions.map((v) => [v.revision, v.size, v.current]),
      [
        [3, 11, true],
        [2, 19, false],
        [1, 11, false],
      ],
    );
    assert.equal(await count(net, 'chunks'), chunks, 'no chunk was stored for the restore');
    // A restored version restored again: its chunks' origin is carried, not the restore's.
    await alice.restoreRevision('/notes.txt', 2);
    await alice.restoreRevision('/notes.txt', 3);
    assert.equal(await text(alice, '/notes.txt'), 'version one');
    // A large file, chunked rather than packed, restores the same way.
    const big = new Uint8Array(5 * 1024 * 1024).fill(7);
    await alice.upload('/big.bin', big);
    await alice.upload('/big.bin', enc('small now'));
    await alice.restoreRevision('/big.bin', 1);
    const back = new Uint8Array(
      await new Response((await alice.download('/big.bin')).stream).arrayBuffer(),
    );
    assert.equal(back.length, big.length);
    assert.ok(back.every((b) => b === 7));
  });

  test('restoring bad input is refused, naming what is wrong', async () => {
    await assert.rejects(alice.restoreRevision('/notes.txt', 0), ValidationError);
    await assert.rejects(alice.restoreRevision('/notes.txt', 1.5), /revision/);
    await assert.rejects(alice.restoreRevision('/notes.txt', 99), NotFoundError);
    const { revision } = (await alice.list('/')).find((e) => e.name === 'notes.txt') ?? {};
    await assert.rejects(
      alice.restoreRevision('/notes.txt', revision ?? 0),
      /current version already/,
    );
    await alice.mkdir('/folder');
    await assert.rejects(alice.restoreRevision('/folder', 1), /folder/);
    await assert.rejects(alice.restoreRevision('/nothing.txt', 1), NotFoundError);
    // Another account cannot reach the file at all.
    await assert.rejects(mallory.restoreRevision('/notes.txt', 1), NotFoundError);
  });

  test('the trash says what each item holds and the total; emptying it purges all of it', async () => {
    await alice.mkdir('/old');
    await alice.upload('/old/a.txt', enc('a'.repeat(1000)));
    await alice.upload('/old/a.txt', enc('a'.repeat(500)));
    await alice.upload('/b.txt', enc('b'.repeat(2000)));
    await alice.trash('/old');
    await alice.trash('/b.txt');
    const { items, bytes, upTo } = await alice.trashContents();
    const held = Object.fromEntries(items.map((i) => [i.name, i.held]));
    // Stored bytes: every revision, each chunk with its 20 bytes of overhead.
    assert.equal(held.old, 1020 + 520);
    assert.equal(held['b.txt'], 2020);
    assert.equal(bytes, 1020 + 520 + 2020);
    assert.ok(upTo > 0);

    // Mallory empties her own trash: Alice's is untouched.
    await mallory.upload('/m.txt', enc('mine'));
    await mallory.trash('/m.txt');
    assert.equal(await mallory.emptyTrash(), 1);
    assert.equal((await mallory.trashContents()).items.length, 0);
    assert.equal((await alice.trashContents()).items.length, 2);

    // What is trashed after the listing the user confirmed stays.
    await alice.upload('/later.txt', enc('later'));
    await alice.trash('/later.txt');
    assert.equal(await alice.emptyTrash(upTo), 2);
    const left = await alice.trashContents();
    assert.deepEqual(
      left.items.map((i) => i.name),
      ['later.txt'],
    );
    assert.equal(left.bytes, 25);
    assert.equal(await count(net, 'revisions WHERE size IN (1020, 520, 2020)'), 0);
    assert.equal(await alice.emptyTrash(), 1);
    assert.equal(await alice.emptyTrash(), 0);
  });

  test('emptying the trash: bad input is named; nothing live is touched', async () => {
    const post = async (body: unknown, token = alice.hub.token) => {
      const res = await fetch(`${net.hubUrl}/api/trash/empty`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, text: await res.text() };
    };
    for (const body of [{}, { upTo: -1 }, { upTo: 'now' }, { upTo: 1, extra: true }]) {
      const r = await post(body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.match(r.text, /upTo|extra/);
    }
    const anonymous = await fetch(`${net.hubUrl}/api/trash/empty`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ upTo: Date.now() }),
    });
    assert.equal(anonymous.status, 401);
    // A live file, and one restored from the trash, stay.
    await alice.upload('/keep.txt', enc('keep'));
    await alice.trash('/keep.txt');
    await alice.restore('keep.txt');
    const r = await post({ upTo: Date.now() + 60_000 });
    assert.equal(r.status, 200);
    assert.equal(await text(alice, '/keep.txt'), 'keep');
    assert.equal(await text(alice, '/notes.txt'), 'version one');
    // A purge of something not trashed is still refused.
    await assert.rejects(alice.purge('keep.txt'), NotFoundError);
    await alice.trash('/keep.txt');
    await alice.upload('/keep.txt', enc('a new one in its place'));
    await assert.rejects(alice.restore('keep.txt'), ConflictError);
  });

  test('coffer trash lists what each item holds; coffer trash empty purges it all', async () => {
    const env = { ...net.env, COFFER_PASSWORD: password };
    const dir = await tempDir();
    const signup = await cli(['signup', 'cli@example.com', '--json'], env);
    assert.equal(signup.code, 0, signup.stderr);
    await writeFile(join(dir, 'one.txt'), 'x'.repeat(1004));
    for (const args of [
      ['put', join(dir, 'one.txt'), '/one.txt'],
      ['put', join(dir, 'one.txt'), '/two.txt'],
      ['rm', '/one.txt'],
      ['rm', '/two.txt'],
    ]) {
      const r = await cli(args, env);
      assert.equal(r.code, 0, r.stderr);
    }
    const list = await cli(['trash'], env);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /one\.txt.*holds 1\.0 KiB/);
    const bad = await cli(['trash', 'empty', 'now'], env);
    assert.notEqual(bad.code, 0);
    const empty = await cli(['trash', 'empty', '--json'], env);
    assert.equal(empty.code, 0, empty.stderr);
    assert.deepEqual(empty.json(), { purged: 2, bytes: 2048 });
    const again = await cli(['trash', 'empty'], env);
    assert.match(again.stdout, /The trash is empty/);
  });
});
