import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CofferClient } from '@coffer/sdk';
import { noiseBytes, sameFile, treeOf, writeRandomFile } from '../src/files.ts';
import {
  accountingDrift,
  cli,
  type Network,
  onEachDatabase,
  quickCleanup,
  replicasOf,
  startNetwork,
  until,
} from '../src/index.ts';
import { COFFER } from '../src/network.ts';

// A kill -9 storm: `coffer put TREE /storm` runs while the CLI, a host or the hub is killed,
// round after round, and each interrupted run is run again with the same arguments. At the
// end every file is there once, byte-identical, with one revision, on 2 hosts in 2 countries,
// and the hosts hold exactly what the hub records ([Note: Copies that can be run again],
// [Note: Orphan sweep], [Note: Accounting]).
//
// Short settings so that what killed runs leave behind is reclaimed within the test: uploads
// expire 30 s after they were opened (a live one takes a few seconds; one that outlives this
// fails its run, which is then run again), hosts sweep every half second.

const KIB = 1024;
const MIB = 1024 * KIB;
const PASSWORD = 'storm-password';
const SMALL = 500;
const BIG = 3;
const ROUNDS = 9;
/** How far the hub's stored bytes grow in a round before the kill. */
const STEP = 2 * MIB;
/** Each host's limit, both ways. */
const BANDWIDTH = '2MiB';
const KINDS = ['cli', 'host', 'hub'] as const;
type Kind = (typeof KINDS)[number];

interface PutResult {
  files: number;
  uploaded: number;
  skipped: number;
  resumed: number;
}

/** A `coffer put` running in the background. */
interface Running {
  child: ChildProcess;
  exit: Promise<number | null>;
  done: boolean;
  stderr: string;
}

