// `npm run bench:sync`: Coffer's sync client against Syncthing (the Debian package) on this
// machine, in the same run (issue 16). Coffer: a hub and 3 hosts (startNetwork, as the tests run
// them), one account on two devices (twoDevices), each running `coffer sync` as a user would.
// Syncthing: two local instances set up as bench/sync/syncthing.ts says, default settings.
//
// 1. Propagation latency: SYNC_BENCH_EDITS (20) edits of one 1 KiB file on device A, each timed
//    until device B's copy is byte-identical (B's file read every 10 ms); median and p95. Both
//    Coffer devices run `coffer sync LOCAL /Bench --device A|B` in the foreground. Syncthing
//    keeps its default fsWatcherDelayS of 10 s: the delay it puts between a change and its
//    scan is part of what is compared.
// 2. Initial sync, A to an empty B: SYNC_BENCH_FILES (10,000) files of 4 KiB in 10 folders, then
//    one file of SYNC_BENCH_BIG_MIB (1024) MiB. Coffer: A runs `coffer sync --once` first, then
//    B's `coffer sync --once` is timed from its start until it exits. Syncthing: A has scanned the
//    folder and B (which knows A and has the folder, empty) is stopped; the clock runs from
//    starting B's process until B's REST API says the folder is idle with every file and nothing
//    needed. Both are then compared byte for byte with A (not timed).
// 3. Memory: a tree of SYNC_BENCH_TREE (100,000) files of 64 bytes (100 folders), on device A
//    only. Coffer: `coffer sync` in the foreground, VmHWM of its process (the node process that
//    runs the CLI; it starts no other) after the first pass and after idling past one full
//    rescan (30 s). Syncthing: one instance with the folder, after its first scan.
//
// SYNC_BENCH_PARTS (latency,small,big,memory) picks parts; SYNC_BENCH_PROFILE=DIR writes CPU
// profiles (`node --cpu-prof`) of Coffer's two passes of the small-files sync there.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCli, startNetwork, twoDevices } from '@coffer/tests';
import { noiseBytes, writeRandomFile } from '@coffer/tests/files';
import { coffer, cofferBuild } from '../network/tools.ts';
import { commit, load } from '../run-info.ts';
import { Syncthing, syncthingVersion } from './syncthing.ts';
import {
  after,
  type Cleanup,
  cpuSeconds,
  percentile,
  type Sampler,
  sameTree,
  sample,
  sleep,
  startNode,
  timeUntil,
} from './tools.ts';

const EDITS = Number(process.env.SYNC_BENCH_EDITS ?? 20);
const FILES = Number(process.env.SYNC_BENCH_FILES ?? 10_000);
const BIG_MIB = Number(process.env.SYNC_BENCH_BIG_MIB ?? 1024);
const TREE = Number(process.env.SYNC_BENCH_TREE ?? 100_000);
const PARTS = new Set((process.env.SYNC_BENCH_PARTS ?? 'latency,small,big,memory').split(','));
const PROFILE = process.env.SYNC_BENCH_PROFILE;

const started = performance.now();
console.log(`commit ${commit}, load average before: ${load()}`);
console.log(`coffer runs ${cofferBuild()}; ${syncthingVersion()}`);
console.log(
  `sizes: ${EDITS} edits, ${FILES} files of 4 KiB, ${BIG_MIB} MiB, a tree of ${TREE} files`,
);

if (PROFILE) await mkdir(PROFILE, { recursive: true });
const work = await mkdtemp(join(tmpdir(), 'coffer-syncbench-'));
const cleanup: Cleanup = after(work);
const rows: { measure: string; coffer: number; syncthing: number; unit: string; better: string }[] =
  [];
const row = (measure: string, coffer: number, syncthing: number, unit: string, better: string) => {
  rows.push({ measure, coffer, syncthing, unit, better });
};

