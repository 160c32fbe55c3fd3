import assert from 'node:assert/strict';
import { chmod, mkdir, readFile, rename, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { assertSameTrees, writeRandomFile } from '../src/files.ts';
import { cli, type Network, startNetwork, tempDir, twoDevices } from '../src/index.ts';

// Renames send no content, at the sizes the sync issue names: a 50 MiB file and a folder of
// 1,000 files, counted by what the SDK put on the wire (`bytesSent`). And the executable bit
// and the mtime go both ways. Two devices, passes with `coffer sync --once`.

let net: Network;
let envA: Record<string, string>;
let envB: Record<string, string>;
let dirA: string;
let dirB: string;

const MiB = 1024 * 1024;
const MANY = 1000;

interface Counts {
  uploaded: number;
  downloaded: number;
  moved: number;
  bytesUp: number;
  bytesDown: number;
  bytesSent: number;
}

async function pass(device: 'A' | 'B'): Promise<Counts> {
  const [dir, env] = device === 'A' ? [dirA, envA] : [dirB, envB];
  const r = await cli(['sync', dir, '/Sync', '--once', '--device', device, '--json'], env);
  assert.equal(r.code, 0, r.stderr);
  const p = r.json<{ errors: string[]; counts: Counts }>();
  assert.deepEqual(p.errors, []);
  return p.counts;
}

const assertSame = () => assertSameTrees(dirA, dirB);

before(async () => {
  net = await startNetwork({ hosts: 3 });
  ({ a: envA, b: envB } = await twoDevices(net, 'renames'));
  const root = await tempDir('sync-renames-');
  dirA = join(root, 'A');
  dirB = join(root, 'B');
  await mkdir(dirA);
  await mkdir(dirB);
});

after(async () => {
  await net?.close();
});

test('renaming a 50 MiB file and a folder of 1,000 files sends no content either way', async () => {
  await writeRandomFile(join(dirA, 'video.bin'), 50 * MiB, 7);
  await mkdir(join(dirA, 'photos'));
  for (let i = 0; i < MANY; i++) {
    await writeFile(join(dirA, 'photos', `p${i}.txt`), `photo ${i}\n`);
  }
  const up = await pass('A');
  assert.equal(up.uploaded, MANY + 1);
  assert.ok(up.bytesSent >= 50 * MiB, `the first pass sent ${up.bytesSent} bytes`);
  const down = await pass('B');
  assert.equal(down.downloaded, MANY + 1);

  await rename(join(dirA, 'video.bin'), join(dirA, 'holiday.bin'));
  await rename(join(dirA, 'photos'), join(dirA, 'photos 2026'));
  const moved = await pass('A');
  assert.equal(moved.moved, 2, 'one move each');
  assert.equal(moved.uploaded, 0);
  assert.equal(moved.bytesSent, 0, 'no byte of content on the wire');
  const there = await pass('B');
  assert.equal(there.moved, 2, 'moved on B too');
  assert.equal(there.downloaded, 0);
  assert.equal(there.bytesDown, 0);
  const tree = await assertSame();
  assert.ok(tree.includes('holiday.bin'));
  assert.equal(tree.filter((p) => p.startsWith('photos 2026/p')).length, MANY);
  assert.ok(!tree.includes('photos/'));

  // And back from B.
  await rename(join(dirB, 'holiday.bin'), join(dirB, 'photos 2026', 'holiday.bin'));
  const back = await pass('B');
  assert.equal(back.moved, 1);
  assert.equal(back.bytesSent, 0);
  assert.equal((await pass('A')).downloaded, 0);
  await assertSame();
});

test('the executable bit and the modification time go both ways', async () => {
  const script = join(dirA, 'run.sh');
  await writeFile(script, '#!/bin/sh\necho hi\n');
  await chmod(script, 0o755);
  const when = new Date('2025-05-05T05:05:05Z');
  await utimes(script, when, when);
  await pass('A');
  await pass('B');
  const onB = await stat(join(dirB, 'run.sh'));
  assert.equal(onB.mode & 0o111, 0o111 & ~process.umask(), 'executable on B');
  assert.equal(onB.mtimeMs, when.getTime(), 'the mtime came along');

  await chmod(join(dirB, 'run.sh'), 0o644);
  const b = await pass('B');
  assert.equal(b.bytesSent, 0, 'a mode change sends no content');
  await pass('A');
  assert.equal((await stat(script)).mode & 0o111, 0, 'no longer executable on A');
  assert.equal(await readFile(script, 'utf8'), '#!/bin/sh\necho hi\n');
});
