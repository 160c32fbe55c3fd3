import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ChangeInfo } from '@coffer/protocol';
import { CofferClient, type IncomingShare } from '@coffer/sdk';
import { hubSql, type Network, onEachDatabase, startNetwork, until } from '../src/index.ts';

// The change feed ([Note: Change feed] in the hub's services/changes.ts) through the SDK and
// raw HTTP: every kind of write to one's own tree shows, a long poll wakes for another device's
// write, a share's members see its subtree only, and bad cursors are named.

const password = 'correct horse battery staple';
const enc = (s: string) => new TextEncoder().encode(s);
const CHANGE_KEYS = [
  'deleted',
  'keyVersion',
  'kind',
  'nodeId',
  'parentId',
  'revision',
  'shareId',
  'trashed',
  'version',
].sort();

onEachDatabase('change feed', (dialect) => {
  let net: Network;
  let alice: CofferClient;
  let bob: CofferClient;

  async function signup(email: string) {
    return (await CofferClient.signup({ hubUrl: net.hubUrl, email, password })).client;
  }

  /** Follows `client`'s feed from `cursor` until `want` holds for a change; returns the changes seen. */
  async function follow(
    client: CofferClient,
    cursor: { at: string },
    want: (c: ChangeInfo) => boolean,
    what: string,
  ): Promise<ChangeInfo> {
    return until(what, async () => {
      const page = await client.changes.next(cursor.at, { waitSeconds: 1 });
      cursor.at = page.cursor;
      return page.changes.find(want);
    });
  }

  /** Everything in `client`'s feed after `cursor` that has arrived, without waiting. */
  async function drain(client: CofferClient, cursor: { at: string }): Promise<ChangeInfo[]> {
    const out: ChangeInfo[] = [];
    for (;;) {
      const page = await client.changes.next(cursor.at, { waitSeconds: 0 });
      cursor.at = page.cursor;
      out.push(...page.changes);
      if (!page.more) return out;
    }
  }

  async function raw(client: CofferClient, query: string) {
    const res = await fetch(`${net.hubUrl}/api/changes${query}`, {
      headers: { authorization: `Bearer ${client.hub.token}` },
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  before(async () => {
    net = await startNetwork({ hosts: 2, dialect });
    alice = await signup('alice@example.com');
    bob = await signup('bob@example.com');
  });

  after(async () => {
    await net?.close();
  });

  test('each write to my own tree shows with what the hub sees, and nothing else', async () => {
    const cursor = { at: await alice.changes.latest() };
    const root = (await alice.root()).info;
    const docs = await alice.mkdir('/docs');
    const made = await follow(alice, cursor, (c) => c.nodeId === docs.id, 'the new folder');
    assert.deepEqual(made, {
      nodeId: docs.id,
      parentId: root.id,
      kind: 'folder',
      version: 1,
      revision: null,
      keyVersion: 1,
      trashed: false,
      deleted: false,
      shareId: null,
    });
    const file = await alice.upload('/docs/a.txt', enc('one'));
    const first = await follow(alice, cursor, (c) => c.nodeId === file.id, 'the upload');
    assert.equal(first.revision, 1);
    assert.equal(first.parentId, docs.id);
    assert.equal(first.kind, 'file');

    await alice.upload('/docs/a.txt', enc('two'));
    const second = await follow(alice, cursor, (c) => c.nodeId === file.id, 'the new revision');
    assert.equal(second.revision, 2);
    assert.ok(second.version > first.version);

    await alice.move('/docs/a.txt', '/docs/b.txt');
    const renamed = await follow(alice, cursor, (c) => c.nodeId === file.id, 'the rename');
    assert.equal(renamed.parentId, docs.id);
    assert.ok(renamed.version > second.version);

    const other = await alice.mkdir('/other');
    await alice.move('/docs/b.txt', '/other/b.txt');
    const moved = await follow(
      alice,
      cursor,
      (c) => c.nodeId === file.id && c.parentId === other.id,
      'the move',
    );
    assert.equal(moved.deleted, false);

    await alice.trash('/other/b.txt');
    const trashed = await follow(alice, cursor, (c) => c.nodeId === file.id, 'the trash');
    assert.equal(trashed.trashed, true);
    await alice.restore(file.id);
    const restored = await follow(alice, cursor, (c) => c.nodeId === file.id, 'the restore');
    assert.equal(restored.trashed, false);

    await alice.trash('/other');
    await alice.purge(other.id);
    const gone = await until('both purged', async () => {
      const seen = await drain(alice, cursor);
      const purged = seen.filter((c) => c.deleted).map((c) => c.nodeId);
      return purged.includes(other.id) && purged.includes(file.id) ? seen : null;
    });
    assert.ok(gone.every((c) => c.deleted || c.nodeId === other.id));

    // The wire: only the fields above, no name, metadata or key.
    const page = await raw(alice, '?cursor=0&limit=1000');
    assert.equal(page.status, 200);
    assert.deepEqual(Object.keys(page.body).sort(), ['changes', 'cursor', 'more']);
    const changes = page.body.changes as Record<string, unknown>[];
    assert.ok(changes.length >= 8);
    for (const c of changes) assert.deepEqual(Object.keys(c).sort(), CHANGE_KEYS);
  });

  test('a long poll answers when another device writes, and an idle one keeps the cursor', async () => {
    const cursor = await alice.changes.latest();
    const idle = await alice.changes.next(cursor, { waitSeconds: 1 });
    assert.deepEqual(idle, { changes: [], cursor, more: false });

    const laptop = await CofferClient.login({
      hubUrl: net.hubUrl,
      email: 'alice@example.com',
      password,
    });
    const waiting = alice.changes.next(cursor, { waitSeconds: 30 });
    const made = await laptop.mkdir('/from-laptop');
    const page = await waiting;
    assert.ok(page.changes.some((c) => c.nodeId === made.id));
    assert.notEqual(page.cursor, cursor);

    // watch() yields pages as they come and ends quietly when aborted.
    const stop = new AbortController();
    const seen: string[] = [];
    const watching = (async () => {
      for await (const p of alice.changes.watch(page.cursor, stop.signal)) {
        seen.push(...p.changes.map((c) => c.nodeId));
      }
    })();
    const later = await laptop.mkdir('/later');
    await until('watch sees the folder', () => seen.includes(later.id));
    stop.abort();
    await watching;
  });

  describe('shares', () => {
    let team: { id: string };
    let bobCursor: { at: string };
    let aliceCursor: { at: string };
    let incoming: IncomingShare;

    test('a member is told the share appeared, then sees its subtree only', async () => {
      team = await alice.mkdir('/team');
      await alice.mkdir('/private');
      bobCursor = { at: await bob.changes.latest() };
      await alice.shares.share('/team', 'bob@example.com', 'write');
      [incoming] = (await bob.shares.incoming()) as [IncomingShare];
      const appeared = await follow(bob, bobCursor, (c) => c.nodeId === team.id, 'the share');
      assert.equal(appeared.shareId, incoming.id);
      assert.equal(appeared.deleted, false);

      aliceCursor = { at: await alice.changes.latest() };
      const secret = await alice.upload('/private/p.txt', enc('private'));
      const plan = await alice.upload('/team/plan.txt', enc('plan'));
      const inside = await follow(bob, bobCursor, (c) => c.nodeId === plan.id, 'the shared file');
      assert.equal(inside.shareId, incoming.id);
      assert.equal(inside.parentId, team.id);
      await follow(alice, aliceCursor, (c) => c.nodeId === secret.id, 'alice sees her file');
      assert.ok(!(await drain(bob, bobCursor)).some((c) => c.nodeId === secret.id));

      // A member's write shows to the owner, in her own tree.
      const byBob = await bob.within(incoming.folder).mkdir('/from-bob');
      const told = await follow(alice, aliceCursor, (c) => c.nodeId === byBob.id, "bob's folder");
      assert.equal(told.shareId, null);
      assert.equal(told.parentId, team.id);
    });

    test('a move out of the share is a removal for the member', async () => {
      const leaving = await alice.upload('/team/leaving.txt', enc('bye'));
      await follow(bob, bobCursor, (c) => c.nodeId === leaving.id, 'the file arrives');
      await alice.move('/team/leaving.txt', '/private/leaving.txt');
      const removed = await follow(
        bob,
        bobCursor,
        (c) => c.nodeId === leaving.id && c.deleted,
        'the removal',
      );
      assert.equal(removed.shareId, incoming.id);
      const forAlice = await follow(
        alice,
        aliceCursor,
        (c) => c.nodeId === leaving.id && c.parentId !== team.id,
        'alice sees a move',
      );
      assert.equal(forAlice.deleted, false);
    });

    test('a removed member is told the share went, then hears nothing of it', async () => {
      await alice.shares.remove('/team', 'bob@example.com');
      const went = await follow(
        bob,
        bobCursor,
        (c) => c.nodeId === team.id && c.deleted,
        'the share went',
      );
      assert.equal(went.shareId, incoming.id);
      const after = await alice.upload('/team/after.txt', enc('not for bob'));
      await follow(alice, aliceCursor, (c) => c.nodeId === after.id, 'alice sees it');
      assert.deepEqual(
        (await drain(bob, bobCursor)).filter((c) => c.shareId === incoming.id),
        [],
      );
    });
  });

  test('bad cursors are named; an expired one says to list again', async () => {
    const latest = Number(await alice.changes.latest());
    const cases: [string, number, string][] = [
      ['', 400, 'query.cursor'],
      ['?cursor=abc', 400, 'query.cursor'],
      ['?cursor=-1', 400, 'query.cursor'],
      ['?cursor=007', 400, 'query.cursor'],
      ['?cursor=0&wait=31', 400, 'query.wait'],
      ['?cursor=0&wait=x', 400, 'query.wait'],
      ['?cursor=0&limit=0', 400, 'query.limit'],
      [`?cursor=${latest + 1000}`, 400, 'cursor'],
    ];
    for (const [query, status, field] of cases) {
      const res = await raw(alice, query);
      assert.equal(res.status, status, query);
      assert.equal((res.body.error as { field?: string }).field, field, query);
    }
    const [{ id }] = (await hubSql(
      net,
      `select id from accounts where email = 'alice@example.com'`,
    )) as [{ id: string }];
    await hubSql(net, `update change_counters set pruned_through = 3 where account_id = '${id}'`);
    const expired = await raw(alice, '?cursor=2');
    assert.equal(expired.status, 410);
    assert.match(
      (expired.body.error as { message: string }).message,
      /^cursor: expired.*list the tree again/,
    );
    assert.equal((await raw(alice, '?cursor=3')).status, 200);
  });
});
