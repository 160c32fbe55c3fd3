import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { treeOf } from '../src/files.ts';
import { cli, type Network, startNetwork, tempDir, twoDevices } from '../src/index.ts';

// The sync client's options: selective sync, pause and resume, a folder shared read-only,
// and a bandwidth cap, through the CLI as a user runs them.

let net: Network;
let envA: Record<string, string>;
let envB: Record<string, string>;
let envC: Record<string, string>;
let dirA: string;
let dirB: string;

interface Pass {
  state: string;
  counts: { uploaded: number; downloaded: number; deleted: number };
  conflicts: string[];
  errors: string[];
  reports: string[];
}

async function pass(
  dir: string,
  env: Record<string, string>,
  remote = '/Sync',
  extra: string[] = [],
) {
  const r = await cli(['sync', dir, remote, '--once', '--device', 'dev', '--json', ...extra], env);
  assert.equal(r.code, 0, r.stderr);
  const p = r.json<Pass>();
  assert.deepEqual(p.errors, [], r.stderr);
  return { ...p, stderr: r.stderr };
}

const visible = async (dir: string) => (await treeOf(dir)).filter((p) => !p.startsWith('.coffer'));

before(async () => {
  net = await startNetwork({ hosts: 2 });
  ({ a: envA, b: envB } = await twoDevices(net, 'lea'));
  envC = { ...net.env, COFFER_PASSWORD: 'pw', COFFER_CONFIG_DIR: join(net.dir, 'carl-config') };
  assert.equal((await cli(['signup', 'carl@example.com'], envC)).code, 0);
  dirA = await tempDir('coffer-opt-a-');
  dirB = await tempDir('coffer-opt-b-');
  await mkdir(join(dirA, 'photos'));
  await mkdir(join(dirA, 'docs'));
  await writeFile(join(dirA, 'photos', 'p1.jpg'), 'pixels\n');
  await writeFile(join(dirA, 'docs', 'd1.txt'), 'words\n');
  await pass(dirA, envA);
  await pass(dirB, envB);
});

after(async () => {
  await net?.close();
  await rm(dirA, { recursive: true, force: true });
  await rm(dirB, { recursive: true, force: true });
});

test('selective sync: a left-out folder goes from this device only, gets nothing new, and comes back', async () => {
  const sel = await cli(['sync', 'select', dirB, '--skip', 'photos', '--json'], envB);
  assert.equal(sel.code, 0, sel.stderr);
  assert.deepEqual(sel.json<{ unselected: string[] }>().unselected, ['photos']);
  await pass(dirB, envB);
  assert.deepEqual(await visible(dirB), ['docs/', 'docs/d1.txt']);
  // Nothing went remotely: A keeps the folder, and a new photo does not come down to B.
  await writeFile(join(dirA, 'photos', 'p2.jpg'), 'more pixels\n');
  await pass(dirA, envA);
  const a = await pass(dirA, envA);
  assert.equal(a.counts.deleted, 0);
  assert.deepEqual(await readdir(join(dirA, 'photos')), ['p1.jpg', 'p2.jpg']);
  await pass(dirB, envB);
  assert.deepEqual(await visible(dirB), ['docs/', 'docs/d1.txt']);
  const back = await cli(['sync', 'select', dirB, '--keep', 'photos', '--json'], envB);
  assert.deepEqual(back.json<{ unselected: string[] }>().unselected, []);
  await pass(dirB, envB);
  assert.deepEqual(await visible(dirB), await visible(dirA));
  const bad = await cli(['sync', 'select', dirB, '--skip', '../x'], envB);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /--skip/);
});

test('pause holds passes back until resume', async () => {
  assert.equal((await cli(['sync', 'pause', dirB], envB)).code, 0);
  await writeFile(join(dirA, 'docs', 'while-paused.txt'), 'later\n');
  await pass(dirA, envA);
  const paused = await pass(dirB, envB);
  assert.equal(paused.state, 'paused');
  assert.ok(!(await readdir(join(dirB, 'docs'))).includes('while-paused.txt'));
  const status = await cli(['sync', 'status', dirB, '--json'], envB);
  assert.equal(status.json<{ paused: boolean }>().paused, true);
  assert.equal((await cli(['sync', 'resume', dirB], envB)).code, 0);
  const resumed = await pass(dirB, envB);
  assert.equal(resumed.counts.downloaded, 1);
});

test('a folder shared read-only syncs down only; a local edit stays here as a conflict copy', async () => {
  assert.equal((await cli(['contacts', 'add', 'carl@example.com'], envA)).code, 0);
  const shared = await cli(['share', '/Sync/docs', 'carl@example.com'], envA);
  assert.equal(shared.code, 0, shared.stderr);
  const dirC = await tempDir('coffer-opt-c-');
  try {
    const first = await pass(dirC, envC, 'shared:docs');
    assert.match(first.stderr, /read-only: it syncs down only/);
    assert.deepEqual(await visible(dirC), ['d1.txt', 'while-paused.txt']);
    await writeFile(join(dirC, 'd1.txt'), 'carl was here\n');
    await writeFile(join(dirC, 'mine.txt'), 'not for the share\n');
    const edit = await pass(dirC, envC, 'shared:docs');
    assert.equal(edit.counts.uploaded, 0);
    assert.equal(edit.conflicts.length, 1);
    assert.ok(
      edit.reports.some((r) => r.includes('read-only')),
      edit.reports.join('\n'),
    );
    // The share is untouched; Carl's words are kept beside the owner's version.
    assert.equal(await readFile(join(dirC, 'd1.txt'), 'utf8'), 'words\n');
    assert.equal(
      await readFile(join(dirC, edit.conflicts[0] as string), 'utf8'),
      'carl was here\n',
    );
    assert.equal(await readFile(join(dirC, 'mine.txt'), 'utf8'), 'not for the share\n');
    await pass(dirA, envA);
    assert.equal(await readFile(join(dirA, 'docs', 'd1.txt'), 'utf8'), 'words\n');
    assert.ok(
      !(await readdir(join(dirA, 'docs'))).some((n) => n.includes('conflict') || n === 'mine.txt'),
    );
  } finally {
    await rm(dirC, { recursive: true, force: true });
  }
});

test('--bwlimit: a capped pass still syncs everything; a bad rate names the flag', async () => {
  await writeFile(join(dirA, 'capped.bin'), Buffer.alloc(300 * 1024, 7));
  await pass(dirA, envA, '/Sync', ['--bwlimit', '1MiB']);
  const b = await pass(dirB, envB, '/Sync', ['--bwlimit', '1MiB']);
  assert.equal(b.counts.downloaded, 1);
  assert.ok(
    (await readFile(join(dirB, 'capped.bin'))).equals(await readFile(join(dirA, 'capped.bin'))),
  );
  const bad = await cli(['sync', dirA, '/Sync', '--once', '--bwlimit', 'fast'], envA);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /--bwlimit/);
});
