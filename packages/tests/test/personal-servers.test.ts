import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { noiseBytes } from '../src/files.ts';
import { cli, type Network, onEachDatabase, startNetwork, until } from '../src/index.ts';

// Personal servers ([Note: Personal servers] in the hub), on SQLite and PostgreSQL: a host
// started with --personal and claimed takes only its owner's data, for the folders the owner
// keeps on it (coffer policy PATH --on personal|both); the public pool never reaches it, a
// single copy is warned about, and repair keeps the data where the policy says, moving it
// only when the policy changes.

const MIB = 1024 * 1024;

interface Placed {
  id: string;
  hosts: { id: string; country: string }[];
}

onEachDatabase('personal servers', (dialect) => {
  let net: Network;
  let alice: Record<string, string>;
  let bob: Record<string, string>;
  /** Alice's personal servers, by host id. */
  const personal: string[] = [];

  before(async () => {
    net = await startNetwork({
      dialect,
      hosts: 3,
      countries: ['FR', 'DE', 'ES'],
      hubConfig: {
        placement: { replicas: 2 },
        repair: { intervalMs: 300, lostAfterMs: 60_000 },
        audit: { intervalMs: 400 },
        vetting: { audits: 0, share: 1 },
        heartbeatMs: 200,
      },
    });
    alice = { ...net.env, COFFER_PASSWORD: 'pw' };
    bob = { ...net.env, COFFER_PASSWORD: 'pw', COFFER_CONFIG_DIR: join(net.dir, 'bob-config') };
    for (const [env, email] of [
      [alice, 'alice@example.com'],
      [bob, 'bob@example.com'],
    ] as const) {
      assert.equal((await cli(['signup', email], env)).code, 0);
    }
  });
  after(() => net?.close());

  const run = async <T>(args: string[], env: Record<string, string>) => {
    const r = await cli([...args, '--json'], env);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    return { ...r, value: r.json<T>() };
  };

  const placement = async (env: Record<string, string>, path: string): Promise<Placed[]> => {
    const { value } = await run<{ entries: { id: string }[] }>(['ls', path], env);
    const res = await fetch(`${net.hubUrl}/api/admin/placement/${value.entries[0]?.id}`, {
      headers: { authorization: `Bearer ${net.operatorToken}` },
    });
    assert.equal(res.status, 200);
    return ((await res.json()) as { chunks: Placed[] }).chunks;
  };

  /** Every chunk of the file is exactly on `hosts` (personal) plus `publicCopies` others. */
  const placedOn = async (
    env: Record<string, string>,
    path: string,
    want: { personal: readonly string[]; publicCopies: number },
  ) => {
    for (const c of await placement(env, path)) {
      const ids = c.hosts.map((h) => h.id);
      const mine = ids.filter((id) => personal.includes(id)).sort();
      const others = c.hosts.filter((h) => !personal.includes(h.id));
      if (mine.join() !== [...want.personal].sort().join()) return false;
      if (others.length !== want.publicCopies) return false;
      if (new Set(others.map((h) => h.country)).size !== others.length) return false;
    }
    return true;
  };

  const repairRounds = async (n: number) => {
    const seen = new Set<number>();
    await until(`${n} more repair rounds`, async () => {
      const res = await fetch(`${net.hubUrl}/api/admin/stats`, {
        headers: { authorization: `Bearer ${net.operatorToken}` },
      });
      const at = ((await res.json()) as { repair: { lastRoundAt: number | null } }).repair
        .lastRoundAt;
      if (at !== null) seen.add(at);
      return seen.size > n;
    });
  };

  const addPersonalServer = async (country: string) => {
    const host = await net.addHost(country, ['--personal']);
    const claimed = await run<{ hostId: string }>(['host', 'claim', '--data', host.dir], alice);
    personal.push(claimed.value.hostId);
    return claimed.value.hostId;
  };

  test('a folder cannot be kept on personal servers one does not have', async () => {
    await run(['mkdir', '/Movies'], alice);
    const r = await cli(['policy', '/Movies', '--on', 'personal'], alice);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /policy\.on.*no personal server.*--personal/);
    const bad = await cli(['policy', '/Movies', '--on', 'home'], alice);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /--on: expected network, personal or both/);
  });

  test('an unclaimed personal server takes nothing; once claimed it shows as personal', async () => {
    const host = await net.addHost('NL', ['--personal']);
    await writeFile(join(net.dir, 'bob-early.bin'), noiseBytes(12 * MIB, 3));
    await run(['put', join(net.dir, 'bob-early.bin'), '/early.bin'], bob);
    const claimed = await run<{ hostId: string }>(['host', 'claim', '--data', host.dir], alice);
    personal.push(claimed.value.hostId);
    assert.ok(await placedOn(bob, '/early.bin', { personal: [], publicCopies: 2 }));
    const mine = await cli(['hosts'], alice);
    assert.equal(mine.code, 0, mine.stderr);
    assert.match(mine.stdout, new RegExp(`${claimed.value.hostId}\\s+NL\\s+personal`));
    const listed = await run<{ hosts: { id: string; personal: boolean }[] }>(['hosts'], alice);
    assert.deepEqual(
      listed.value.hosts.map((h) => [h.id, h.personal]),
      [[claimed.value.hostId, true]],
    );
  });

  test('on personal: the files live on that server alone, with a warning about the single copy', async () => {
    const set = await cli(['policy', '/Movies', '--on', 'personal', '--json'], alice);
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stderr, /warning: \/Movies is kept on one personal server alone/);
    assert.match(set.stderr, /--on both/);
    const answer = set.json<{
      effective: { on?: string };
      personalServers: number;
      warning?: string;
    }>();
    assert.equal(answer.effective.on, 'personal');
    assert.equal(answer.personalServers, 1);
    assert.match(answer.warning ?? '', /single copy/);

    const movie = join(net.dir, 'movie.bin');
    await writeFile(movie, noiseBytes(6 * MIB, 7));
    await writeFile(join(net.dir, 'notes.txt'), 'a small file, packed');
    await run(['put', movie, '/Movies/'], alice);
    await run(['put', join(net.dir, 'notes.txt'), '/Movies/'], alice);
    await run(['put', join(net.dir, 'notes.txt'), '/Docs/'], alice);
    for (const path of ['/Movies/movie.bin', '/Movies/notes.txt']) {
      assert.ok(await placedOn(alice, path, { personal, publicCopies: 0 }), path);
    }
    assert.ok(await placedOn(alice, '/Docs/notes.txt', { personal: [], publicCopies: 2 }));

    // Bob's uploads never reach alice's server.
    await writeFile(join(net.dir, 'bob.bin'), noiseBytes(3 * MIB, 11));
    await run(['put', join(net.dir, 'bob.bin'), '/bob.bin'], bob);
    assert.ok(await placedOn(bob, '/bob.bin', { personal: [], publicCopies: 2 }));

    // Repair leaves the single copy where the policy keeps it, and audits reach the server.
    await repairRounds(3);
    assert.ok(await placedOn(alice, '/Movies/movie.bin', { personal, publicCopies: 0 }));
    await until('an audit of the personal server', async () => {
      const { value } = await run<{ hosts: { audits: { passed: number } }[] }>(['hosts'], alice);
      return (value.hosts[0]?.audits.passed ?? 0) > 0;
    });
    const out = join(net.dir, 'movie.out');
    await run(['get', '/Movies/movie.bin', out], alice);
    assert.deepEqual(await readFile(out), await readFile(movie));
  });

  test('a second personal server gets a copy of everything kept on them; the warning goes', async () => {
    await addPersonalServer('BE');
    await until('repair copies the folder to the second server', () =>
      placedOn(alice, '/Movies/movie.bin', { personal, publicCopies: 0 }),
    );
    assert.ok(await placedOn(alice, '/Movies/notes.txt', { personal, publicCopies: 0 }));
    const shown = await cli(['policy', '/Movies', '--json'], alice);
    assert.equal(shown.code, 0, shown.stderr);
    assert.doesNotMatch(shown.stderr, /warning/);
    assert.equal(shown.json<{ personalServers: number }>().personalServers, 2);
  });

  test('on both, then back to the network: repair moves copies only as the policy says', async () => {
    await run(['policy', '/Movies', '--on', 'both'], alice);
    await until('repair adds network copies in two countries', () =>
      placedOn(alice, '/Movies/movie.bin', { personal, publicCopies: 2 }),
    );
    await run(['policy', '/Movies', '--clear'], alice);
    await until('repair moves the files off the personal servers', () =>
      placedOn(alice, '/Movies/movie.bin', { personal: [], publicCopies: 2 }),
    );
    assert.ok(await placedOn(alice, '/Movies/notes.txt', { personal: [], publicCopies: 2 }));
    const out = join(net.dir, 'movie.again');
    await run(['get', '/Movies/movie.bin', out], alice);
    assert.deepEqual(await readFile(out), await readFile(join(net.dir, 'movie.bin')));
  });
});
