import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { assertSameTrees, treeOf, writeRandomFile } from '../src/files.ts';
import { cli, type Network, startCli, startNetwork, tempDir, twoDevices } from '../src/index.ts';
import { until } from '../src/until.ts';

// The sync client through the CLI as a user runs it: one account, two devices (each its own
// config folder and local folder), passes with `coffer sync LOCAL /Sync --once`, against a
// real hub and hosts.

let net: Network;
let envA: Record<string, string>;
let envB: Record<string, string>;
let dirA: string;
let dirB: string;

interface Pass {
  state: 'synced' | 'stopped';
  stopped?: string;
  counts: {
    uploaded: number;
    downloaded: number;
    moved: number;
    deleted: number;
    conflicts: number;
    bytesUp: number;
    bytesDown: number;
    bytesSent: number;
  };
  conflicts: string[];
  errors: string[];
}

async function pass(device: 'A' | 'B', extra: string[] = []): Promise<Pass> {
  const [dir, env] = device === 'A' ? [dirA, envA] : [dirB, envB];
  const r = await cli(
    ['sync', dir, '/Sync', '--once', '--device', device, '--json', ...extra],
    env,
  );
  if (r.code !== 0 && !r.stdout.trim()) assert.fail(`sync on ${device}: ${r.stderr}`);
  const p = r.json<Pass>();
  assert.deepEqual(p.errors, [], `sync on ${device}: ${r.stderr}`);
  return p;
}

const assertSame = () => assertSameTrees(dirA, dirB);

before(async () => {
  net = await startNetwork({ hosts: 2 });
  ({ a: envA, b: envB } = await twoDevices(net, 'ana'));
  dirA = await tempDir('coffer-sync-a-');
  dirB = await tempDir('coffer-sync-b-');
});

after(async () => {
  await net?.close();
  await rm(dirA, { recursive: true, force: true });
  await rm(dirB, { recursive: true, force: true });
});

test('a first pass uploads a tree; the other device gets it byte for byte', async () => {
  await writeFile(join(dirA, 'a.txt'), 'alpha\n');
  await mkdir(join(dirA, 'docs', 'deep'), { recursive: true });
  await writeFile(join(dirA, 'docs', 'b.txt'), 'bravo\n');
  await writeFile(join(dirA, 'docs', 'deep', 'c.txt'), 'charlie\n');
  await writeRandomFile(join(dirA, 'big.bin'), 5 * 1024 * 1024, 3);
  const up = await pass('A');
  assert.equal(up.counts.uploaded, 4);
  const down = await pass('B');
  assert.equal(down.counts.downloaded, 4);
  assert.deepEqual(await assertSame(), [
    'a.txt',
    'big.bin',
    'docs/',
    'docs/b.txt',
    'docs/deep/',
    'docs/deep/c.txt',
  ]);
  const again = await pass('A');
  assert.deepEqual(again.counts, {
    uploaded: 0,
    downloaded: 0,
    moved: 0,
    deleted: 0,
    conflicts: 0,
    bytesUp: 0,
    bytesDown: 0,
    bytesSent: 0,
  });
});

test('edits, renames, moves and deletes go across, and a rename sends no content', async () => {
  await writeFile(join(dirB, 'a.txt'), 'alpha, edited on B\n');
  await rename(join(dirB, 'big.bin'), join(dirB, 'docs', 'renamed.bin'));
  await rename(join(dirB, 'docs', 'deep'), join(dirB, 'deeper'));
  await rm(join(dirB, 'docs', 'b.txt'));
  await mkdir(join(dirB, 'new'));
  await writeFile(join(dirB, 'new', 'n.txt'), 'new on B\n');
  const b = await pass('B');
  assert.equal(b.counts.uploaded, 2, 'the edit and the new file');
  assert.equal(
    b.counts.bytesUp,
    'alpha, edited on B\n'.length + 'new on B\n'.length,
    'no byte of the renamed file',
  );
  assert.equal(b.counts.moved, 2);
  assert.equal(b.counts.deleted, 1);
  const a = await pass('A');
  assert.equal(a.counts.downloaded, 2);
  assert.equal(a.counts.moved, 2, 'moved here too, not downloaded again');
  assert.deepEqual(await assertSame(), [
    'a.txt',
    'deeper/',
    'deeper/c.txt',
    'docs/',
    'docs/renamed.bin',
    'new/',
    'new/n.txt',
  ]);
  // The deleted file waits in the local trash, not lost.
  const trash = await treeOf(join(dirA, '.coffer', 'trash'));
  assert.ok(
    trash.some((p) => p.endsWith('docs/b.txt')),
    trash.join(', '),
  );
});

test('a case-only rename ends with exactly one file on both devices', async () => {
  await writeFile(join(dirA, 'Readme.TXT'), 'case\n');
  await pass('A');
  await pass('B');
  await rename(join(dirA, 'Readme.TXT'), join(dirA, 'readme.txt'));
  const a = await pass('A');
  assert.equal(a.counts.moved, 1);
  assert.equal(a.counts.uploaded, 0);
  await pass('B');
  const names = await readdir(dirB);
  assert.ok(names.includes('readme.txt'));
  assert.ok(!names.includes('Readme.TXT'));
  await assertSame();
});

