import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  encryptMetadata,
  type FolderKey,
  fromBase64Url,
  type NodeId,
  nameHash,
  newFolderKey,
  newNodeId,
  signNode,
  toBase64Url,
  unwrapNodeKey,
  wrapNodeKey,
} from '@coffer/crypto';
import type { ShareInfo } from '@coffer/protocol';
import {
  CofferClient,
  DecryptionError,
  ForbiddenError,
  IntegrityError,
  KeyChangedError,
  NotFoundError,
  type OpenNode,
  ValidationError,
} from '@coffer/sdk';
import {
  hubRouteCount,
  type Network,
  onEachDatabase,
  rejectsAfterLie,
  startNetwork,
  startTamperProxy,
  type TamperProxy,
} from '../src/index.ts';

// Folder shares through the SDK with three users, and a hub that lies about them (a tampering
// proxy in front of the real hub).

const password = 'correct horse battery staple';
onEachDatabase('folder shares', (dialect) => {
  let net: Network;
  let proxy: TamperProxy;
  let alice: CofferClient;
  let bob: CofferClient;
  let carol: CofferClient;
  /** Bob's second device, talking through the lying proxy. */
  let bobViaProxy: CofferClient;
  /** Carol, through the proxy. */
  let carolViaProxy: CofferClient;
  /** The first member list of /team, which a hub could keep and serve again. */
  let teamListV1: string;

  const SHARES = '/api/shares';
  const enc = (s: string) => new TextEncoder().encode(s);
  const PLAN = enc('the plan, version 1\n'.repeat(1000));

  async function signup(email: string) {
    return (await CofferClient.signup({ hubUrl: net.hubUrl, email, password })).client;
  }
  const login = (email: string, hubUrl: string) => CofferClient.login({ hubUrl, email, password });

  async function bytesOf(client: CofferClient, file: OpenNode) {
    const { stream } = await client.download(file);
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }

  before(async () => {
    net = await startNetwork({ hosts: 2, dialect });
    proxy = await startTamperProxy(net.hubUrl);
    alice = await signup('alice@example.com');
    bob = await signup('bob@example.com');
    carol = await signup('carol@example.com');
    await alice.upload('/team/plan.txt', PLAN, { parents: true });
    await alice.upload('/team/notes/monday.txt', enc('monday'), { parents: true });
    await alice.upload('/other/secret.txt', enc('not shared'), { parents: true });
    bobViaProxy = await login('bob@example.com', proxy.url);
    carolViaProxy = await login('carol@example.com', proxy.url);
  });

  after(async () => {
    await proxy?.close();
    await net?.close();
  });

  describe('folder shares through the SDK', () => {
    test('a read-only share: Bob sees it under Shared with me, lists it and reads the files', async () => {
      const out = await alice.shares.share('/team', 'bob@example.com', 'read');
      assert.deepEqual(
        out.members.map((m) => [m.email, m.role]),
        [['bob@example.com', 'read']],
      );
      const [team, ...more] = await bob.shares.incoming();
      assert.equal(more.length, 0);
      teamListV1 = (await bob.hub.call('shares', {})).incoming[0]?.memberList as string;
      assert.ok(team);
      assert.equal(team.folder.meta.name, 'team');
      assert.equal(team.owner.email, 'alice@example.com');
      assert.equal(team.role, 'read');
      const names = (await bob.listOpen(team.folder)).map((n) => n.meta.name).sort();
      assert.deepEqual(names, ['notes', 'plan.txt']);
      const plan = await bob.child(team.folder, 'plan.txt');
      assert.ok(plan);
      assert.deepEqual(await bytesOf(bob, plan), PLAN);
      const notes = await bob.child(team.folder, 'notes');
      assert.ok(notes?.kind === 'folder');
      const monday = await bob.child(notes, 'monday.txt');
      assert.ok(monday);
      assert.deepEqual(await bytesOf(bob, monday), enc('monday'));
      assert.deepEqual(await alice.shares.outgoing(), [out]);
    });

    test('the hub keeps everyone else out, and refuses a read-only member’s writes', async () => {
      const [team] = await bob.shares.incoming();
      assert.ok(team);
      // Carol is no member: the folder, its children and its chunks are missing for her.
      await assert.rejects(
        carol.hub.call('getNode', { params: { id: team.folder.info.id }, query: {} }),
        NotFoundError,
      );
      await assert.rejects(
        carol.hub.call('children', { params: { id: team.folder.info.id }, query: {} }),
        NotFoundError,
      );
      const other = await alice.resolve('/other');
      await assert.rejects(
        bob.hub.call('children', { params: { id: other.info.id }, query: {} }),
        NotFoundError,
      );
      // Bob may read but not write: creating a folder in the share is refused.
      await assert.rejects(
        bob.hub.call('createFolder', {
          body: {
            id: '0'.repeat(32),
            parentId: team.folder.info.id,
            nameHash: '0'.repeat(64),
            wrappedKey: 'A'.repeat(155),
            metadata: 'AAAA',
          },
        }),
        ForbiddenError,
      );
      await assert.rejects(
        bob.hub.call('trashNode', { params: { id: team.folder.info.id }, body: { version: 1 } }),
        ForbiddenError,
      );
    });

    test('a second member, read-write; the list everyone checks names both', async () => {
      await alice.shares.share('/team', 'carol@example.com', 'write');
      const [forCarol] = await carol.shares.incoming();
      assert.equal(forCarol?.role, 'write');
      const [forBob] = await bob.shares.incoming();
      const roles = Object.fromEntries(forBob?.members.map((m) => [m.email, m.role]) ?? []);
      assert.deepEqual(roles, { 'bob@example.com': 'read', 'carol@example.com': 'write' });
    });

    test('a writer adds a folder and a file and renames it, signed by her; the owner and the reader read them; the reader may not write', async () => {
      const [team] = await carol.shares.incoming();
      assert.ok(team);
      const inside = carol.within(team.folder);
      await inside.mkdir('/from-carol');
      await inside.upload('/from-carol/hello.txt', enc('hello from carol'));
      await inside.move('/from-carol/hello.txt', '/from-carol/hi.txt');
      assert.deepEqual(
        (await inside.list('/from-carol')).map((e) => e.name),
        ['hi.txt'],
      );
      // The owner reads it in her own tree.
      const mine = await alice.resolve('/team/from-carol/hi.txt');
      assert.deepEqual(await bytesOf(alice, mine), enc('hello from carol'));
      // The reader reads it in his share.
      const [forBob] = await bob.shares.incoming();
      assert.ok(forBob);
      const asBob = bob.within(forBob.folder);
      assert.deepEqual(
        await bytesOf(bob, await asBob.resolve('/from-carol/hi.txt')),
        enc('hello from carol'),
      );
      // The reader may not write: the hub refuses, saying why.
      await assert.rejects(asBob.mkdir('/bob-was-here'), ForbiddenError);
      await assert.rejects(asBob.upload('/bob.txt', enc('bob')), ForbiddenError);
      await assert.rejects(asBob.move('/plan.txt', '/renamed.txt'), ForbiddenError);
      // Nothing crosses between two people's trees: Carol can neither carry a file of the
      // share into her own files, nor move a folder of hers into the share.
      const body = (parentId: string, version: number) => ({
        version,
        parentId,
        nameHash: '0'.repeat(64),
        wrappedKey: 'A'.repeat(155),
        metadata: 'AAAA',
      });
      const planNode = await inside.resolve('/plan.txt');
      await assert.rejects(
        carol.hub.call('updateNode', {
          params: { id: planNode.info.id },
          body: body(carol.keys.rootId, planNode.info.version),
        }),
        ForbiddenError,
      );
      const own = await carol.mkdir('/carols-own');
      await assert.rejects(
        carol.hub.call('updateNode', {
          params: { id: own.id },
          body: body(team.folder.info.id, 1),
        }),
        ForbiddenError,
      );
      // Nor may the writer change the shared folder itself.
      await assert.rejects(
        carol.hub.call('trashNode', { params: { id: team.folder.info.id }, body: { version: 1 } }),
        ForbiddenError,
      );
    });

    test('bad input: a file, the root, an unknown contact, a bad role', async () => {
      await assert.rejects(
        alice.shares.share('/team/plan.txt', 'bob@example.com', 'read'),
        ValidationError,
      );
      await assert.rejects(alice.shares.share('/', 'bob@example.com', 'read'), ValidationError);
      await assert.rejects(
        alice.shares.share('/team', 'nobody@example.com', 'read'),
        NotFoundError,
      );
      await assert.rejects(
        alice.shares.share('/team', 'bob@example.com', 'admin' as 'read'),
        ValidationError,
      );
      await assert.rejects(
        alice.shares.share('/team/notes', 'bob@example.com', 'read'),
        /do not nest/,
      );
      // Nor by moving one shared folder into another.
      await alice.mkdir('/nest');
      const nest = await alice.shares.share('/nest', 'carol@example.com', 'read');
      await assert.rejects(alice.move('/nest', '/team/nest'), /cannot go into another share/);
      await alice.hub.call('deleteShare', { params: { id: nest.id } });
    });

    test('sharing with a contact whose keys changed is blocked until verified again', async () => {
      await alice.contacts.add('carol@example.com');
      await carol.rotateKeys();
      await assert.rejects(
        alice.shares.share('/other', 'carol@example.com', 'read'),
        KeyChangedError,
      );
      await alice.contacts.verify('carol@example.com');
      // Her folder key for /team was sealed to her old keys; sharing again seals it anew.
      await assert.rejects(carol.shares.incoming(), IntegrityError);
      await alice.shares.share('/team', 'carol@example.com', 'write');
      const [team] = await carol.shares.incoming();
      assert.equal(team?.folder.meta.name, 'team');
    });

    test('Shared with me checks each person’s keys once, however many folders they share', async () => {
      // The hub allows an account 300 lookups an hour: one per share per visit would run out.
      const owner = await signup('dora@example.com');
      const reader = await signup('erin@example.com');
      for (const name of ['a', 'b', 'c', 'd']) {
        await owner.mkdir(`/${name}`);
        await owner.shares.share(`/${name}`, 'erin@example.com', 'write');
      }
      const count = async () =>
        [
          await hubRouteCount(net, 'lookupContact'),
          await hubRouteCount(net, 'saveContactBook'),
        ] as const;
      const [lookups0, saves0] = await count();
      assert.equal((await reader.shares.incoming()).length, 4);
      const [lookups1, saves1] = await count();
      assert.equal(lookups1 - lookups0, 1, 'one lookup for dora, who owns all four');
      assert.equal(
        saves1 - saves0,
        5,
        'dora and each share’s member list are pinned on first sight',
      );
      assert.equal((await reader.shares.incoming()).length, 4);
      const [lookups2, saves2] = await count();
      assert.equal(lookups2 - lookups1, 1, 'asked again on the next visit');
      assert.equal(saves2 - saves1, 0, 'nothing changed, nothing saved');
    });
  });

  describe('a malicious hub is caught with a typed error', () => {
    type Listing = { incoming: ShareInfo[]; outgoing: ShareInfo[] };
    let otherId: string;
    let teamId: string;

    async function lie(
      client: CofferClient,
      rewrite: (json: Listing) => unknown,
      expected: RegExp,
    ) {
      proxy.reset();
      proxy.rewrite = (path, method, json) =>
        path === SHARES && method === 'GET' ? rewrite(structuredClone(json) as Listing) : json;
      await rejectsTyped(client.shares.incoming(), expected);
    }

    const rejectsTyped = (op: Promise<unknown>, expected: RegExp) =>
      rejectsAfterLie(proxy, op, [IntegrityError, DecryptionError], expected);

    before(async () => {
      // Carol (a writer of /team) made new keys; Bob has not verified them yet.
      const [team] = (await bob.shares.incoming()).filter((s) => s.folder.meta.name === 'team');
      assert.deepEqual(team?.uncheckedWriters, ['carol@example.com']);
      await bob.contacts.verify('carol@example.com');
      // Carol's second device logged in before she made new keys: it logs in again.
      carolViaProxy = await login('carol@example.com', proxy.url);
      await alice.shares.share('/other', 'bob@example.com', 'read');
      otherId = (await alice.resolve('/other')).info.id;
      teamId = (await alice.resolve('/team')).info.id;
    });

    test('the proxy is transparent when nobody lies', async () => {
      proxy.reset();
      const names = (await bobViaProxy.shares.incoming()).map((s) => s.folder.meta.name).sort();
      assert.deepEqual(names, ['other', 'team']);
    });

    test('it shows someone a share the owner did not list them in (a re-added member)', async () => {
      const bobs = (await bob.hub.call('shares', {})).incoming;
      const other = bobs.find((s) => s.nodeId === otherId);
      assert.ok(other);
      await lie(
        carolViaProxy,
        (j) => ({ ...j, incoming: [...j.incoming, other] }),
        /does not name you/,
      );
    });

    test('it replays an older member list', async () => {
      await lie(
        bobViaProxy,
        (j) => ({
          ...j,
          incoming: j.incoming.map((s) =>
            s.nodeId === teamId ? { ...s, memberList: teamListV1 } : s,
          ),
        }),
        /rolled back/,
      );
    });

    test('it serves a key that belongs to another folder', async () => {
      await lie(
        bobViaProxy,
        (j) => {
          const team = j.incoming.find((s) => s.nodeId === teamId);
          const other = j.incoming.find((s) => s.nodeId === otherId);
          assert.ok(team && other);
          [team.keys, other.keys] = [other.keys, team.keys];
          return j;
        },
        /folder key of share/,
      );
    });

    test('it names another owner', async () => {
      await lie(
        bobViaProxy,
        (j) => ({
          ...j,
          incoming: j.incoming.map((s) => ({ ...s, ownerEmail: 'carol@example.com' })),
        }),
        /another owner/,
      );
    });

    test('it lets a read-only member write: the other members refuse the node', async () => {
      // Bob makes a well-formed folder in /team with the folder key he holds, and signs it; the
      // hub (lying) stores it and serves it to Carol.
      const [team] = (await bob.shares.incoming()).filter((s) => s.folder.info.id === teamId);
      assert.ok(team);
      const id = newNodeId();
      const key = newFolderKey();
      const parentId = teamId as NodeId;
      const meta = { name: 'from-bob' };
      const teamKey = team.folder.key as FolderKey;
      const fields = {
        nameHash: await nameHash(teamKey, meta.name),
        wrappedKey: await wrapNodeKey(teamKey, key, {
          nodeId: id,
          parentId,
          kind: 'folder',
          keyVersion: 1,
        }),
        metadata: await encryptMetadata(key, meta, { nodeId: id, kind: 'folder' }),
      };
      const signature = signNode(
        { nodeId: id, parentId, kind: 'folder', authorId: bob.keys.accountId, ...fields },
        bob.keys.identity.signingSecret,
      );
      const [forCarol] = (await carolViaProxy.shares.incoming()).filter(
        (s) => s.folder.info.id === teamId,
      );
      assert.ok(forCarol);
      const now = Date.now();
      proxy.reset();
      proxy.rewrite = (path, _m, json) => {
        if (path !== `/api/nodes/${teamId}/children`) return json;
        const body = json as { nodes: unknown[] };
        body.nodes.push({
          id,
          parentId,
          kind: 'folder',
          wrappedKey: toBase64Url(fields.wrappedKey),
          metadata: toBase64Url(fields.metadata),
          nameHash: fields.nameHash,
          version: 1,
          revision: null,
          size: 0,
          trashedAt: null,
          createdAt: now,
          updatedAt: now,
          authorId: bob.keys.accountId,
          signature: toBase64Url(signature),
        });
        return body;
      };
      await rejectsTyped(
        carolViaProxy.listOpen(forCarol.folder),
        /not written by the share's owner or one of its writers/,
      );
    });

    test('it swaps a file between two shares', async () => {
      const team = (await bobViaProxy.shares.incoming()).find((s) => s.folder.info.id === teamId);
      assert.ok(team);
      const { nodes } = await bob.hub.call('children', { params: { id: otherId }, query: {} });
      const secret = nodes[0];
      assert.ok(secret);
      proxy.reset();
      proxy.rewrite = (path, _m, json) =>
        path === `/api/nodes/${teamId}/children`
          ? { ...(json as object), nodes: [{ ...secret, parentId: teamId }] }
          : json;
      await rejectsTyped(bobViaProxy.listOpen(team.folder), /not signed by its author/);
    });
  });

  describe('removing a member rotates the folder keys', () => {
    const A1 = enc('a, version 1');
    const A2 = enc('a, version 2, written while Bob was a member');

    test('after Bob is removed he loses access, Carol keeps it, and nothing new opens with his keys', async () => {
      await alice.upload('/project/a.txt', A1, { parents: true });
      await alice.upload('/project/sub/b.txt', enc('b'), { parents: true });
      await alice.shares.share('/project', 'bob@example.com', 'write');
      await alice.shares.share('/project', 'carol@example.com', 'write');
      const forBob = (await bob.shares.incoming()).find((s) => s.folder.meta.name === 'project');
      assert.ok(forBob);
      const asBob = bob.within(forBob.folder);
      await asBob.upload('/sub/from-bob.txt', enc('written by bob'));
      await asBob.upload('/a.txt', A2);
      await asBob.mkdir('/sub/trashed-by-bob');
      await asBob.trash('/sub/trashed-by-bob');
      // What Bob holds when he is removed: the folder keys he has opened.
      const bobsSub = await asBob.resolve('/sub');
      const forCarolBefore = (await carol.shares.incoming()).find(
        (s) => s.folder.meta.name === 'project',
      );
      assert.ok(forCarolBefore);
      const carolsStaleSub = await carol.within(forCarolBefore.folder).resolve('/sub');

      const { share: after } = await alice.shares.remove('/project', 'bob@example.com');
      assert.deepEqual(
        after?.members.map((m) => [m.email, m.role]),
        [['carol@example.com', 'write']],
      );

      // The hub no longer shows Bob the share, nor anything in it.
      assert.equal(
        (await bob.shares.incoming()).some((s) => s.folder.meta.name === 'project'),
        false,
      );
      await assert.rejects(
        bob.hub.call('children', { params: { id: bobsSub.info.id }, query: {} }),
        NotFoundError,
      );

      // Carol opens the share under the new key version and reads everything, Bob's files
      // included (Alice vouched for them when she rotated), and every revision of a.txt.
      const forCarol = (await carol.shares.incoming()).find(
        (s) => s.folder.meta.name === 'project',
      );
      assert.ok(forCarol);
      const asCarol = carol.within(forCarol.folder);
      assert.deepEqual(
        await bytesOf(carol, await asCarol.resolve('/sub/from-bob.txt')),
        enc('written by bob'),
      );
      assert.deepEqual(await bytesOf(carol, await asCarol.resolve('/a.txt')), A2);
      assert.deepEqual(
        (await asCarol.versions('/a.txt')).map((v) => v.revision),
        [2, 1],
      );
      const first = await carol.download(await asCarol.resolve('/a.txt'), { revision: 1 });
      assert.deepEqual(new Uint8Array(await new Response(first.stream).arrayBuffer()), A1);
      // Alice's own view is whole, the trash included.
      assert.deepEqual(await bytesOf(alice, await alice.resolve('/project/sub/b.txt')), enc('b'));
      assert.ok((await alice.listTrash()).some((e) => e.name === 'trashed-by-bob'));

      // Carol's write from a listing made before the rotation is refused (409), not stored
      // under the old key; made again from a fresh listing, it lands.
      await assert.rejects(carol.createFolder(carolsStaleSub, 'stale'), /keys changed/);
      await asCarol.upload('/sub/after.txt', enc('written after bob left'));
      const { nodes } = await alice.hub.call('children', {
        params: { id: bobsSub.info.id },
        query: {},
      });
      const fresh = nodes.find((n) => n.authorId === carol.keys.accountId);
      const subNow = nodes.length ? await alice.resolve('/project/sub') : null;
      assert.ok(fresh && subNow);
      // The key Bob held for /sub opens neither the new file nor /sub's new key.
      await assert.rejects(
        unwrapNodeKey(bobsSub.key as FolderKey, fromBase64Url(fresh.wrappedKey, 'wrappedKey'), {
          nodeId: fresh.id as NodeId,
          parentId: fresh.parentId as NodeId,
          kind: 'file',
          keyVersion: fresh.keyVersion ?? 1,
        }),
        DecryptionError,
      );
      assert.notDeepEqual(subNow.key, bobsSub.key);
      assert.equal(subNow.info.keyVersion, 2);
    });

    test('a hub that shows Bob the share again is caught; removing a non-member is an error; removing the last member ends the share', async () => {
      const projectId = (await alice.resolve('/project')).info.id;
      const carols = (await carol.hub.call('shares', {})).incoming.find(
        (s) => s.folder.id === projectId,
      );
      assert.ok(carols);
      proxy.reset();
      proxy.rewrite = (path, method, json) =>
        path === SHARES && method === 'GET'
          ? {
              ...(json as object),
              incoming: [...(json as { incoming: unknown[] }).incoming, carols],
            }
          : json;
      await rejectsAfterLie(
        proxy,
        bobViaProxy.shares.incoming(),
        [IntegrityError],
        /does not name you/,
      );
      proxy.reset();

      await assert.rejects(alice.shares.remove('/project', 'bob@example.com'), NotFoundError);
      await assert.rejects(
        alice.shares.remove('/other/secret.txt', 'bob@example.com'),
        NotFoundError,
      );
      assert.equal((await alice.shares.remove('/project', 'carol@example.com')).share, null);
      assert.equal(
        (await carol.shares.incoming()).some((s) => s.folder.meta.name === 'project'),
        false,
      );
      assert.equal((await alice.resolve('/project')).info.keyVersion, 3);
      assert.deepEqual(await bytesOf(alice, await alice.resolve('/project/a.txt')), A2);
      assert.deepEqual(
        (await alice.list('/project/sub')).map((e) => e.name),
        ['after.txt', 'b.txt', 'from-bob.txt'],
      );
    });
  });
});