onEachDatabase('kill -9 storm', (dialect) => {
  let net: Network;
  let env: Record<string, string>;
  let src: string;
  let startedAt = 0;

  before(async () => {
    startedAt = Date.now();
    net = await startNetwork({
      dialect,
      hosts: 0,
      hubConfig: quickCleanup(30),
    });
    // Slow hosts, so that a run outlives a host or the hub going away and there is work left
    // for every round.
    for (const country of ['FR', 'DE', 'ES', 'BR', 'PT'])
      await net.addHost(country, ['--bandwidth', BANDWIDTH]);
    env = { ...net.env, COFFER_PASSWORD: PASSWORD };
    const r = await cli(['signup', 'storm@example.com'], env);
    assert.equal(r.code, 0, r.stderr);
    src = join(net.dir, 'tree');
    for (let i = 0; i < SMALL; i++) {
      const dir = join(src, `day-${i % 5}`, i % 2 ? 'raw' : '');
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, `p${i}.bin`), noiseBytes(KIB + ((i * 7919) % (19 * KIB)), i + 1));
    }
    for (let i = 0; i < BIG; i++) await writeRandomFile(join(src, `big-${i}.bin`), 20 * MIB, i + 1);
  });
  after(() => net?.close());

  const storedBytes = async () => {
    const res = await fetch(`${net.hubUrl}/api/admin/stats`, {
      headers: { authorization: `Bearer ${net.operatorToken}` },
    });
    if (!res.ok) throw new Error(`admin stats: ${res.status}`);
    return ((await res.json()) as { storedBytes: number }).storedBytes;
  };

  const startPut = (): Running => {
    const child = spawn(process.execPath, [COFFER, 'put', src, '/storm', '--json'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const run: Running = { child, exit: Promise.resolve(null), done: false, stderr: '' };
    child.stderr?.on('data', (d) => {
      run.stderr += d;
    });
    run.exit = new Promise((r) =>
      child.once('exit', (code) => {
        run.done = true;
        r(code);
      }),
    );
    return run;
  };

  const put = async () => {
    const r = await cli(['put', src, '/storm', '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    return r.json<PutResult>();
  };

  test('every file once, byte-identical, one revision, 2 countries; hosts hold what the hub records', async () => {
    const kills: Record<Kind, number> = { cli: 0, host: 0, hub: 0 };
    const exits: string[] = [];
    /** A run that ended on its own: with 0, or with an error message but never a crash. */
    const ended = async (run: Running) => {
      const code = await run.exit;
      exits.push(String(code));
      assert.doesNotMatch(run.stderr, /\n\s+at .+:\d+:\d+\)?\n/, 'a stack trace');
    };
    const phases: string[] = [];
    let phaseStart = startedAt;
    const phase = (name: string) => {
      phases.push(`${name} ${Math.round((Date.now() - phaseStart) / 1000)} s`);
      phaseStart = Date.now();
    };
    phase('setup');
    let running: Running | null = null;
    let rounds = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const run: Running = running ?? startPut();
      running = run;
      const base = await storedBytes();
      await until(
        `round ${round}: the upload makes progress`,
        async () => run.done || (await storedBytes()) - base >= STEP,
        120_000,
      );
      if (run.done) {
        await ended(run);
        running = null;
        continue;
      }
      rounds++;
      const kind = KINDS[round % KINDS.length] as Kind;
      kills[kind]++;
      if (kind === 'cli') {
        run.child.kill('SIGKILL');
        await run.exit;
        running = null;
        exits.push('killed');
      } else if (kind === 'host') {
        const host = net.hosts[round % net.hosts.length] as Network['hosts'][number];
        await host.kill();
        await host.restart();
      } else {
        await net.hub.kill();
        await net.hub.restart();
      }
      // The CLI rides out a host or the hub going away; if it gave up instead, run it again.
      if (run.done && running) {
        await ended(run);
        running = null;
      }
    }
    if (running) await ended(running);
    phase('storm');
    assert.ok(kills.cli > 0 && kills.host > 0 && kills.hub > 0, JSON.stringify(kills));

    const last = await put();
    assert.equal(last.files, SMALL + BIG);
    const again = await put();
    assert.deepEqual([again.uploaded, again.skipped], [0, SMALL + BIG]);
    phase('final runs');

    // Every file once, byte-identical, and nothing else: no nested /storm/tree.
    const out = join(net.dir, 'out');
    const got = await cli(['get', '/storm', out, '--json'], env);
    assert.equal(got.code, 0, got.stderr);
    const want = await treeOf(src);
    assert.deepEqual(await treeOf(out), want);
    const files = want.filter((p) => !p.endsWith('/'));
    assert.equal(files.length, SMALL + BIG);
    for (const f of files) assert.ok(await sameFile(join(src, f), join(out, f)), f);
    phase('get');

    // One revision each, and each file's chunks on 2 hosts in 2 countries.
    const client = await CofferClient.login({
      hubUrl: net.hubUrl,
      email: 'storm@example.com',
      password: PASSWORD,
    });
    const countryOf = new Map((await accountingDrift(net)).hosts.map((h) => [h.id, h.country]));
    for (const f of files) {
      const path = `/storm/${f}`;
      assert.equal((await client.versions(path)).length, 1, `${path}: revisions`);
      const byChunk = new Map<string, string[]>();
      for (const r of await replicasOf(client, path))
        byChunk.set(r.id, [...(byChunk.get(r.id) ?? []), r.hostId]);
      for (const [chunk, hosts] of byChunk) {
        const countries = new Set(hosts.map((h) => countryOf.get(h)));
        assert.equal(hosts.length, 2, `${path} ${chunk}: on ${hosts}`);
        assert.equal(countries.size, 2, `${path} ${chunk}: in ${[...countries]}`);
      }
    }

    phase('checks');
    // What killed runs left behind expires or is swept: hosts hold what the hub records.
    await until(
      'the hosts hold what the hub records',
      async () => {
        const d = await accountingDrift(net);
        if (!d.agree) throw new Error(JSON.stringify(d.hosts.filter((h) => !h.agree)));
        return true;
      },
      120_000,
    );
    const drift = await accountingDrift(net);
    phase('drift');
    console.log(
      `storm on ${dialect}: ${rounds} rounds; kills cli ${kills.cli}, host ${kills.host}, hub ${kills.hub}; ` +
        `runs that ended on their own: [${exits.join(', ')}]; ${files.length} files, 1 revision each, ` +
        `2 countries each; ${drift.hosts.length} hosts, drift 0; ${Math.round((Date.now() - startedAt) / 1000)} s (${phases.join(', ')})`,
    );
  });
});
