import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { assertSameTrees, noiseBytes, treeOf } from '../../src/files.ts';
import { type Network, startNetwork, tempDir } from '../../src/index.ts';
import { type Gateway, signedUp, startWebdav } from '../../src/webdav.ts';

// rclone's webdav backend, as the ownCloud vendor (X-OC-Mtime on PUT), against the gateway: a
// tree of 200 files goes in with `rclone sync`, comes back byte-identical with its mtimes, and
// a second `rclone sync` transfers nothing.

const hasRclone = spawnSync('rclone', ['version']).error === undefined;
const skip =
  !hasRclone && !process.env.CI ? 'rclone is not installed (apt-get install rclone)' : false;
const FILES = 200;

let net: Network;
let dav: Gateway;
let src: string;
let back: string;
let env: Record<string, string>;

before(async () => {
  if (skip) return;
  net = await startNetwork({ hosts: 2 });
  dav = await startWebdav(await signedUp(net, 'rc'));
  src = await tempDir('coffer-dav-src-');
  back = await tempDir('coffer-dav-back-');
  const obscured = spawnSync('rclone', ['obscure', dav.password], {
    encoding: 'utf8',
  }).stdout.trim();
  env = {
    ...(process.env as Record<string, string>),
    RCLONE_CONFIG: join(net.dir, 'rclone.conf'), // none: the remote is from the environment
    RCLONE_CONFIG_DAV_TYPE: 'webdav',
    RCLONE_CONFIG_DAV_URL: dav.url,
    RCLONE_CONFIG_DAV_VENDOR: 'owncloud',
    RCLONE_CONFIG_DAV_USER: dav.user,
    RCLONE_CONFIG_DAV_PASS: obscured,
  };
  // 200 files in nested folders, of sizes 0 to ~40 KB, each with its own mtime in the past.
  const base = Date.UTC(2024, 0, 1) / 1000;
  for (let i = 0; i < FILES; i++) {
    const dir = join(src, `d${i % 5}`, `e${i % 3}`, ...(i % 7 === 0 ? ['deep', 'er'] : []));
    await mkdir(dir, { recursive: true });
    const file = join(dir, `file ${i}${i % 11 === 0 ? ' é#%' : ''}.bin`);
    await writeFile(file, noiseBytes((i * 197) % 40_000, i + 1));
    const t = base + i * 3600 + 17;
    await utimes(file, t, t);
  }
});

after(async () => {
  await dav?.stop();
  await net?.close();
  if (src) await rm(src, { recursive: true, force: true });
  if (back) await rm(back, { recursive: true, force: true });
});

/** Runs rclone with the JSON log; the stats of its last line. */
function rclone(args: string[]): Promise<{ transfers: number; errors: number; log: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'rclone',
      [...args, '--use-json-log', '-v', '--stats', '1h', '--retries', '1'],
      { env },
    );
    let log = '';
    child.stderr.on('data', (d) => {
      log += d;
    });
    child.stdout.on('data', (d) => {
      log += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const stats = log
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { stats?: { transfers: number; errors: number } })
        .filter((l) => l.stats)
        .at(-1)?.stats;
      if (code !== 0 || !stats)
        reject(new Error(`rclone ${args.join(' ')} exited ${code}:\n${log}`));
      else resolve({ transfers: stats.transfers, errors: stats.errors, log });
    });
  });
}

test('rclone sync: 200 files in, back byte-identical with their mtimes, then nothing to transfer', {
  skip,
}, async () => {
  const first = await rclone(['sync', src, 'dav:tree']);
  assert.equal(first.errors, 0, first.log);
  assert.equal(first.transfers, FILES, first.log);

  const down = await rclone(['sync', 'dav:tree', back]);
  assert.equal(down.transfers, FILES, down.log);
  const files = (await assertSameTrees(src, back)).filter((p) => !p.endsWith('/'));
  assert.equal(files.length, FILES);
  for (const p of files) {
    const [a, b] = [await stat(join(src, p)), await stat(join(back, p))];
    assert.ok(
      Math.abs(a.mtimeMs - b.mtimeMs) < 1000,
      `${p}: mtime ${a.mtime.toISOString()} came back as ${b.mtime.toISOString()}`,
    );
  }

  const again = await rclone(['sync', src, 'dav:tree']);
  console.log(
    `rclone: ${first.transfers} files in, ${down.transfers} back, second sync transferred ${again.transfers}`,
  );
  assert.equal(again.transfers, 0, again.log);
  assert.equal((await treeOf(src)).length, (await treeOf(back)).length);
});
