import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sameFile, treeOf, writeRandomFile } from '../src/files.ts';
import { cli, type Network, startNetwork, until } from '../src/index.ts';
import { COFFER } from '../src/network.ts';

// `coffer put` and `coffer get` run again complete what is missing: nothing is copied twice,
// no folder is nested, no file gets a second revision, and a transfer cut off by kill -9
// continues where it stopped ([Note: Copies that can be run again]).

const MIB = 1024 * 1024;
const PASSWORD = 'reruns-password';

interface PutResult {
  remote: string;
  files: number;
  uploaded: number;
  skipped: number;
  resumed: number;
  bytesSent: number;
  retries: { total: number; byKind: Record<string, number> };
}
interface GetResult {
  files: number;
  downloaded: number;
  skipped: number;
  resumed: number;
  retries: { total: number };
}

async function signedUp(net: Network, email: string) {
  const env = { ...net.env, COFFER_PASSWORD: PASSWORD };
  const r = await cli(['signup', email], env);
  assert.equal(r.code, 0, r.stderr);
  return env;
}

async function run<T>(args: string[], env: Record<string, string>): Promise<T> {
  const r = await cli([...args, '--json'], env);
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.json<T>();
}

describe('reruns of put and get', () => {
  let net: Network;
  let env: Record<string, string>;
  let src: string;
  const SMALL = 24;

  before(async () => {
    net = await startNetwork();
    env = await signedUp(net, 'reruns@example.com');
    src = join(net.dir, 'photos');
    for (let i = 0; i < SMALL; i++) {
      const dir = join(src, `day-${i % 3}`);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, `p${i}.txt`), `photo ${i} `.repeat(i + 1));
    }
    await writeRandomFile(join(src, 'big.bin'), 3 * MIB, 5);
  });
  after(() => net?.close());

  test('put DIR REMOTE twice: the second run uploads nothing, nests nothing, adds no revision', async () => {
    const first = await run<PutResult>(['put', src, '/photos'], env);
    assert.equal(first.files, SMALL + 1);
    assert.equal(first.uploaded, SMALL + 1);
    assert.equal(first.skipped, 0);
    assert.equal(first.retries.total, 0, JSON.stringify(first.retries));
    const again = await run<PutResult>(['put', src, '/photos'], env);
    assert.deepEqual(
      [again.uploaded, again.skipped, again.resumed, again.bytesSent],
      [0, SMALL + 1, 0, 0],
    );
    assert.equal(again.remote, '/photos');
    const ls = await run<{ entries: { name: string }[] }>(['ls', '/photos'], env);
    assert.deepEqual(ls.entries.map((e) => e.name).sort(), ['big.bin', 'day-0', 'day-1', 'day-2']);
    for (const path of ['/photos/big.bin', '/photos/day-1/p4.txt']) {
      const v = await run<{ versions: unknown[] }>(['versions', path], env);
      assert.equal(v.versions.length, 1, path);
    }
  });

  test('put DIR with no REMOTE goes to /NAME, the same on every run', async () => {
    const first = await run<PutResult>(['put', src], env);
    assert.equal(first.remote, '/photos');
    assert.equal(first.uploaded, 0);
    assert.equal(first.skipped, SMALL + 1);
  });

  test('a touched file is compared by content; an edited one gets one new revision', async () => {
    const touched = join(src, 'day-0', 'p0.txt');
    const later = new Date(Date.now() + 60_000);
    await utimes(touched, later, later);
    const same = await run<PutResult>(['put', src, '/photos'], env);
    assert.equal(same.uploaded, 0);
    assert.equal(same.skipped, SMALL + 1);
    await writeFile(join(src, 'day-1', 'p1.txt'), 'edited');
    const edited = await run<PutResult>(['put', src, '/photos'], env);
    assert.equal(edited.uploaded, 1);
    assert.equal(edited.skipped, SMALL);
    const v = await run<{ versions: unknown[] }>(['versions', '/photos/day-1/p1.txt'], env);
    assert.equal(v.versions.length, 2);
  });

  test('put FILE: into a folder, or to a path; run again, skipped', async () => {
    const file = join(src, 'day-2', 'p2.txt');
    const into = await run<PutResult>(['put', file, '/photos/day-0'], env);
    assert.equal(into.remote, '/photos/day-0/p2.txt');
    const to = await run<PutResult>(['put', file, '/single.txt'], env);
    assert.equal(to.remote, '/single.txt');
    const again = await run<PutResult>(['put', file, '/single.txt'], env);
    assert.deepEqual([again.uploaded, again.skipped], [0, 1]);
  });

  test('get REMOTE LOCAL twice: the contents come down once, with their times; no nesting', async () => {
    const out = join(net.dir, 'out');
    const first = await run<GetResult>(['get', '/photos', out], env);
    assert.equal(first.downloaded, SMALL + 2);
    assert.equal(typeof first.retries.total, 'number');
    const again = await run<GetResult>(['get', '/photos', out], env);
    assert.deepEqual([again.downloaded, again.skipped, again.resumed], [0, SMALL + 2, 0]);
    assert.ok(!(await treeOf(out)).some((p) => p.startsWith('photos')), 'nested');
    assert.ok(await sameFile(join(src, 'big.bin'), join(out, 'big.bin')));
    const [a, b] = await Promise.all([stat(join(src, 'big.bin')), stat(join(out, 'big.bin'))]);
    assert.equal(Math.floor(b.mtimeMs), Math.floor(a.mtimeMs));
  });

  test('get never replaces a local file that differs unless --force; the rate reads as a person would', async () => {
    const out = join(net.dir, 'out');
    const mine = join(out, 'day-1', 'p1.txt');
    await writeFile(mine, 'my own edit\n');
    const r = await cli(['get', '/photos', out], env);
    assert.notEqual(r.code, 0);
    assert.match(
      r.stderr,
      /LOCAL: .*p1\.txt exists and differs from what would come down; nothing was fetched\. --force replaces it/,
    );
    assert.equal(await readFile(mine, 'utf8'), 'my own edit\n');

    const forced = await cli(['get', '/photos', out, '--force'], env);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(
      await readFile(mine, 'utf8'),
      await readFile(join(src, 'day-1', 'p1.txt'), 'utf8'),
    );
    // "Fetched 1 file (20 B) … in 0.3 s, 66 B/s": a whole number of bytes a second.
    assert.match(forced.stderr + forced.stdout, /, \d+(\.\d)? (B|KiB|MiB)\/s/);
    assert.doesNotMatch(forced.stderr + forced.stdout, /\d\.\d{2,} B\/s/);
  });
});

