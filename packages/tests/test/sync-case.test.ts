import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Sqlite from 'better-sqlite3';
import { cli, type Network, startNetwork, tempDir, twoDevices } from '../src/index.ts';

// Sync on a case-insensitive disk (macOS and Windows by default), on this Linux machine: the
// engine asks the disk once whether it finds a name in another case and keeps the answer in
// the root's `.coffer/state.db`; here that answer is written as "yes" before the first pass, so
// device C plans by the insensitive lookup rule (two names that differ only in case are one
// place) while B, on the same disk, keeps the case-sensitive one.

let net: Network;
let envB: Record<string, string>;
let envC: Record<string, string>;
let dirB: string;
let dirC: string;

interface Pass {
  counts: { uploaded: number; downloaded: number; moved: number; deleted: number };
  reports: string[];
  errors: string[];
}

async function pass(device: 'B' | 'C'): Promise<Pass> {
  const [dir, env] = device === 'B' ? [dirB, envB] : [dirC, envC];
  const r = await cli(['sync', dir, '/Case', '--once', '--device', device, '--json'], env);
  assert.equal(r.code, 0, `sync on ${device}: ${r.stderr}`);
  const p = r.json<Pass>();
  assert.deepEqual(p.errors, [], `sync on ${device}`);
  return p;
}

before(async () => {
  net = await startNetwork({ hosts: 2 });
  ({ a: envB, b: envC } = await twoDevices(net, 'case'));
  dirB = await tempDir('coffer-case-b-');
  dirC = await tempDir('coffer-case-c-');
  await mkdir(join(dirC, '.coffer'));
  const db = new Sqlite(join(dirC, '.coffer', 'state.db'));
  db.exec('create table settings (key text primary key, value text not null)');
  db.prepare('insert into settings (key, value) values (?, ?)').run('case-insensitive', 'yes');
  db.close();
});

after(async () => {
  await net?.close();
});

test('untampered: a tree with no names that differ only in case arrives whole', async () => {
  await writeFile(join(dirB, 'Readme.TXT'), 'read me\n');
  await pass('B');
  const c = await pass('C');
  assert.equal(c.counts.downloaded, 1);
  assert.deepEqual(await readdir(dirC).then((n) => n.filter((x) => x !== '.coffer')), [
    'Readme.TXT',
  ]);
});

test('a case-only rename on the insensitive disk is a move: one file on both devices', async () => {
  await rename(join(dirC, 'Readme.TXT'), join(dirC, 'README.txt'));
  const c = await pass('C');
  assert.deepEqual([c.counts.moved, c.counts.uploaded, c.counts.deleted], [1, 0, 0]);
  await pass('B');
  const names = (await readdir(dirB)).filter((x) => x !== '.coffer');
  assert.deepEqual(names, ['README.txt']);
  assert.equal(await readFile(join(dirB, 'README.txt'), 'utf8'), 'read me\n');
});

test('two remote names the disk cannot tell apart: one comes down, the other is reported, none is lost', async () => {
  await writeFile(join(dirB, 'Clash.txt'), 'upper\n');
  await writeFile(join(dirB, 'clash.txt'), 'lower\n');
  await pass('B');
  const c = await pass('C');
  assert.equal(c.counts.downloaded, 1);
  assert.ok(
    c.reports.some((r) => r.includes('clash.txt')),
    `the clash is reported: ${c.reports.join('; ')}`,
  );
  const names = (await readdir(dirC)).filter((x) => x !== '.coffer').sort();
  assert.deepEqual(names, ['Clash.txt', 'README.txt']);
  assert.equal(await readFile(join(dirC, 'Clash.txt'), 'utf8'), 'upper\n');

  // Nothing moves on the next passes: C neither sends its copy over the other nor deletes it.
  const again = await pass('C');
  assert.deepEqual(
    [again.counts.uploaded, again.counts.downloaded, again.counts.moved, again.counts.deleted],
    [0, 0, 0, 0],
  );
  await pass('B');
  assert.equal(await readFile(join(dirB, 'Clash.txt'), 'utf8'), 'upper\n');
  assert.equal(await readFile(join(dirB, 'clash.txt'), 'utf8'), 'lower\n');
});
