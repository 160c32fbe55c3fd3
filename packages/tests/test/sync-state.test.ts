import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CofferClient, type SyncRootReport } from '@coffer/sdk';
import { hubSql, type Network, onEachDatabase } from '../src/index.ts';
import { startNetwork } from '../src/network.ts';

// Each session's sync state ([Note: Sync state on the hub]): the SDK reports and lists sealed
// roots; raw HTTP shows bad input named, oversized blobs refused, an old version refused; other
// accounts see nothing of it, and a revoked session's state goes.

const password = 'correct horse battery staple';

const root = (over: Partial<SyncRootReport> = {}): SyncRootReport => ({
  localPath: '/home/alice/Coffer',
  remotePath: '/Sync',
  deviceName: 'laptop',
  lastPassAt: 1_700_000_000_000,
  state: 'synced',
  conflicts: 0,
  errors: 0,
  ...over,
});

onEachDatabase('sync state', (dialect) => {
  let net: Network;
  let alice: CofferClient;
  let laptop: CofferClient;
  let mallory: CofferClient;

  async function put(client: CofferClient, body: unknown) {
    const res = await fetch(`${net.hubUrl}/api/sessions/current/sync-state`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${client.hub.token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
    });
    return { status: res.status, text: await res.text() };
  }

  before(async () => {
    net = await startNetwork({ hosts: 1, dialect });
    ({ client: alice } = await CofferClient.signup({
      hubUrl: net.hubUrl,
      email: 'alice@example.com',
      password,
    }));
    laptop = await CofferClient.login({
      hubUrl: net.hubUrl,
      email: 'alice@example.com',
      password,
      deviceName: 'laptop',
    });
    ({ client: mallory } = await CofferClient.signup({
      hubUrl: net.hubUrl,
      email: 'mallory@example.com',
      password,
    }));
  });

  after(async () => {
    await net?.close();
  });

  test('a session reports its roots; every session of the account reads them, merged by local path', async () => {
    await laptop.syncState.report([root()]);
    await laptop.syncState.report([root({ localPath: '/home/alice/Work', remotePath: '/Work' })]);
    await laptop.syncState.report([root({ state: 'error', errors: 2, conflicts: 1 })]);
    const { sessions, unreadable } = await alice.syncState.list();
    assert.deepEqual(unreadable, []);
    assert.equal(sessions.length, 1);
    const [s] = sessions;
    assert.equal(s?.sessionId, laptop.saved().sessionId);
    assert.deepEqual(
      s?.roots.map((r) => [r.remotePath, r.state, r.conflicts, r.errors]),
      [
        ['/Work', 'synced', 0, 0],
        ['/Sync', 'error', 1, 2],
      ],
    );
    // The hub holds an opaque blob: no path or device name in the clear.
    const rows = await hubSql(net, 'SELECT state FROM session_sync_states');
    assert.equal(rows.length, 1);
    assert.doesNotMatch(JSON.stringify(rows), /Sync|laptop|home/);
  });

  test('bad input names the field; an oversized blob and an old version are refused', async () => {
    await assert.rejects(laptop.syncState.report([root({ remotePath: '' })]), /remotePath/);
    await assert.rejects(
      laptop.syncState.report([root({ conflicts: -1 } as Partial<SyncRootReport>)]),
      /conflicts/,
    );
    const noVersion = await put(laptop, { state: 'AAAA' });
    assert.equal(noVersion.status, 400);
    assert.match(noVersion.text, /version/);
    const badState = await put(laptop, { version: 99, state: 'not base64!' });
    assert.equal(badState.status, 400);
    assert.match(badState.text, /state/);
    const huge = await put(laptop, { version: 99, state: 'A'.repeat(50_000) });
    assert.ok(huge.status === 400 || huge.status === 413, `status ${huge.status}`);
    assert.match(huge.text, /state|large/);
    const old = await put(laptop, { version: 1, state: 'AAAA' });
    assert.equal(old.status, 409);
    assert.match(old.text, /version/);
  });

  test('another account reads nothing of it', async () => {
    const { sessions } = await mallory.syncState.list();
    assert.deepEqual(sessions, []);
    const res = await fetch(`${net.hubUrl}/api/sessions/sync-states`, {
      headers: { authorization: `Bearer ${mallory.hub.token}` },
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { states: [] });
  });

  test("a revoked session's state goes", async () => {
    await alice.revokeSession(laptop.saved().sessionId);
    const { sessions } = await alice.syncState.list();
    assert.deepEqual(sessions, []);
    const rows = await hubSql(net, 'SELECT session_id FROM session_sync_states');
    assert.deepEqual(rows, []);
  });
});