describe('a transfer killed with -9, run again', () => {
  const BIG = 44 * MIB;
  let net: Network;
  let env: Record<string, string>;
  let src: string;

  before(async () => {
    // Slow hosts, so the transfer is still running when the client is killed.
    net = await startNetwork({ hosts: 0 });
    for (const country of ['FR', 'DE']) await net.addHost(country, ['--bandwidth', '6MiB']);
    env = await signedUp(net, 'killed@example.com');
    src = join(net.dir, 'src');
    await mkdir(join(src, 'notes'), { recursive: true });
    for (let i = 0; i < 5; i++) await writeFile(join(src, 'notes', `n${i}.txt`), `note ${i}`);
    // More 4 MiB chunks than a download keeps in flight (6). With fewer, every chunk arrives
    // at about the same time and the partial file goes from empty to whole in a blink; with
    // more, it grows over seconds, long enough to be seen midway and killed.
    await writeRandomFile(join(src, 'big.bin'), BIG, 21);
  });
  after(() => net?.close());

  const storedBytes = async () => {
    const res = await fetch(`${net.hubUrl}/api/admin/stats`, {
      headers: { authorization: `Bearer ${net.operatorToken}` },
    });
    return ((await res.json()) as { storedBytes: number }).storedBytes;
  };

  const killedMidway = async (args: string[], midway: () => Promise<boolean>) => {
    const child = spawn(process.execPath, [COFFER, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    let code: number | null = null;
    const exited = new Promise((r) =>
      child.once('exit', (c) => {
        code = c;
        r(c);
      }),
    );
    await until('the transfer is partly done', async () => code !== null || midway());
    // A transfer that ended before it was caught midway proves nothing about resuming.
    assert.equal(code, null, `coffer ${args[0]} ended (${code}) before midway: ${stderr}`);
    child.kill('SIGKILL');
    await exited;
  };

  test('put: the rerun resumes the large file, skips what is there, and it reads back the same', async () => {
    await killedMidway(['put', src, '/backup'], async () => (await storedBytes()) > 4 * MIB);
    const again = await run<PutResult>(['put', src, '/backup'], env);
    assert.equal(again.resumed, 1, JSON.stringify(again));
    assert.ok(again.bytesSent < BIG, `sent ${again.bytesSent} bytes again`);
    const third = await run<PutResult>(['put', src, '/backup'], env);
    assert.deepEqual([third.uploaded, third.skipped], [0, 6]);
    const got = join(net.dir, 'big.out');
    assert.equal((await cli(['get', '/backup/big.bin', got], env)).code, 0);
    assert.ok(await sameFile(join(src, 'big.bin'), got));
    const v = await run<{ versions: unknown[] }>(['versions', '/backup/big.bin'], env);
    assert.equal(v.versions.length, 1);
    const ls = await run<{ entries: { name: string }[] }>(['ls', '/backup'], env);
    assert.deepEqual(ls.entries.map((e) => e.name).sort(), ['big.bin', 'notes']);
  });

  test('get: the rerun continues the partial download and the file is byte-identical', async () => {
    const out = join(net.dir, 'down');
    const partial = async () => {
      const names = await readdir(out).catch(() => [] as string[]);
      const p = names.find((n) => n.startsWith('.big.bin.') && n.endsWith('.coffer-partial'));
      return p !== undefined && (await stat(join(out, p))).size > 4 * MIB;
    };
    await killedMidway(['get', '/backup', out], partial);
    const again = await run<GetResult>(['get', '/backup', out], env);
    assert.equal(again.resumed, 1, JSON.stringify(again));
    assert.ok(await sameFile(join(src, 'big.bin'), join(out, 'big.bin')));
    assert.ok(!(await readdir(out)).some((n) => n.endsWith('.coffer-partial')));
  });
});