test('the same files already on both sides are agreed on, whatever put them there', async () => {
  // One small and one large file: `coffer put` packs the small one, and sync must hash a
  // local copy the way that upload did, or the two would stand as a conflict.
  const dir = await tempDir('coffer-sync-same-');
  await writeFile(join(dir, 'small.txt'), 'the same small bytes\n');
  await writeRandomFile(join(dir, 'large.bin'), 2 * 1024 * 1024, 5);
  assert.equal((await cli(['put', dir, '/Already'], envA)).code, 0);
  const r = await cli(['sync', dir, '/Already', '--once', '--device', 'A', '--json'], envA);
  assert.equal(r.code, 0, r.stderr);
  const p = r.json<Pass>();
  assert.deepEqual(p.conflicts, []);
  assert.deepEqual([p.counts.uploaded, p.counts.downloaded], [0, 0]);
  await rm(dir, { recursive: true, force: true });
});

test('both devices edit one file: both versions are kept, the local one under a conflict name', async () => {
  await writeFile(join(dirA, 'a.txt'), 'version A\n');
  await writeFile(join(dirB, 'a.txt'), 'version B\n');
  await pass('A');
  const b = await pass('B');
  assert.equal(b.conflicts.length, 1);
  assert.match(b.conflicts[0] as string, /^a \(conflict B \d{4}-\d{2}-\d{2} \d{6}\)\.txt$/);
  await pass('A');
  await assertSame();
  assert.equal(await readFile(join(dirA, 'a.txt'), 'utf8'), 'version A\n');
  assert.equal(await readFile(join(dirA, b.conflicts[0] as string), 'utf8'), 'version B\n');
  const status = await cli(['sync', 'status', dirB, '--json'], envB);
  assert.equal(status.code, 0, status.stderr);
  assert.deepEqual(status.json<{ conflicts: string[] }>().conflicts, b.conflicts);
});

test('the same new path on two devices is a conflict, not an overwrite', async () => {
  await writeFile(join(dirA, 'same.txt'), 'made on A\n');
  await writeFile(join(dirB, 'same.txt'), 'made on B\n');
  await pass('A');
  const b = await pass('B');
  assert.equal(b.conflicts.length, 1);
  await pass('A');
  await assertSame();
  assert.equal(await readFile(join(dirB, 'same.txt'), 'utf8'), 'made on A\n');
  assert.equal(await readFile(join(dirB, b.conflicts[0] as string), 'utf8'), 'made on B\n');
});

test('an edit against a delete keeps the edit', async () => {
  await writeFile(join(dirA, 'keep.txt'), 'v1\n');
  await pass('A');
  await pass('B');
  await rm(join(dirA, 'keep.txt'));
  await writeFile(join(dirB, 'keep.txt'), 'v2, edited on B\n');
  await pass('A'); // the delete reaches the hub first
  await pass('B'); // the edit comes back as a file of its own
  await pass('A');
  await assertSame();
  assert.equal(await readFile(join(dirA, 'keep.txt'), 'utf8'), 'v2, edited on B\n');
});

test('.cofferignore: ignored files stay local, and ignoring a synced file deletes nothing', async () => {
  await writeFile(join(dirA, '.cofferignore'), '// build output\n*.log\n');
  await writeFile(join(dirA, 'run.log'), 'noise\n');
  await pass('A');
  await pass('B');
  assert.ok(!(await readdir(dirB)).includes('run.log'));
  // Ignoring a file that is synced already: it stays on both sides.
  await writeFile(join(dirB, '.cofferignore'), 'readme.txt\n');
  await rm(join(dirB, 'readme.txt'));
  await pass('B');
  await pass('A');
  assert.ok((await readdir(dirA)).includes('readme.txt'), 'not deleted elsewhere');
  await rm(join(dirB, '.cofferignore'));
  await pass('B'); // no longer ignored: it comes back
  assert.ok((await readdir(dirB)).includes('readme.txt'));
});

test('the brakes: a pass that would delete more than half of the files stops and asks', async () => {
  const before = (await treeOf(dirA)).filter(
    (p) => !p.startsWith('.coffer') && !p.endsWith('/') && p !== '.cofferignore' && p !== 'run.log',
  );
  for (const p of before.slice(1)) await rm(join(dirA, p));
  const r = await cli(['sync', dirA, '/Sync', '--once', '--device', 'A', '--json'], envA);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /would delete \d+ of \d+ files.*--confirm-deletes/);
  // Nothing was deleted remotely: the other device still has everything.
  await pass('B');
  for (const p of before) assert.ok((await stat(join(dirB, p))).isFile(), `${p} still on B`);
  const go = await pass('A', ['--confirm-deletes']);
  assert.equal(go.state, 'synced');
  assert.ok(go.counts.deleted >= before.length - 1);
});

