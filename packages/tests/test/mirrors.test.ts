import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { MirrorInfo } from '@coffer/protocol';
import { CofferClient } from '@coffer/sdk';
import { noiseBytes } from '../src/files.ts';
import {
  cli,
  hubSql,
  type Network,
  onEachDatabase,
  type Proc,
  signedUpPeople,
  startNetwork,
  until,
} from '../src/index.ts';

// Auto-mirror ([Note: Auto-mirror] on the hub), on SQLite and PostgreSQL: Alice keeps her files
// on her personal server and publishes them to a group one by one; Bob, who runs a server too,
// subscribes with a budget of 10 MiB, and each file lands on his server with no action from
// him. When the budget is full the oldest mirror he did not keep goes (its chunks leave his
// server), the one he kept (copied into his tree) stays; a mirror resumes after his server was
// away; unsubscribing evicts; and bad subscriptions get clear errors.

const MIB = 1024 * 1024;
const GROUP = 'Mirror club';

onEachDatabase('auto-mirror', (dialect) => {
  let net: Network;
  let people: Awaited<ReturnType<typeof signedUpPeople>>;
  let alice: CofferClient;
  let bob: CofferClient;
  let bobServer: Proc;
  let bobServerId = '';
  /** Entry id of each published file, by name. */
  const entries = new Map<string, string>();

  const run = async <T>(who: string, args: string[]) => {
    const r = await cli([...args, '--json'], people.env(who));
    assert.equal(r.code, 0, `${who}: ${args.join(' ')}: ${r.stderr}`);
    return r.json<T>();
  };
  const fails = async (who: string, args: string[], message: RegExp) => {
    const r = await cli([...args, '--json'], people.env(who));
    assert.notEqual(r.code, 0, `${who}: ${args.join(' ')} succeeded`);
    assert.match(r.stderr, message, `${who}: ${args.join(' ')}`);
  };
  const claim = async (who: string, country: string) => {
    const host = await net.addHost(country, ['--personal']);
    const { hostId } = await run<{ hostId: string }>(who, ['host', 'claim', '--data', host.dir]);
    return { host, hostId };
  };
  /** The chunk ids of one of Alice's files. */
  const chunksOf = async (name: string) => {
    const { entries: ls } = await run<{ entries: { id: string }[] }>('alice', [
      'ls',
      `/Shelf/${name}`,
    ]);
    const res = await fetch(`${net.hubUrl}/api/admin/placement/${ls[0]?.id}`, {
      headers: { authorization: `Bearer ${net.operatorToken}` },
    });
    assert.equal(res.status, 200);
    const { chunks } = (await res.json()) as { chunks: { id: string }[] };
    assert.ok(chunks.length > 0);
    return chunks.map((c) => c.id);
  };
  /** How many of the file's chunks the hub records on Bob's server. */
  const onBobServer = async (name: string) => {
    const ids = await chunksOf(name);
    const rows = await hubSql(
      net,
      `select chunk_id from chunk_replicas where host_id = '${bobServerId}' and chunk_id in (${ids.map((i) => `'${i}'`).join(', ')})`,
    );
    return { held: rows.length, of: ids.length };
  };
  const mirrorOf = async (name: string): Promise<MirrorInfo | undefined> =>
    (await bob.mirrors.list()).find((m) => m.entryId === entries.get(name));
  const publish = async (name: string, seed: number) => {
    const local = join(net.dir, name);
    await writeFile(local, noiseBytes(4 * MIB, seed));
    await run('alice', ['put', local, `/Shelf/${name}`]);
    entries.set(name, (await alice.shelves.publish(`/Shelf/${name}`, GROUP)).entryId);
  };
  const mirrored = async (name: string) => {
    await until(
      `${name} mirrored to bob's server`,
      async () => (await mirrorOf(name))?.state === 'ready',
      180_000,
    );
    const { held, of } = await onBobServer(name);
    assert.equal(held, of, `${name}: ${held} of ${of} chunks on bob's server`);
  };

  before(async () => {
    net = await startNetwork({
      dialect,
      hosts: 2,
      countries: ['FR', 'DE'],
      hubConfig: {
        placement: { replicas: 2 },
        vetting: { audits: 0, share: 1 },
        heartbeatMs: 200,
        copies: { intervalMs: 200, nudgeMs: 1_000 },
        mirrors: { intervalMs: 200 },
        // Nothing moves chunks behind the test's back.
        repair: { intervalMs: 3_600_000 },
        audit: { intervalMs: 3_600_000 },
      },
    });
    people = await signedUpPeople(net, ['alice', 'bob', 'carol']);
    await claim('alice', 'NL');
    ({ host: bobServer, hostId: bobServerId } = await claim('bob', 'BE'));
    await people.formGroup('alice', GROUP, ['bob', 'carol']);
    await run('alice', ['mkdir', '/Shelf']);
    await run('alice', ['policy', '/Shelf', '--on', 'personal']);
    const login = (who: string) =>
      CofferClient.login({ hubUrl: net.hubUrl, email: `${who}@example.com`, password: 'pw' });
    alice = await login('alice');
    bob = await login('bob');
  });
  after(async () => {
    await net?.close();
  });

  test('bad subscriptions get clear errors', async () => {
    await fails(
      'bob',
      ['subscribe', GROUP, '--budget', '0'],
      /--budget: expected at least one byte/,
    );
    await fails('bob', ['subscribe', GROUP, '--budget', 'lots'], /--budget: expected a size/);
    await fails('bob', ['subscribe', GROUP], /--budget:/);
    await fails(
      'carol',
      ['subscribe', GROUP, '--budget', '1GiB'],
      /subscribe needs a personal server of yours: coffer host --personal, then coffer host claim/,
    );
    await fails(
      'bob',
      ['subscribe', GROUP, '--budget', '1GiB', '--member', 'nobody@example.com'],
      /member: nobody@example.com is not a member/,
    );
    await assert.rejects(
      bob.hub.call('subscribe', {
        params: { id: (await bob.groups.get(GROUP)).id },
        body: { budget: 1, memberId: bob.keys.accountId },
      }),
      { name: 'ValidationError', message: /^memberId: is you/ },
    );
    await fails('bob', ['unsubscribe', GROUP], /no subscription/);
    assert.deepEqual(await bob.mirrors.subscriptions(), []);
  });

  test('Bob subscribes, and Alice’s new files land on his server with no action from him', async () => {
    const s = await run<{ budget: number; used: number }>('bob', [
      'subscribe',
      GROUP,
      '--budget',
      '10MiB',
      '--member',
      'alice@example.com',
    ]);
    assert.equal(s.budget, 10 * MIB);
    assert.equal(s.used, 0);
    await publish('one.bin', 31);
    await mirrored('one.bin');
    await publish('two.bin', 32);
    await mirrored('two.bin');
    const { subscriptions } = await run<{
      subscriptions: { used: number; budget: number; mirrors: MirrorInfo[] }[];
    }>('bob', ['subscriptions']);
    assert.equal(subscriptions.length, 1);
    assert.equal(subscriptions[0]?.mirrors.length, 2);
    assert.ok((subscriptions[0]?.used ?? 0) > 8 * MIB);
    assert.deepEqual(
      await bob.mirrors.onMyServer(),
      new Set([entries.get('one.bin'), entries.get('two.bin')]),
    );
    // The feed says so.
    const feed = await run<{ entries: { entryId: string; onMyServer: boolean }[] }>('bob', [
      'feed',
      '--peek',
    ]);
    const shown = new Map(feed.entries.map((e) => [e.entryId, e.onMyServer]));
    assert.equal(shown.get(entries.get('one.bin') as string), true);
    assert.equal(shown.get(entries.get('two.bin') as string), true);
  });

  test('Bob keeps the oldest; when the budget is full the oldest he did not keep goes', async () => {
    const copied = await run<{ copied: number; path: string }>('bob', ['copy', `${GROUP}:one.bin`]);
    assert.equal(copied.copied, 0, 'the mirror made the copy instant');
    await until('one.bin kept', async () => (await mirrorOf('one.bin'))?.kept);
    await publish('three.bin', 33);
    await mirrored('three.bin');
    assert.equal((await mirrorOf('two.bin'))?.state, 'ready', 'room for three without evicting');
    await publish('four.bin', 34);
    await mirrored('four.bin');
    assert.equal((await mirrorOf('two.bin'))?.state, 'evicted');
    assert.equal((await onBobServer('two.bin')).held, 0, "two.bin's chunks left bob's server");
    const one = await mirrorOf('one.bin');
    assert.equal(one?.state, 'ready');
    const kept = await onBobServer('one.bin');
    assert.equal(kept.held, kept.of, 'the kept one stays');
    const [s] = await bob.mirrors.subscriptions();
    assert.ok(s && s.used <= s.budget, `used ${s?.used} of ${s?.budget}`);
  });

  test('a mirror resumes after Bob’s server was away', async () => {
    await bobServer.kill();
    try {
      await publish('five.bin', 35);
      const m = await until('five.bin mirror started', () => mirrorOf('five.bin'));
      assert.equal(m.state, 'copying');
    } finally {
      await bobServer.restart();
    }
    await mirrored('five.bin');
  });

  test('unsubscribing evicts what Bob did not keep', async () => {
    await run('bob', ['unsubscribe', GROUP, '--member', 'alice@example.com']);
    assert.deepEqual(await bob.mirrors.subscriptions(), []);
    assert.deepEqual(await bob.mirrors.list(), []);
    for (const name of ['four.bin', 'five.bin'])
      await until(
        `${name} gone from bob's server`,
        async () => (await onBobServer(name)).held === 0,
      );
    const kept = await onBobServer('one.bin');
    assert.equal(kept.held, kept.of, 'his own copy stays');
  });

  test('removal: Alice removes Bob, and his subscription and mirrors end', async () => {
    await run('bob', ['subscribe', GROUP, '--budget', '10MiB']);
    await publish('six.bin', 36);
    await mirrored('six.bin');
    await run('alice', ['group', 'remove', GROUP, 'bob@example.com']);
    const left = await hubSql(
      net,
      `select (select count(*) from subscriptions) as subs, (select count(*) from mirrors) as mirrors`,
    );
    assert.deepEqual(
      left.map((r) => [Number(r.subs), Number(r.mirrors)]),
      [[0, 0]],
    );
    await until(
      `six.bin gone from bob's server`,
      async () => (await onBobServer('six.bin')).held === 0,
    );
  });
});
