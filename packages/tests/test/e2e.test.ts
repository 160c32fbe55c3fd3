import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { filesUnder, findNeedles, sameFile, writeRandomFile } from '../src/files.ts';
import { cli, tempDir } from '../src/index.ts';
import { COFFER } from '../src/network.ts';

// A newcomer's path: `coffer up`, sign up, put a big file and a tree of small files, get them
// back, and check the placement and that no plaintext, name or password reached any server.

const BIG = 100 * 1024 * 1024;
const SMALL = 1000;
const PASSWORD = 'e2e-password-Zq8!v';
const BIG_NAME = 'quarterly-secret-plans.bin';

let dir: string;
let up: ChildProcess;
let env: Record<string, string>;

before(async () => {
  dir = await tempDir('coffer-e2e-');
  up = spawn(
    process.execPath,
    [COFFER, 'up', '--data', join(dir, 'net'), '--port', '0', '--hosts', '3'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  const hubUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`coffer up did not start:\n${out}`)), 90_000);
    up.stdout?.on('data', (d) => {
      out += d;
      const m = /Hub:\s+(http\S+)/.exec(out);
      if (m && out.includes('Stop with Ctrl-C')) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    });
    up.stderr?.on('data', (d) => {
      out += d;
    });
    up.once('exit', (code) => reject(new Error(`coffer up exited ${code}:\n${out}`)));
  });
  env = { COFFER_HUB: hubUrl, COFFER_CONFIG_DIR: join(dir, 'config'), COFFER_PASSWORD: PASSWORD };
});

after(async () => {
  if (up && up.exitCode === null) {
    const exited = new Promise((r) => up.once('exit', r));
    up.kill('SIGTERM');
    await exited;
  }
  await rm(dir, { recursive: true, force: true });
});

test('coffer up writes an operator token and runs 3 hosts in 3 countries', async () => {
  const token = await readFile(join(dir, 'net', 'operator-token'), 'utf8');
  assert.match(token.trim(), /^[A-Za-z0-9_-]{43}$/);
  const r = await cli(
    ['admin', 'hosts', '--json', '--token-file', join(dir, 'net', 'operator-token')],
    env,
  );
  assert.equal(r.code, 0, r.stderr);
  const hosts = r.json<{ hosts: { country: string; online: boolean }[] }>().hosts;
  assert.equal(hosts.length, 3);
  assert.equal(new Set(hosts.map((h) => h.country)).size, 3);
  assert.ok(hosts.every((h) => h.online));
  const stats = await cli(
    ['admin', 'stats', '--token-file', join(dir, 'net', 'operator-token')],
    env,
  );
  assert.equal(stats.code, 0, stats.stderr);
  assert.match(stats.stdout, /^hostsOnline +3$/m);
  assert.match(stats.stdout, /^repair\.copiedTotal +0$/m);
});

test('a second coffer up on the same data folder is refused while the first runs', async () => {
  const r = await cli(['up', '--data', join(dir, 'net'), '--port', '0', '--hosts', '2'], {});
  assert.notEqual(r.code, 0);
  assert.match(
    r.stderr,
    /--data: a Coffer network is already running from .*net \(pid \d+\); stop it first/,
  );
  assert.equal(up.exitCode, null, 'the first one runs on');
});

