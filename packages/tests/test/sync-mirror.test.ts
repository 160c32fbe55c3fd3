import assert from 'node:assert/strict';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Sqlite from 'better-sqlite3';
import { assertSameTrees } from '../src/files.ts';
import { cli, type Network, startNetwork, tempDir, twoDevices } from '../src/index.ts';
import { hubRouteCount } from '../src/metrics.ts';

// The remote mirror ([Note: Remote mirror] in the sync package): after the first pass, a
// pass learns what changed remotely from the hub's change feed and lists only the folders it
// touches. Device A syncs with passes (`--once`); device B changes the remote tree through
// the CLI, including moves in and out of the synced folder. What A ends with must equal what a
// first sync of the same folder (a whole listing) brings to a fresh folder.

let net: Network;
let envA: Record<string, string>;
let envB: Record<string, string>;
let dirA: string;

const FOLDERS = 30;

before(async () => {
  net = await startNetwork({ hosts: 3 });
  ({ a: envA, b: envB } = await twoDevices(net, 'mirror'));
  dirA = join(await tempDir('mirror-'), 'A');
  await mkdir(dirA);
});

after(async () => {
  await net?.close();
});

async function pass(dir: string, env: Record<string, string>, device: string) {
  const r = await cli(['sync', dir, '/Sync', '--once', '--device', device, '--json'], env);
  assert.equal(r.code, 0, r.stderr);
  const p = r.json<{ errors: string[]; state: string }>();
  assert.deepEqual(p.errors, []);
  assert.equal(p.state, 'synced');
  return p;
}

/** Folder listings (`children` calls) the hub has answered so far. */
const listings = () => hubRouteCount(net, 'children');

async function listingsOf(f: () => Promise<unknown>): Promise<number> {
  const before = await listings();
  await f();
  return (await listings()) - before;
}

async function run(args: string[]) {
  const r = await cli(args, envB);
  assert.equal(r.code, 0, `coffer ${args.join(' ')}: ${r.stderr}`);
}

test('a pass after the first lists only the folders the change feed names', async () => {
  for (let i = 0; i < FOLDERS; i++) {
    await mkdir(join(dirA, `d${i}`));
    await writeFile(join(dirA, `d${i}`, `f${i}.txt`), `file ${i}\n`);
  }
  const first = await listingsOf(() => pass(dirA, envA, 'A'));
  assert.ok(first > FOLDERS, `the first pass lists the whole tree (${first} listings)`);
  // The feed gives back A's own uploads; their echo is skipped, no folder is listed for them.
  const echo = await listingsOf(() => pass(dirA, envA, 'A'));
  assert.ok(echo < FOLDERS / 3, `the pass after the first lists ${echo} folders`);
  const quiet = await listingsOf(() => pass(dirA, envA, 'A'));
  assert.ok(quiet < FOLDERS / 3, `a pass with nothing changed lists ${quiet} folders`);

  await run(['mv', '/Sync/d5/f5.txt', '/Sync/d5/renamed.txt']);
  const afterRename = await listingsOf(() => pass(dirA, envA, 'A'));
  assert.equal(await readFile(join(dirA, 'd5', 'renamed.txt'), 'utf8'), 'file 5\n');
  assert.ok(
    afterRename <= quiet + 2,
    `one remote rename costs ${afterRename} listings; a pass with no change costs ${quiet}`,
  );
});

test('moves in and out of the folder, trash and new nested folders arrive as a whole listing sees them', async () => {
  const outside = await tempDir('mirror-outside-');
  await mkdir(join(outside, 'deep', 'deeper'), { recursive: true });
  await writeFile(join(outside, 'deep', 'deeper', 'in.txt'), 'moved in\n');
  await writeFile(join(outside, 'top.txt'), 'top\n');
  await run(['put', outside, '/Elsewhere/in']);
  await writeFile(join(outside, 'new.txt'), 'new\n');

  await run(['mv', '/Sync/d1', '/Sync/d2/']); // a folder moved within
  await run(['mv', '/Sync/d3', '/Elsewhere/']); // a folder moved out
  await run(['mv', '/Elsewhere/in', '/Sync/in']); // a folder with a subtree moved in
  await run(['rm', '/Sync/d4/f4.txt']);
  await run(['put', join(outside, 'new.txt'), '/Sync/d6/new.txt']);
  await run(['mkdir', '-p', '/Sync/x/y/z']);
  await run(['put', join(outside, 'new.txt'), '/Sync/x/y/z/new.txt']);
  await run(['mv', '/Sync/d7', '/Sync/x/y/']); // into a folder new to the mirror
  await pass(dirA, envA, 'A');

  const fresh = join(await tempDir('mirror-fresh-'), 'C');
  await mkdir(fresh);
  await pass(fresh, envB, 'C');
  const a = await assertSameTrees(dirA, fresh);
  for (const p of ['d2/d1/f1.txt', 'in/deep/deeper/in.txt', 'x/y/z/new.txt', 'x/y/d7/f7.txt']) {
    assert.ok(a.includes(p), `${p} is on A`);
  }
  for (const p of ['d3/', 'd4/f4.txt', 'd1/']) assert.ok(!a.includes(p), `${p} is gone from A`);
  assert.deepEqual(mirrorOf(dirA), mirrorOf(fresh));
});

test('what the client writes itself goes into its mirror as the hub has it, and its echo is skipped', async () => {
  await rename(join(dirA, 'd8', 'f8.txt'), join(dirA, 'd8', 'g8.txt'));
  await rename(join(dirA, 'd9'), join(dirA, 'd2', 'd9'));
  await rm(join(dirA, 'd10'), { recursive: true });
  await chmod(join(dirA, 'd11', 'f11.txt'), 0o755);
  await writeFile(join(dirA, 'd12', 'f12.txt'), 'edited on A\n');
  await mkdir(join(dirA, 'n1', 'n2'), { recursive: true });
  await writeFile(join(dirA, 'n1', 'n2', 'deep.txt'), 'deep\n');
  await pass(dirA, envA, 'A');
  const quiet = await listingsOf(() => pass(dirA, envA, 'A'));
  assert.ok(quiet < FOLDERS / 3, `the pass after A's own writes lists ${quiet} folders`);

  // Another device writes the nodes A wrote: not echoes, so A takes them.
  await run(['mv', '/Sync/d8/g8.txt', '/Sync/d8/h8.txt']);
  await run(['mv', '/Sync/n1/n2', '/Sync/d2/n2']);
  await pass(dirA, envA, 'A');
  assert.equal(await readFile(join(dirA, 'd8', 'h8.txt'), 'utf8'), 'file 8\n');

  const fresh = join(await tempDir('mirror-own-'), 'D');
  await mkdir(fresh);
  await pass(fresh, envB, 'D');
  const a = await assertSameTrees(dirA, fresh);
  for (const p of ['d2/d9/f9.txt', 'd2/n2/deep.txt', 'd12/f12.txt']) assert.ok(a.includes(p), p);
  assert.deepEqual(mirrorOf(dirA), mirrorOf(fresh), 'A’s mirror is what a whole listing gives');
});

/** The remote tree a sync root keeps in `.coffer/state.db`, row by row. */
function mirrorOf(dir: string): unknown[] {
  const db = new Sqlite(join(dir, '.coffer', 'state.db'), { readonly: true });
  try {
    return db.prepare('select * from remote order by id').all();
  } finally {
    db.close();
  }
}
