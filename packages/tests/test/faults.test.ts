import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CofferClient } from '@coffer/sdk';
import { sameFile, writeRandomFile } from '../src/files.ts';
import { cli, type Network, startNetwork, until } from '../src/index.ts';
import { COFFER } from '../src/network.ts';

// Processes die mid-transfer: hosts, the hub, the client itself. Nothing stored may be lost,
// and every upload must complete or resume.

const MIB = 1024 * 1024;
const PASSWORD = 'faults-password';
let net: Network;
let env: Record<string, string>;
let src: string;

async function admin(path: string) {
  const res = await fetch(net.hubUrl + path, {
    headers: { authorization: `Bearer ${net.operatorToken}` },
  });
  assert.equal(res.status, 200);
  return res.json();
}

async function storedBytes(): Promise<number> {
  return ((await admin('/api/admin/stats')) as { storedBytes: number }).storedBytes;
}

async function placementOk(path: string) {
  const r = await cli(
    ['admin', 'placement', path, '--json', '--token-file', join(net.dir, 'hub', 'operator-token')],
    env,
  );
  assert.equal(r.code, 0, r.stderr);
  for (const c of r.json<{ chunks: { hosts: { country: string }[] }[] }>().chunks) {
    assert.ok(
      new Set(c.hosts.map((h) => h.country)).size >= 2,
      'a chunk has fewer than 2 countries',
    );
  }
}

before(async () => {
  net = await startNetwork({ hosts: 4, countries: ['FR', 'DE', 'ES', 'BR'] });
  env = { ...net.env, COFFER_PASSWORD: PASSWORD };
  const r = await cli(['signup', 'faults@example.com'], env);
  assert.equal(r.code, 0, r.stderr);
  src = join(net.dir, 'src');
  await mkdir(src);
});
after(() => net?.close());

test('a host killed with -9 during an upload: the upload completes on the others', async () => {
  const file = join(src, 'during.bin');
  await writeRandomFile(file, 48 * MIB, 11);
  const client = CofferClient.resume(
    JSON.parse(await readFile(join(env.COFFER_CONFIG_DIR as string, 'session.json'), 'utf8')),
  );
  const c = await client;
  let killed = false;
  const victim = net.hosts[0];
  assert.ok(victim);
  await c.upload('/during.bin', await readFile(file), {
    onProgress: (p) => {
      if (!killed && p.bytesDone > 8 * MIB) {
        killed = true;
        void victim.kill();
      }
    },
  });
  assert.ok(killed, 'the host was killed mid-upload');
  const out = join(net.dir, 'during.out');
  const r = await cli(['get', '/during.bin', out], env);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(await sameFile(file, out));
  await placementOk('/during.bin');
  await victim.restart();
});

test('a host killed with -9 after an upload: the download reads the other replica', async () => {
  const file = join(src, 'after.bin');
  await writeRandomFile(file, 12 * MIB, 12);
  assert.equal((await cli(['put', file, '/after.bin'], env)).code, 0);
  const p = await cli(
    [
      'admin',
      'placement',
      '/after.bin',
      '--json',
      '--token-file',
      join(net.dir, 'hub', 'operator-token'),
    ],
    env,
  );
  const first = p.json<{ chunks: { hosts: { id: string }[] }[] }>().chunks[0]?.hosts[0]?.id;
  const hosts = (await admin('/api/admin/hosts')) as { hosts: { id: string; url: string }[] };
  const url = hosts.hosts.find((h) => h.id === first)?.url;
  const victim = net.hosts.find((h) => h.url === url);
  assert.ok(victim, 'found the host holding the first chunk');
  await victim.kill();
  const out = join(net.dir, 'after.out');
  const r = await cli(['get', '/after.bin', out], env);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(await sameFile(file, out));
  await victim.restart();
});

test('the hub killed with -9 during an upload: after a restart the upload resumes and the database is consistent', async () => {
  const file = join(src, 'hubkill.bin');
  await writeRandomFile(file, 64 * MIB, 13);
  const before = await storedBytes();
  const put = spawn(process.execPath, [COFFER, 'put', file, '/hubkill.bin', '--json'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  put.stdout.on('data', (d) => {
    out += d;
  });
  put.stderr.on('data', (d) => {
    out += d;
  });
  const exit = new Promise<number>((r) => put.once('exit', (code) => r(code ?? -1)));
  await until('part of the upload', async () => (await storedBytes()) > before + 16 * MIB);
  await net.hub.kill();
  await new Promise((r) => setTimeout(r, 1500));
  await net.hub.restart();
  assert.equal(await exit, 0, out);
  const got = join(net.dir, 'hubkill.out');
  const r = await cli(['get', '/hubkill.bin', got], env);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(await sameFile(file, got));
  await placementOk('/hubkill.bin');
  const ls = await cli(['ls', '/', '--json'], env);
  const names = ls.json<{ entries: { name: string }[] }>().entries.map((e) => e.name);
  assert.equal(names.filter((n) => n === 'hubkill.bin').length, 1);
});

test('a client killed with -9 mid-put: running the same put again continues where it stopped', async () => {
  const file = join(src, 'resume.bin');
  await writeRandomFile(file, 64 * MIB, 14);
  const before = await storedBytes();
  const put = spawn(process.execPath, [COFFER, 'put', file, '/resume.bin'], {
    env: { ...process.env, ...env },
    stdio: 'ignore',
  });
  await until('part of the upload', async () => (await storedBytes()) > before + 40 * MIB);
  put.kill('SIGKILL');
  await new Promise((r) => put.once('exit', r));
  // What the hub recorded before the kill (2 replicas of each chunk), more than 40 MiB: the
  // second run must skip all of it. Comparing with a fixed figure instead failed whenever
  // exactly 5 chunks had been recorded (40 MiB and their headers), which a slow machine does.
  const recorded = ((await storedBytes()) - before) / 2;
  const again = await cli(['put', file, '/resume.bin', '--json'], env);
  assert.equal(again.code, 0, again.stderr);
  const sent = again.json<{ bytesSent: number }>().bytesSent;
  const left = 64 * MIB - recorded;
  assert.ok(
    sent <= left + 64 * 1024,
    `the second run sent ${sent} bytes; ${recorded} of the file's were stored, so at most ${left} (and the chunks' headers) were left`,
  );
  const got = join(net.dir, 'resume.out');
  assert.equal((await cli(['get', '/resume.bin', got], env)).code, 0);
  assert.ok(await sameFile(file, got));
});
