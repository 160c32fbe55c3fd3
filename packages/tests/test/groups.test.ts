import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CofferClient } from '@coffer/sdk';
import {
  cli,
  hubSql,
  type Network,
  onEachDatabase,
  signedUpPeople,
  startNetwork,
  startTamperProxy,
} from '../src/index.ts';

// Private groups through the CLI, on SQLite and PostgreSQL ([Note: Groups] in crypto, [Note:
// Groups on the hub], [Note: Groups in the client]): the owner invites, people accept or
// decline, leave, are removed (the key rotates), and a hub that tampers with a roster or with
// who is in a group is caught by the members' clients.

interface GroupJson {
  id: string;
  name: string;
  role: 'owner' | 'member' | 'invited';
  keyVersion: number;
  owner: { email: string };
  members: { email: string; state: string; verified: boolean }[];
}

onEachDatabase('private groups', (dialect) => {
  let net: Network;
  let people: Awaited<ReturnType<typeof signedUpPeople>>;
  let groupId = '';
  let firstRoster = '';

  before(async () => {
    net = await startNetwork({ dialect, hosts: 2 });
    people = await signedUpPeople(net, ['alice', 'bob', 'carol', 'dave']);
  });
  after(() => net?.close());

  const as = (who: string) => people.env(who);
  const run = <T>(who: string, args: string[]) => people.run<T>(who, args);
  const groupsOf = async (who: string) =>
    (await run<{ groups: GroupJson[] }>(who, ['groups'])).value.groups;
  const states = (g: GroupJson | undefined) =>
    Object.fromEntries((g?.members ?? []).map((m) => [m.email.split('@')[0], m.state]));

  test('the owner creates a group and invites; unverified keys are flagged; invitees see it', async () => {
    const made = await run<GroupJson>('alice', [
      'group',
      'create',
      'Film club',
      '--invite',
      'bob@example.com',
      '--invite',
      'carol@example.com',
    ]);
    groupId = made.value.id;
    assert.equal(made.value.name, 'Film club');
    assert.deepEqual(states(made.value), { bob: 'invited', carol: 'invited' });
    assert.match(made.stderr, /warning: bob@example\.com's keys are not verified/);
    firstRoster = String(
      (await hubSql(net, `select roster from groups where id = '${groupId}'`))[0]?.roster,
    );

    const [invitation] = await groupsOf('bob');
    assert.equal(invitation?.role, 'invited');
    assert.equal(invitation?.name, 'Film club');
    assert.equal(invitation?.owner.email, 'alice@example.com');
    assert.deepEqual(await groupsOf('dave'), []);
    const text = await cli(['groups'], as('bob'));
    assert.match(text.stdout, /alice@example\.com invites you to Film club/);
  });

  test('invitees accept or decline; only the owner changes who is in', async () => {
    const joined = await run<GroupJson>('bob', ['group', 'accept', 'Film club']);
    assert.equal(joined.value.role, 'member');
    await run('carol', ['group', 'decline', groupId]);
    assert.deepEqual(await groupsOf('carol'), []);
    const listed = await run<GroupJson>('alice', ['group', 'members', 'Film club']);
    assert.deepEqual(states(listed.value), { bob: 'member', carol: 'declined' });
    const text = await cli(['group', 'members', 'Film club'], as('alice'));
    assert.match(text.stdout, /carol@example\.com\s+declined/);

    const notOwner = await cli(['group', 'invite', 'Film club', 'dave@example.com'], as('bob'));
    assert.equal(notOwner.code, 2, notOwner.stderr);
    assert.match(notOwner.stderr, /only its owner changes who is in it/);
    const again = await cli(['group', 'accept', 'Film club'], as('carol'));
    assert.equal(again.code, 4, again.stderr);
    const missing = await cli(['group', 'invite', 'Film club'], as('alice'));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /EMAIL/);
  });

  test('removing a member rotates the key; those who stay still open the group', async () => {
    await run('alice', ['group', 'invite', 'Film club', 'carol@example.com']);
    await run('carol', ['group', 'accept', 'Film club']);
    const before = (await groupsOf('bob'))[0];
    const removed = await run<GroupJson>('alice', [
      'group',
      'remove',
      'Film club',
      'carol@example.com',
    ]);
    assert.ok(removed.value.keyVersion > (before?.keyVersion ?? 0));
    assert.deepEqual(states(removed.value), { bob: 'member' });
    assert.deepEqual(await groupsOf('carol'), []);
    const bobs = (await groupsOf('bob'))[0];
    assert.equal(bobs?.keyVersion, removed.value.keyVersion);
    assert.equal(bobs?.name, 'Film club');
  });

  test('a hub that replays an old roster or adds someone is caught by the clients', async () => {
    const current = String(
      (await hubSql(net, `select roster from groups where id = '${groupId}'`))[0]?.roster,
    );
    await hubSql(net, `update groups set roster = '${firstRoster}' where id = '${groupId}'`);
    try {
      // Bob accepted a newer roster already (after the removal): the first one is a rollback.
      const rolled = await cli(['groups'], as('bob'));
      assert.equal(rolled.code, 6, rolled.stderr);
      assert.match(rolled.stderr, /rolled back/);
    } finally {
      await hubSql(net, `update groups set roster = '${current}' where id = '${groupId}'`);
    }
    assert.equal((await groupsOf('bob')).length, 1, 'untampered, it opens again');

    // The hub lets dave in without the owner's roster naming him.
    await hubSql(
      net,
      `insert into group_members (group_id, account_id, state, invited_at) select '${groupId}', id, 'member', 0 from accounts where email = 'dave@example.com'`,
    );
    try {
      const added = await cli(['groups'], as('dave'));
      assert.equal(added.code, 6, added.stderr);
      assert.match(added.stderr, /does not name you/);
    } finally {
      await hubSql(
        net,
        `delete from group_members where group_id = '${groupId}' and state = 'member' and account_id in (select id from accounts where email = 'dave@example.com')`,
      );
    }
  });

  test('a member leaves; the next invitation drops them and a newcomer gets every key', async () => {
    await run('bob', ['group', 'leave', 'Film club']);
    assert.deepEqual(await groupsOf('bob'), []);
    assert.deepEqual(states((await groupsOf('alice'))[0]), { bob: 'left' });
    const before = (await groupsOf('alice'))[0]?.keyVersion ?? 0;
    const invited = await run<GroupJson>('alice', ['group', 'invite', groupId, 'dave@example.com']);
    assert.deepEqual(states(invited.value), { dave: 'invited' });
    assert.equal(invited.value.keyVersion, before + 1);
    const joined = await run<GroupJson>('dave', ['group', 'accept', 'Film club']);
    assert.equal(joined.value.name, 'Film club');
    const keys = await hubSql(
      net,
      `select k.key_version as key_version from group_keys k join accounts a on a.id = k.account_id where a.email = 'dave@example.com' and k.group_id = '${groupId}' order by k.key_version`,
    );
    assert.deepEqual(
      keys.map((k) => Number(k.key_version)),
      Array.from({ length: before + 1 }, (_, i) => i + 1),
    );
    const owner = await cli(['group', 'leave', 'Film club'], as('alice'));
    assert.equal(owner.code, 2, owner.stderr);
    assert.match(owner.stderr, /you own this group/);
  });

  test("a hub that names a member with another account's email cannot get the new key sealed to it", async () => {
    await run('alice', ['group', 'invite', 'Film club', 'carol@example.com']);
    await run('carol', ['group', 'accept', 'Film club']);
    const proxy = await startTamperProxy(net.hubUrl);
    try {
      const alice = await CofferClient.login({
        hubUrl: proxy.url,
        email: 'alice@example.com',
        password: 'pw',
      });
      // Carol stays; the hub says she is Bob (who left, and is one of Alice's contacts).
      proxy.rewrite = (path, method, json) => {
        if (path === '/api/groups' && method === 'GET') {
          for (const g of (json as { groups: { members: { email: string }[] }[] }).groups)
            for (const m of g.members)
              if (m.email === 'carol@example.com') m.email = 'bob@example.com';
        }
        return json;
      };
      const after = await alice.groups.remove('Film club', 'dave@example.com');
      assert.deepEqual(
        after.members.map((m) => m.email),
        ['carol@example.com'],
      );
      const sealedTo = await hubSql(
        net,
        `select a.email as email from group_keys k join accounts a on a.id = k.account_id where k.group_id = '${groupId}' and k.key_version = ${after.keyVersion}`,
      );
      assert.deepEqual(sealedTo.map((r) => r.email).sort(), [
        'alice@example.com',
        'carol@example.com',
      ]);
    } finally {
      await proxy.close();
    }
    assert.equal((await groupsOf('carol'))[0]?.name, 'Film club');
  });

  test('the owner ends the group for everyone', async () => {
    await run('alice', ['group', 'delete', 'Film club']);
    for (const who of ['alice', 'carol']) assert.deepEqual(await groupsOf(who), []);
    const gone = await cli(['group', 'members', 'Film club'], as('carol'));
    assert.equal(gone.code, 4, gone.stderr);
  });
});