try {
  const net = await startNetwork({ hosts: 3 });
  cleanup.add(() => net.close());
  const { a: envA, b: envB } = await twoDevices(net, 'bench');
  /** `coffer sync` started as a user would; killed at the end if still running. */
  const cofferSync = (dir: string, remote: string, device: 'A' | 'B', extra: string[] = []) => {
    const args = ['sync', dir, remote, '--device', device, ...extra];
    const env = device === 'A' ? envA : envB;
    // --cpu-prof is not allowed in NODE_OPTIONS: the profiled passes start node with it.
    const run =
      extra.includes('--once') && PROFILE
        ? startNode(['--cpu-prof', `--cpu-prof-dir=${PROFILE}`], coffer(args, env))
        : startCli(args, env);
    cleanup.add(async () => {
      if (run.child.exitCode === null) run.child.kill('SIGKILL');
    });
    return run;
  };
  const stop = async (run: ReturnType<typeof cofferSync>) => {
    run.child.kill('SIGTERM');
    const end = await run.done;
    if (end.code !== 0) throw new Error(`coffer sync ended with ${end.code}: ${end.stderr}`);
  };
  /** Two Syncthing devices that know each other, both running. */
  let pairs = 0;
  const syncthingPair = async () => {
    const n = ++pairs;
    const a = await Syncthing.create(`A${n}`, join(work, `st-a${n}`));
    const b = await Syncthing.create(`B${n}`, join(work, `st-b${n}`));
    cleanup.add(() => a.stop());
    cleanup.add(() => b.stop());
    await a.start();
    await b.start();
    await a.addDevice(b);
    await b.addDevice(a);
    return { a, b };
  };
  const pass = /in sync|\d+ (up|down)/;

  if (PARTS.has('latency') && EDITS > 0) {
    console.log('# propagation latency');
    const edits = async (fileA: string, fileB: string) => {
      const times: number[] = [];
      for (let i = 0; i < EDITS; i++) {
        const content = Buffer.from(noiseBytes(1024, 1000 + i));
        const t = performance.now();
        await writeFile(fileA, content);
        times.push(
          await timeUntil(t, async () => (await readFile(fileB)).equals(content), 120_000, 10),
        );
        await sleep(1000); // both sides settle before the next edit
      }
      return times;
    };
    const initial = Buffer.from('before the first edit\n');
    const [ca, cb] = [join(work, 'lat-coffer-a'), join(work, 'lat-coffer-b')];
    await mkdir(ca);
    await mkdir(cb);
    await writeFile(join(ca, 'note.txt'), initial);
    const runA = cofferSync(ca, '/Latency', 'A');
    await timeUntil(0, () => pass.test(runA.stdout()), 120_000);
    const runB = cofferSync(cb, '/Latency', 'B');
    await timeUntil(0, async () => (await readFile(join(cb, 'note.txt'))).equals(initial), 120_000);
    await sleep(2000);
    const coffer = await edits(join(ca, 'note.txt'), join(cb, 'note.txt'));
    await stop(runA);
    await stop(runB);
    console.log(`coffer, ms: ${coffer.map((t) => t.toFixed(0)).join(' ')}`);

    const st = await syncthingPair();
    const [sa, sb] = [join(work, 'lat-st-a'), join(work, 'lat-st-b')];
    await mkdir(sa);
    await mkdir(sb);
    await writeFile(join(sa, 'note.txt'), initial);
    await st.a.addFolder('lat', sa, [st.b]);
    await st.b.addFolder('lat', sb, [st.a]);
    await st.b.settled('lat', 1);
    await sleep(2000);
    const syncthing = await edits(join(sa, 'note.txt'), join(sb, 'note.txt'));
    await st.a.stop();
    await st.b.stop();
    console.log(`syncthing, ms: ${syncthing.map((t) => t.toFixed(0)).join(' ')}`);
    for (const [name, p] of [
      ['median', 50],
      ['p95', 95],
    ] as const) {
      row(
        `latency, ${name} of ${EDITS} edits`,
        percentile(coffer, p) / 1000,
        percentile(syncthing, p) / 1000,
        's',
        'lower',
      );
    }
  }

  /** Initial sync of `src` (filled already, `files` files, `bytes` bytes) to an empty B. */
  const initialSync = async (label: string, src: string, files: number, bytes: number) => {
    console.log(`# initial sync: ${label}`);
    // Syncthing first (it leaves only .stfolder in the source, removed before Coffer's turn).
    const st = await syncthingPair();
    const sb = join(work, `${label}-st-b`);
    await mkdir(sb);
    await st.b.addFolder(label, sb, [st.a]);
    await st.b.stop();
    let t = performance.now();
    await st.a.addFolder(label, src, [st.b]);
    await st.a.settled(label, files);
    const scanS = (performance.now() - t) / 1000;
    console.log(`syncthing A scanned it in ${scanS.toFixed(1)} s`);
    t = performance.now();
    await st.b.start();
    const stSampler = sample(st.b.pid);
    await st.b.settled(label, files);
    const stS = (performance.now() - t) / 1000;
    const stB = stSampler.stop();
    await st.a.stop();
    await st.b.stop();
    await sameTree(src, sb);
    await rm(sb, { recursive: true, force: true });
    await rm(join(src, '.stfolder'), { recursive: true, force: true });
    console.log(`syncthing B: ${stS.toFixed(2)} s, ${stB.text()}`);

    const cb = join(work, `${label}-coffer-b`);
    await mkdir(cb);
    const remote = `/${label}`;
    const servers = [net.hub, ...net.hosts].map((p) => p.child.pid ?? 0);
    const serverCpu = () => servers.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
    const timed = async (dir: string, device: 'A' | 'B') => {
      const t0 = performance.now();
      const cpu0 = serverCpu();
      const run = cofferSync(dir, remote, device, ['--once']);
      const s: Sampler = sample(run.child.pid ?? 0);
      const end = await run.done;
      const m = s.stop();
      if (end.code !== 0) throw new Error(`coffer sync ${device}: ${end.stderr}`);
      const text = `${m.text()}; hub and hosts ${(serverCpu() - cpu0).toFixed(1)} CPU s`;
      return { s: (performance.now() - t0) / 1000, m, text, out: end.stdout.trim() };
    };
    const up = await timed(src, 'A');
    console.log(`coffer A --once: ${up.s.toFixed(2)} s, ${up.text}: ${up.out}`);
    const down = await timed(cb, 'B');
    console.log(`coffer B --once: ${down.s.toFixed(2)} s, ${down.text}: ${down.out}`);
    await sameTree(src, cb);
    await rm(cb, { recursive: true, force: true });
    const mb = bytes / 1e6;
    if (files > 1)
      row(`${label}: files/s, A to empty B`, files / down.s, files / stS, '', 'higher');
    row(`${label}: MB/s, A to empty B`, mb / down.s, mb / stS, '', 'higher');
    row(`${label}: A's upload (Coffer) / scan (Syncthing), s`, up.s, scanS, 's', 'info');
    row(`${label}: peak RSS of B's client, MB`, down.m.hwmMB, stB.hwmMB, 'MB', 'lower');
  };

  if (PARTS.has('small') && FILES > 0) {
    const src = join(work, 'small');
    const folders = 10;
    for (let f = 0; f < folders; f++) await mkdir(join(src, `dir-${f}`), { recursive: true });
    for (let i = 0; i < FILES; i++) {
      await writeFile(join(src, `dir-${i % folders}`, `file-${i}.bin`), noiseBytes(4096, i + 1));
    }
    await initialSync('small', src, FILES, FILES * 4096);
    await rm(src, { recursive: true, force: true });
  }

  if (PARTS.has('big') && BIG_MIB > 0) {
    const src = join(work, 'big');
    await mkdir(src);
    await writeRandomFile(join(src, 'big.bin'), BIG_MIB * 1024 * 1024, 5);
    await initialSync('big', src, 1, BIG_MIB * 1024 * 1024);
    await rm(src, { recursive: true, force: true });
  }

  if (PARTS.has('memory') && TREE > 0) {
    console.log(`# memory: a tree of ${TREE} files`);
    const src = join(work, 'tree');
    const folders = 100;
    for (let f = 0; f < folders; f++) await mkdir(join(src, `d${f}`), { recursive: true });
    for (let i = 0; i < TREE; i++) {
      await writeFile(join(src, `d${i % folders}`, `f${i}.txt`), `file ${i} `.padEnd(64, '.'));
    }
    const st = await Syncthing.create('T', join(work, 'st-tree'));
    cleanup.add(() => st.stop());
    await st.start();
    let t = performance.now();
    await st.addFolder('tree', src, []);
    await st.settled('tree', TREE);
    const stScan = (performance.now() - t) / 1000;
    await sleep(5000);
    const stMem = sample(st.pid).stop();
    await st.stop();
    await rm(join(src, '.stfolder'), { recursive: true, force: true });
    console.log(`syncthing scanned it in ${stScan.toFixed(1)} s, then ${stMem.text()}`);

    t = performance.now();
    const run = cofferSync(src, '/Tree', 'A');
    const s = sample(run.child.pid ?? 0);
    await timeUntil(0, () => pass.test(run.stdout()), 4 * 3_600_000, 200);
    const firstS = (performance.now() - t) / 1000;
    const first = s.now();
    console.log(`coffer's first pass: ${firstS.toFixed(1)} s, then ${first.text()}`);
    await sleep(40_000); // past one full rescan (30 s by default)
    const idle = s.stop();
    console.log(`coffer after idling 40 s: ${idle.text()}; ${run.stdout().trim()}`);
    await stop(run);
    row(
      `tree of ${TREE}: peak RSS after the first pass, MB`,
      first.hwmMB,
      stMem.hwmMB,
      'MB',
      'lower',
    );
    row(`tree of ${TREE}: peak RSS after idling, MB`, idle.hwmMB, stMem.hwmMB, 'MB', 'lower');
    row(`tree of ${TREE}: RSS after idling, MB`, idle.rssMB, stMem.rssMB, 'MB', 'lower');
    row(
      `tree of ${TREE}: first pass (Coffer, uploads) / scan (Syncthing), s`,
      firstS,
      stScan,
      's',
      'info',
    );
  }
} finally {
  await cleanup.run();
}

console.log(`load average after: ${load()}`);
console.log(`wall time: ${((performance.now() - started) / 1000).toFixed(0)} s`);
console.log('\n| measure | Coffer | Syncthing | Coffer ÷ Syncthing |');
console.log('|---|--:|--:|--:|');
for (const r of rows) {
  const f = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(2));
  const ratio =
    r.syncthing > 0 && r.better !== 'info'
      ? `${(r.coffer / r.syncthing).toFixed(2)}× (${r.better} is better)`
      : '';
  console.log(
    `| ${r.measure} | ${f(r.coffer)} | ${r.syncthing > 0 ? f(r.syncthing) : ''} | ${ratio} |`,
  );
}