test('a 100 MiB file and 1,000 small files go up and come back byte-identical, on 3 hosts in 3 countries (the default policy), with no plaintext on any server', async () => {
  const signup = await cli(['signup', 'newcomer@example.com', '--json'], env);
  assert.equal(signup.code, 0, signup.stderr);
  assert.match(signup.json<{ recoveryKey: string }>().recoveryKey, /^[0-9A-Z]{4}(-[0-9A-Z]{4})+$/);

  const src = join(dir, 'src');
  await mkdir(join(src, 'tree'), { recursive: true });
  await writeRandomFile(join(src, BIG_NAME), BIG, 7);
  const markers: string[] = [];
  for (let i = 0; i < SMALL; i++) {
    const sub = join(src, 'tree', `folder-${i % 10}`);
    if (i < 10) await mkdir(sub, { recursive: true });
    const marker = `small-file-plaintext-marker-${i}-Xk2p`;
    markers.push(marker);
    await writeFile(join(sub, `note-${i}.txt`), `${marker}\n${'lorem ipsum '.repeat(i % 40)}`);
  }

  const putBig = await cli(['put', join(src, BIG_NAME), `/${BIG_NAME}`, '--json'], env);
  assert.equal(putBig.code, 0, putBig.stderr);
  const sent = putBig.json<{ bytes: number; bytesSent: number }>();
  assert.equal(sent.bytes, BIG);
  // One copy leaves the client; the first host forwards the second.
  assert.ok(sent.bytesSent < BIG * 1.01, `client sent ${sent.bytesSent} bytes for ${BIG}`);
  const putTree = await cli(['put', join(src, 'tree'), '/tree', '--json'], env);
  assert.equal(putTree.code, 0, putTree.stderr);
  assert.equal(putTree.json<{ files: number }>().files, SMALL);

  const out = join(dir, 'out');
  await mkdir(out);
  const getBig = await cli(['get', `/${BIG_NAME}`, join(out, BIG_NAME)], env);
  assert.equal(getBig.code, 0, getBig.stderr);
  assert.ok(await sameFile(join(src, BIG_NAME), join(out, BIG_NAME)), 'big file differs');
  const getTree = await cli(['get', '/tree', join(out, 'tree')], env);
  assert.equal(getTree.code, 0, getTree.stderr);
  for (let i = 0; i < SMALL; i++) {
    const rel = join(`folder-${i % 10}`, `note-${i}.txt`);
    assert.deepEqual(
      await readFile(join(out, 'tree', rel)),
      await readFile(join(src, 'tree', rel)),
      rel,
    );
  }

  const tokenFile = join(dir, 'net', 'operator-token');
  for (const path of [`/${BIG_NAME}`, '/tree/folder-3/note-503.txt']) {
    const p = await cli(['admin', 'placement', path, '--json', '--token-file', tokenFile], env);
    assert.equal(p.code, 0, p.stderr);
    const { chunks } = p.json<{
      chunks: { id: string; hosts: { id: string; country: string }[] }[];
    }>();
    assert.ok(chunks.length >= 1);
    if (path === `/${BIG_NAME}`) assert.equal(chunks.length, 25);
    for (const c of chunks) {
      assert.match(c.id, /^[0-9a-f]{64}$/);
      assert.equal(c.hosts.length, 3, `chunk ${c.id} on ${c.hosts.length} hosts`);
      assert.equal(new Set(c.hosts.map((h) => h.country)).size, 3);
    }
  }

  // Zero plaintext: the hub's database and every host's directory.
  const big = await readFile(join(src, BIG_NAME));
  const needles = [
    { label: 'file name', bytes: Buffer.from(BIG_NAME) },
    { label: 'small file name', bytes: Buffer.from('note-503.txt') },
    { label: 'folder name', bytes: Buffer.from('folder-3') },
    { label: 'password', bytes: Buffer.from(PASSWORD) },
    { label: 'email-free plaintext marker', bytes: Buffer.from(markers[503] as string) },
    { label: 'small plaintext', bytes: Buffer.from('lorem ipsum lorem ipsum') },
    ...[0, 1, 17, 50, 99].map((mib) => ({
      label: `big file bytes at ${mib} MiB`,
      bytes: big.subarray(mib * 1024 * 1024 + 4096, mib * 1024 * 1024 + 4096 + 32),
    })),
  ];
  const places = [
    ...(await filesUnder(join(dir, 'net', 'hub'))),
    ...(await filesUnder(join(dir, 'net', 'hosts'))),
  ];
  assert.ok(places.some((p) => p.endsWith('hub.sqlite')));
  assert.ok(
    places.some((p) => p.endsWith('.seg')),
    'host segments were scanned',
  );
  assert.deepEqual(await findNeedles(places, needles), []);
  // The scan can find things: the same needles are in the source folder.
  assert.ok((await findNeedles([join(src, BIG_NAME)], needles.slice(-5))).length === 5);
});

test('each CLI session has a name: this machine by default, or --device; a bad name is refused', async () => {
  const laptop = { ...env, COFFER_CONFIG_DIR: join(dir, 'config-laptop') };
  const bad = await cli(['login', 'newcomer@example.com', '--device', 'a\u0007b'], laptop);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /--device: expected no control or format characters/);
  // Nor a bidi override, which would disguise the name beside the warnings it is shown with.
  const disguised = await cli(['login', 'newcomer@example.com', '--device', 'a\u202eb'], laptop);
  assert.match(disguised.stderr, /--device: expected no control or format characters/);
  const login = await cli(['login', 'newcomer@example.com', '--device', 'work laptop'], laptop);
  assert.equal(login.code, 0, login.stderr);
  const r = await cli(['sessions', '--json'], laptop);
  assert.equal(r.code, 0, r.stderr);
  const names = r.json<{ sessions: { deviceName: string; current: boolean }[] }>().sessions;
  assert.deepEqual(
    names.map((s) => [s.deviceName, s.current]).sort(),
    [
      [`coffer cli on ${hostname()}`, false],
      ['work laptop', true],
    ].sort(),
  );
});
