import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DecryptionError, IntegrityError } from '@coffer/errors';
import type { GroupCopyInfo } from '@coffer/protocol';
import { type CatalogEntry, CofferClient } from '@coffer/sdk';
import { noiseBytes } from '../src/files.ts';
import {
  cli,
  clientNetworkBytes,
  countingClientEnv,
  hubNetworkBytes,
  hubSql,
  type Network,
  onEachDatabase,
  type Proc,
  rejectsAfterLie,
  signedUpPeople,
  startNetwork,
  startTamperProxy,
  type TamperProxy,
} from '../src/index.ts';

// Copies from groups ([Note: Copies from groups] on the hub, [Note: Copies in the client]), on
// SQLite and PostgreSQL, with a hub, public hosts and personal servers: Alice keeps a film and
// small files on her own server and publishes them to a group. Bob copies the film to his
// personal server and Carol, who runs none, to the network's hosts; no content byte passes
// through the hub or their clients, and their copies outlive Alice's server. A hub that lies
// about the copy is caught, no response names another member's server, a removed member's
// copies stop, and the new routes refuse bad requests with a 4xx.

const MIB = 1024 * 1024;
const FILM = 40 * MIB;

interface Placed {
  id: string;
  hosts: { id: string; country: string }[];
}

onEachDatabase('copies from groups', (dialect) => {
  let net: Network;
  let people: Awaited<ReturnType<typeof signedUpPeople>>;
  let aliceClient: CofferClient;
  /** Every answer Bob gets from the hub passes through this proxy, which keeps them. */
  let bobProxy: TamperProxy;
  const bobSaw: string[] = [];
  let aliceServer: Proc;
  let aliceServerId = '';
  let bobServerId = '';
  let groupId = '';
  const film = () => join(net.dir, 'film.bin');

  const run = async <T>(who: string, args: string[], env?: Record<string, string>) => {
    const r = await cli([...args, '--json'], env ?? people.env(who));
    assert.equal(r.code, 0, `${who}: ${args.join(' ')}: ${r.stderr}`);
    return r.json<T>();
  };
  const operator = async <T>(path: string) => {
    const res = await fetch(`${net.hubUrl}${path}`, {
      headers: { authorization: `Bearer ${net.operatorToken}` },
    });
    assert.equal(res.status, 200, path);
    return (await res.json()) as T;
  };
  const placement = async (who: string, path: string) => {
    const { entries } = await run<{ entries: { id: string }[] }>(who, ['ls', path]);
    return (await operator<{ chunks: Placed[] }>(`/api/admin/placement/${entries[0]?.id}`)).chunks;
  };
  const claim = async (who: string, country: string) => {
    const host = await net.addHost(country, ['--personal']);
    const { hostId } = await run<{ hostId: string }>(who, ['host', 'claim', '--data', host.dir]);
    return { host, hostId };
  };

  before(async () => {
    net = await startNetwork({
      dialect,
      hosts: 3,
      countries: ['FR', 'DE', 'ES'],
      hubConfig: {
        placement: { replicas: 2 },
        vetting: { audits: 0, share: 1 },
        heartbeatMs: 200,
        copies: { intervalMs: 200, nudgeMs: 1_000 },
        // Nothing moves chunks behind the test's back.
        repair: { intervalMs: 3_600_000 },
        audit: { intervalMs: 3_600_000 },
      },
    });
    people = await signedUpPeople(net, ['alice', 'bob', 'carol']);
    bobProxy = await startTamperProxy(net.hubUrl);
    const keep = bobProxy.rewrite;
    assert.equal(keep, null);
    ({ host: aliceServer, hostId: aliceServerId } = await claim('alice', 'NL'));
    ({ hostId: bobServerId } = await claim('bob', 'BE'));
    groupId = await people.formGroup('alice', 'Film club', ['bob', 'carol']);

    await run('alice', ['mkdir', '/Shelf']);
    await run('alice', ['policy', '/Shelf', '--on', 'personal']);
    await writeFile(film(), noiseBytes(FILM, 21));
    await run('alice', ['put', film(), '/Shelf/The Film (1967).bin']);
    const small = join(net.dir, 'small');
    await mkdir(small, { recursive: true });
    for (let i = 0; i < 20; i++) await writeFile(join(small, `clip ${i}.txt`), `clip ${i}\n`);
    await run('alice', ['put', small, '/Shelf/small']);
    aliceClient = await CofferClient.login({
      hubUrl: net.hubUrl,
      email: 'alice@example.com',
      password: 'pw',
    });
    await aliceClient.shelves.publish('/Shelf/The Film (1967).bin', 'Film club', {
      tags: ['noir'],
      note: 'Melville',
    });
    for (let i = 0; i < 20; i++)
      await aliceClient.shelves.publish(`/Shelf/small/clip ${i}.txt`, 'Film club');
  });
  after(async () => {
    await bobProxy?.close();
    await net?.close();
  });

  /** Bob's CLI, talking to the hub through the proxy that records what he is told. */
  const bobEnv = () => ({ ...people.env('bob'), COFFER_HUB: bobProxy.url });

  test('the published files are on Alice’s server alone', async () => {
    for (const path of ['/Shelf/The Film (1967).bin', '/Shelf/small/clip 3.txt']) {
      for (const c of await placement('alice', path))
        assert.deepEqual(
          c.hosts.map((h) => h.id),
          [aliceServerId],
          path,
        );
    }
  });

  test('Bob searches the catalog and copies the film to his server: no content through the hub or his client', async () => {
    bobProxy.rewrite = (_path, _method, json) => {
      bobSaw.push(JSON.stringify(json));
      return json;
    };
    const { entries } = await run<{ entries: CatalogEntry[] }>(
      'bob',
      ['catalog', '--search', 'film', '--kind', 'other'],
      bobEnv(),
    );
    assert.deepEqual(
      entries.map((e) => e.name),
      ['The Film (1967).bin'],
    );
    const hubBefore = await hubNetworkBytes(net);
    const counted = countingClientEnv(bobEnv(), net.dir, 'bob-copy');
    const copied = await run<{ path: string; copied: number; size: number }>(
      'bob',
      ['copy', 'Film club:The Film (1967).bin'],
      counted.env,
    );
    const hubMoved = (await hubNetworkBytes(net)) - hubBefore;
    const client = await clientNetworkBytes(counted.file);
    console.log(
      `bob's copy of ${FILM} bytes: ${copied.copied} copied host to host; the hub moved ${hubMoved} bytes, bob's client ${client.read + client.written} over ${client.connections} connections`,
    );
    assert.equal(copied.path, '/Groups/Film club/The Film (1967).bin');
    assert.equal(copied.size, FILM);
    assert.ok(copied.copied >= FILM, `copied ${copied.copied}`);
    assert.ok(client.connections > 0, 'the byte counter saw the client’s connections');
    assert.ok(hubMoved < FILM / 20, `the hub moved ${hubMoved} bytes`);
    assert.ok(client.read + client.written < FILM / 20, `bob's client moved ${client.read}`);
    // Kept where Bob's folder says: his own server (which Alice's never counted for).
    for (const c of await placement('bob', copied.path))
      assert.ok(
        c.hosts.some((h) => h.id === bobServerId),
        `chunk ${c.id} is not on bob's server`,
      );
    const policy = await run<{ effective: { on?: string } }>('bob', [
      'policy',
      '/Groups/Film club',
    ]);
    assert.equal(policy.effective.on, 'personal');
  });

  test('with Alice’s server off, Bob reads the film byte for byte from his own', async () => {
    await aliceServer.kill();
    try {
      const out = join(net.dir, 'bob-film.bin');
      await run('bob', ['get', '/Groups/Film club/The Film (1967).bin', out], bobEnv());
      assert.deepEqual(await readFile(out), await readFile(film()));
    } finally {
      await aliceServer.restart();
    }
  });

  test('Carol, with no server of her own, copies to the network’s hosts, and on to this machine', async () => {
    const counted = countingClientEnv(people.env('carol'), net.dir, 'carol-copy');
    const hubBefore = await hubNetworkBytes(net);
    const copied = await run<{ path: string; copied: number }>(
      'carol',
      ['copy', 'The Film (1967).bin', '--to', '/'],
      counted.env,
    );
    const hubMoved = (await hubNetworkBytes(net)) - hubBefore;
    const client = await clientNetworkBytes(counted.file);
    assert.equal(copied.path, '/The Film (1967).bin');
    assert.ok(hubMoved < FILM / 20, `the hub moved ${hubMoved} bytes`);
    assert.ok(client.read + client.written < FILM / 20, `carol's client moved ${client.read}`);
    for (const c of await placement('carol', copied.path)) {
      const network = c.hosts.filter((h) => h.id !== aliceServerId && h.id !== bobServerId);
      assert.equal(network.length, 2, `chunk ${c.id}`);
      assert.equal(new Set(network.map((h) => h.country)).size, 2);
    }
    // A small one too, straight on to a local file.
    const local = join(net.dir, 'carol-clip.txt');
    await run('carol', ['copy', 'clip 7.txt', local]);
    assert.equal(await readFile(local, 'utf8'), 'clip 7\n');
    await aliceServer.kill();
    try {
      const out = join(net.dir, 'carol-film.bin');
      await run('carol', ['get', '/The Film (1967).bin', out]);
      assert.deepEqual(await readFile(out), await readFile(film()));
    } finally {
      await aliceServer.restart();
    }
  });

  test('a hub that serves another manifest, file or chunk list for a copy is caught', async () => {
    const bob = await CofferClient.login({
      hubUrl: bobProxy.url,
      email: 'bob@example.com',
      password: 'pw',
    });
    const record = () => {
      bobProxy.rewrite = (_path, _method, json) => {
        bobSaw.push(JSON.stringify(json));
        return json;
      };
    };
    const catalog = await bob.shelves.catalog('Film club');
    // Untampered first: the copy goes through.
    const done = await bob.copies.copy(catalog.item('clip 1.txt'), { to: '/', pollMs: 100 });
    assert.equal(done.path, '/clip 1.txt');
    const root = (await bob.resolve('/')).info.id;
    // Small files share packs: the film's answer is another file's in every part.
    const other = catalog.item('The Film (1967).bin');
    const otherInfo = await bob.hub.call('copyShelfEntry', {
      params: { id: other.groupId, entryId: other.entryId },
      body: { folderId: root },
    });
    await bob.copies.cancel(otherInfo.copyId);
    const target = catalog.item('clip 5.txt');
    const lies: [
      string,
      (i: GroupCopyInfo) => void,
      typeof IntegrityError | typeof DecryptionError,
      RegExp,
    ][] = [
      [
        'another entry’s manifest',
        (i) => {
          i.manifest = otherInfo.manifest;
        },
        DecryptionError,
        /does not open with the entry's key/,
      ],
      [
        'another file',
        (i) => {
          i.file = otherInfo.file;
        },
        IntegrityError,
        /copies another file than the entry offers/,
      ],
      [
        'other chunks',
        (i) => {
          i.chunks = otherInfo.chunks;
        },
        IntegrityError,
        /copies other chunks than the manifest lists/,
      ],
    ];
    for (const [what, change, type, message] of lies) {
      bobProxy.rewrite = (path, method, json) => {
        if (method === 'POST' && path.endsWith('/copies')) {
          change(json as GroupCopyInfo);
        }
        return json;
      };
      await rejectsAfterLie(
        bobProxy,
        bob.copies.copy(target, { to: '/', pollMs: 100 }),
        [type],
        message,
      ).catch((e: unknown) => {
        throw new Error(`${what}: ${(e as Error).message}`);
      });
      for (const c of await bob.copies.list()) await bob.copies.cancel(c.copyId);
    }
    record();
  });

  test('no answer to Bob names Alice’s server: its URL, id or key', async () => {
    const rows = await hubSql(
      net,
      `select id, url, public_key from hosts where id = '${aliceServerId}'`,
    );
    const server = rows[0] as { id: string; url: string; public_key: string } | undefined;
    assert.ok(server);
    assert.ok(bobSaw.length > 10, `only ${bobSaw.length} answers recorded`);
    const all = bobSaw.join('\n');
    for (const secret of [server.url, new URL(server.url).host, server.id, server.public_key])
      assert.ok(!all.includes(secret), `an answer to bob contains ${secret}`);
  });

  test('Bob cannot order a copy onto Alice’s server, nor copy his own entries', async () => {
    const bob = await CofferClient.login({
      hubUrl: net.hubUrl,
      email: 'bob@example.com',
      password: 'pw',
    });
    const aliceRoot = (await aliceClient.resolve('/Shelf')).info.id;
    const entry = (await bob.shelves.catalog('Film club')).item('clip 3.txt');
    await assert.rejects(
      bob.hub.call('copyShelfEntry', {
        params: { id: groupId, entryId: entry.entryId },
        body: { folderId: aliceRoot },
      }),
      { name: 'NotFoundError', message: /^folderId: you have no such folder/ },
    );
    await bob.upload('/mine.txt', new TextEncoder().encode('mine'));
    const mine = await bob.shelves.publish('/mine.txt', 'Film club');
    await assert.rejects(bob.copies.copy(mine), { name: 'ValidationError', message: /^item:/ });
    const root = (await bob.resolve('/')).info.id;
    await assert.rejects(
      bob.hub.call('copyShelfEntry', {
        params: { id: groupId, entryId: mine.entryId },
        body: { folderId: root },
      }),
      { name: 'ValidationError', message: /^entryId: is on your own shelf/ },
    );
    await assert.rejects(bob.hub.call('groupCopy', { params: { id: '0'.repeat(32) } }), {
      name: 'NotFoundError',
      message: /^id: no such copy/,
    });
  });

  test('an interrupted copy resumes where it stopped when asked again', async () => {
    await writeFile(join(net.dir, 'resume.bin'), noiseBytes(3 * MIB, 29));
    await run('alice', ['put', join(net.dir, 'resume.bin'), '/Shelf/resume.bin']);
    await aliceClient.shelves.publish('/Shelf/resume.bin', 'Film club');
    const bob = await CofferClient.login({
      hubUrl: net.hubUrl,
      email: 'bob@example.com',
      password: 'pw',
    });
    // Alice's server is off: the copy waits, and Bob stops waiting for it.
    await aliceServer.kill();
    let pending: GroupCopyInfo | undefined;
    try {
      const entry = (await bob.shelves.catalog('Film club')).item('resume.bin');
      const ac = new AbortController();
      await assert.rejects(
        bob.copies.copy(entry, {
          signal: ac.signal,
          onProgress: () => ac.abort(new Error('later')),
        }),
        /later/,
      );
      [pending] = await bob.copies.list();
      assert.equal(pending?.state, 'copying');
    } finally {
      await aliceServer.restart();
    }
    const done = await run<{ path: string; copied: number }>('bob', ['copy', 'resume.bin']);
    assert.equal(done.path, '/Groups/Film club/resume.bin');
    assert.deepEqual(await bob.copies.list(), [], 'the copy asked again was the same one');
    const out = join(net.dir, 'bob-resume.bin');
    await run('bob', ['get', done.path, out]);
    assert.deepEqual(await readFile(out), await readFile(join(net.dir, 'resume.bin')));
  });

  test('removal: Alice removes Carol, and Carol’s unfinished copy stops', async () => {
    const carol = await CofferClient.login({
      hubUrl: net.hubUrl,
      email: 'carol@example.com',
      password: 'pw',
    });
    await writeFile(join(net.dir, 'late.bin'), noiseBytes(3 * MIB, 23));
    await run('alice', ['put', join(net.dir, 'late.bin'), '/Shelf/late.bin']);
    await aliceClient.shelves.publish('/Shelf/late.bin', 'Film club');
    // With Alice's server off the copy cannot progress: it is unfinished when she removes Carol.
    await aliceServer.kill();
    let copyId = '';
    try {
      const entry = (await carol.shelves.catalog('Film club')).item('late.bin');
      const ac = new AbortController();
      await assert.rejects(
        carol.copies.copy(entry, {
          to: '/',
          signal: ac.signal,
          onProgress: () => ac.abort(new Error('stop waiting')),
        }),
        /stop waiting/,
      );
      const [pending] = await carol.copies.list();
      assert.ok(pending);
      assert.equal(pending.state, 'copying');
      copyId = pending.copyId;
      const jobs = await hubSql(
        net,
        `select state from copy_jobs where destination_id <> '${aliceServerId}' and state = 'running'`,
      );
      assert.ok(jobs.length > 0, 'a job is waiting for alice’s server');
      await run('alice', ['group', 'remove', 'Film club', 'carol@example.com']);
      await assert.rejects(carol.hub.call('groupCopy', { params: { id: copyId } }), {
        name: 'NotFoundError',
      });
      const running = await hubSql(
        net,
        `select count(*) as n from copy_jobs where state = 'running'`,
      );
      assert.equal(Number(running[0]?.n), 0);
    } finally {
      await aliceServer.restart();
    }
  });
  test('a copy outlives the original: Alice deletes hers for good, Bob’s still reads', async () => {
    await run('alice', ['rm', '/Shelf/The Film (1967).bin']);
    await run('alice', ['trash', 'purge', 'The Film (1967).bin']);
    const out = join(net.dir, 'bob-film-again.bin');
    await run('bob', ['get', '/Groups/Film club/The Film (1967).bin', out]);
    assert.deepEqual(await readFile(out), await readFile(film()));
  });
});