test('an empty or missing local folder stops the pass before anything is deleted', async () => {
  const empty = await tempDir('coffer-sync-empty-');
  await rm(empty, { recursive: true });
  const missing = await cli(['sync', empty, '/Sync', '--once', '--json'], envB);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /does not exist/);
  // B's folder emptied (say, an unmounted disk that left an empty mount point).
  for (const name of await readdir(dirB))
    if (name !== '.coffer') await rm(join(dirB, name), { recursive: true });
  const r = await cli(['sync', dirB, '/Sync', '--once', '--device', 'B', '--json'], envB);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /empty or missing/);
  await pass('A');
  assert.ok((await readdir(dirA)).length > 1, 'A keeps its files');
});

test('in the foreground, a local change goes up at once, and Ctrl-C stops cleanly', async () => {
  const dir = await tempDir('coffer-sync-fg-');
  const run = startCli(['sync', dir, '/Foreground', '--device', 'A'], envA);
  try {
    await until('the first pass', () => /in sync|up/.test(run.stdout()), 60_000);
    // A second client on the same folder is refused while the first runs.
    const second = await cli(['sync', dir, '/Foreground', '--once'], envA);
    assert.notEqual(second.code, 0);
    assert.match(second.stderr, /another coffer sync \(pid \d+\) is syncing/);
    await writeFile(join(dir, 'live.txt'), 'seen at once\n');
    await until(
      'live.txt on the hub',
      async () => (await cli(['ls', '/Foreground', '--json'], envB)).stdout.includes('live.txt'),
      60_000,
    );
  } finally {
    run.child.kill('SIGTERM');
  }
  const end = await run.done;
  assert.equal(end.code, 0, end.stderr);
  await rm(dir, { recursive: true, force: true });
});

test('Ctrl-C during a pass ends it after the file under way, and the next pass goes on', async () => {
  const dir = await tempDir('coffer-sync-stop-');
  // Twenty files at 64 KiB a second (--bwlimit sends them one by one): a pass of 20 s or more.
  for (let i = 0; i < 20; i++) await writeRandomFile(join(dir, `part-${i}.bin`), 64 * 1024);
  // Full passes ten minutes apart: a stop that waited for the next one would take that long.
  const slow = { COFFER_SYNC_RESCAN_MS: '600000' };
  const run = startCli(['sync', dir, '/Stopped', '--device', 'A', '--bwlimit', '64KiB'], {
    ...envA,
    ...slow,
  });
  const onHub = async () => {
    const r = await cli(['ls', '/Stopped', '--json'], envB);
    return r.code === 0 ? (r.stdout.match(/part-\d+\.bin/g) ?? []).length : 0;
  };
  try {
    await until('a first file on the hub', async () => (await onHub()) > 0, 60_000);
  } finally {
    run.child.kill('SIGTERM');
  }
  await until(
    'the sync to end',
    () => run.child.exitCode !== null || run.child.signalCode !== null,
    120_000,
  );
  const end = await run.done;
  assert.equal(end.code, 0, end.stderr);
  assert.match(end.stderr, /Stopping after the file under way/);
  assert.match(run.stdout(), /Stopped: stopped before the end, as asked/);
  assert.ok((await onHub()) < 20, 'the pass ended early');
  // The next pass sends the rest, and nothing twice.
  const next = await cli(['sync', dir, '/Stopped', '--once', '--json'], envA);
  assert.equal(next.code, 0, next.stderr);
  assert.equal(await onHub(), 20);
  const again = await cli(['sync', dir, '/Stopped', '--once', '--json'], envA);
  assert.equal(again.json<Pass>().counts.uploaded, 0);
  await rm(dir, { recursive: true, force: true });
});

test('in the foreground, a remote change comes down through the change feed, not a timer', async () => {
  const here = await tempDir('coffer-sync-fg-a-');
  const there = await tempDir('coffer-sync-fg-b-');
  // Full passes ten minutes apart: only the feed can bring the change within the deadline.
  const slow = { COFFER_SYNC_RESCAN_MS: '600000' };
  const a = startCli(['sync', here, '/Live', '--device', 'A'], { ...envA, ...slow });
  const b = startCli(['sync', there, '/Live', '--device', 'B'], { ...envB, ...slow });
  try {
    await until(
      'both first passes',
      () => /in sync/.test(a.stdout()) && /in sync/.test(b.stdout()),
      60_000,
    );
    await writeFile(join(here, 'news.txt'), 'from A\n');
    await until(
      'news.txt on B',
      () =>
        readFile(join(there, 'news.txt'), 'utf8').then(
          (t) => t === 'from A\n',
          () => false,
        ),
      60_000,
    );
    await writeFile(join(there, 'news.txt'), 'edited on B\n');
    await until(
      'the edit back on A',
      () =>
        readFile(join(here, 'news.txt'), 'utf8').then(
          (t) => t === 'edited on B\n',
          () => false,
        ),
      60_000,
    );
  } finally {
    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
  }
  assert.equal((await a.done).code, 0);
  assert.equal((await b.done).code, 0);
  await rm(here, { recursive: true, force: true });
  await rm(there, { recursive: true, force: true });
});
