import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { sha256Hex } from '@coffer/crypto';
import Sqlite from 'better-sqlite3';
import { noiseBytes, treeOf, writeRandomFile } from '../src/files.ts';
import { cli, type Network, startCli, startNetwork, tempDir, twoDevices } from '../src/index.ts';
import { until } from '../src/until.ts';

// Kill -9 the sync client in the middle of a pass, again and again: it converges with no
// half-written file, no duplicate revision and nothing lost.

let net: Network;
let envA: Record<string, string>;
let envB: Record<string, string>;
let dirA: string;
let dirB: string;

const FILES = 40;

before(async () => {
  net = await startNetwork({ hosts: 2 });
  ({ a: envA, b: envB } = await twoDevices(net, 'kim'));
  dirA = await tempDir('coffer-crash-a-');
  dirB = await tempDir('coffer-crash-b-');
});

after(async () => {
  await net?.close();
  await rm(dirA, { recursive: true, force: true });
  await rm(dirB, { recursive: true, force: true });
});

/** Rows in a root's base, read beside the running client (WAL lets a reader in). */
function baseRows(dir: string): number {
  const path = join(dir, '.coffer', 'state.db');
  if (!existsSync(path)) return 0;
  try {
    const db = new Sqlite(path, { fileMustExist: true, timeout: 1000 });
    try {
      return (db.prepare('select count(*) as n from base').get() as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    return 0; // being created
  }
}

/** Starts a pass and kills it with SIGKILL once the base holds more than `rows` rows. */
async function killMidway(dir: string, env: Record<string, string>, device: string, rows: number) {
  const run = startCli(['sync', dir, '/Crash', '--once', '--device', device], env);
  let finished = false;
  void run.done.then(() => {
    finished = true;
  });
  await until(
    `the pass on ${device} to get past ${rows} rows`,
    () => finished || baseRows(dir) > rows,
    120_000,
    20,
  );
  const cutShort = !finished;
  run.child.kill('SIGKILL');
  await run.done;
  return cutShort;
}

async function fullPass(dir: string, env: Record<string, string>, device: string) {
  const r = await cli(['sync', dir, '/Crash', '--once', '--device', device, '--json'], env);
  assert.equal(r.code, 0, r.stderr);
  const p = r.json<{ errors: string[]; state: string }>();
  assert.deepEqual(p.errors, []);
  assert.equal(p.state, 'synced');
  return p;
}

test('kill -9 during uploads, several times: it converges with one revision per file', async () => {
  await mkdir(join(dirA, 'many'));
  for (let i = 0; i < FILES; i++)
    await writeFile(join(dirA, 'many', `f${i}.txt`), `file ${i}\n`.repeat(100));
  await writeRandomFile(join(dirA, 'big.bin'), 12 * 1024 * 1024, 9);
  let killedMidway = 0;
  for (const rows of [2, 10, 25]) if (await killMidway(dirA, envA, 'A', rows)) killedMidway++;
  assert.ok(killedMidway > 0, 'at least one pass was killed before it finished');
  await fullPass(dirA, envA, 'A');
  // One revision of each file: the killed passes committed nothing twice.
  for (const name of ['big.bin', 'many/f0.txt', `many/f${FILES - 1}.txt`]) {
    const v = await cli(['versions', `/Crash/${name}`, '--json'], envA);
    assert.equal(v.code, 0, v.stderr);
    assert.equal(v.json<{ versions: unknown[] }>().versions.length, 1, `${name} has one revision`);
  }
  const listing = await cli(['ls', '/Crash/many', '--json'], envA);
  assert.equal(listing.json<{ entries: unknown[] }>().entries.length, FILES, 'no duplicates');
});

test('kill -9 during downloads, several times: no half-written file, then the same tree', async () => {
  for (const rows of [1, 8, 20]) await killMidway(dirB, envB, 'B', rows);
  await fullPass(dirB, envB, 'B');
  const tree = (d: string) => treeOf(d).then((t) => t.filter((p) => !p.startsWith('.coffer')));
  assert.deepEqual(await tree(dirB), await tree(dirA));
  assert.ok(!(await readdir(dirB)).some((n) => n.startsWith('.coffer-part-')), 'no leftovers');
  for (const p of await tree(dirA)) {
    if (p.endsWith('/')) continue;
    assert.ok(
      (await readFile(join(dirA, p))).equals(await readFile(join(dirB, p))),
      `${p} differs`,
    );
  }
});

test('a file rewritten while it uploads is never committed half-read', async () => {
  // Rewritten in place, again and again, with other bytes of the same size: a half-read
  // upload would mix two versions. Every revision that reaches the hub must be one of them.
  const file = join(dirA, 'rewritten.bin');
  const SIZE = 6 * 1024 * 1024;
  const versions = new Set<string>();
  const write = async (seed: number) => {
    const bytes = noiseBytes(SIZE, seed);
    versions.add(await sha256Hex(bytes));
    await writeFile(file, bytes);
  };
  await write(100);
  const run = startCli(['sync', dirA, '/Crash', '--once', '--device', 'A', '--json'], envA);
  let done = false;
  void run.done.then(() => {
    done = true;
  });
  for (let seed = 101; !done; seed++) await write(seed);
  await run.done;
  const got = join(net.dir, 'rewritten-got.bin');
  const mid = await cli(['get', '/Crash/rewritten.bin', got], envA);
  if (mid.code === 0)
    assert.ok(versions.has(await sha256Hex(await readFile(got))), 'a whole version');
  await fullPass(dirA, envA, 'A');
  await fullPass(dirB, envB, 'B');
  assert.ok((await readFile(join(dirB, 'rewritten.bin'))).equals(await readFile(file)));
});
