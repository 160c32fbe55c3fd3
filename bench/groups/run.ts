// `npm run bench:groups`: what groups cost a member on this machine (issue 15). Two parts:
//
// 1. Catalog search: the time per query over 10,000 entries (GROUPS_ENTRIES), searched on the
//    client as the CLI and the web app do.
// 2. A direct copy between two personal servers: a hub and two personal servers, each its own
//    process on this machine (startNetwork, as the tests run them). Alice keeps a folder on her
//    server only (`coffer policy /F --on personal`) and puts GROUPS_COPY_MIB (1024) MiB of
//    incompressible bytes in it. The operator route then copies every chunk of it to a server
//    of Bob's (POST /api/admin/copies: the hub signs an order, Bob's server pulls each chunk
//    from Alice's), timed from the request until the job reads `done` (polled every 50 ms).
//    The peer, in the same run: `cp -r` of Alice's server's segment files (the same chunk
//    bytes plus a 64-byte header each, on the same file system) into a fresh directory.
//    Page cache: both read a source that is in the cache (just uploaded; caches are not
//    dropped, the machine is shared); `sync` runs before each clock starts and each clock
//    stops after a `sync`, so both pay for getting their writes to the disk (the destination
//    host also fdatasyncs every chunk before it reports it). GROUPS_COPY_REPEAT (3) times:
//    cp, then a copy into a fresh server of Bob's; the fastest of each is the figure, printed
//    with the CPU seconds its processes used (source host, destination host, hub; cp and
//    sync), which vary less than wall time when the machine is busy. It says whether the hub
//    and hosts ran the CLI bundle or the sources (`node scripts/build-cli.mjs` rebuilds the
//    bundle). GROUPS_COPY_MIB=0 skips the copy.
//
// 3. The floor (floor.ts): the steps a copy cannot skip, timed alone, and the best rate they
//    allow on this machine's cores.
//
// Only the copy moves bytes meanwhile: repair and audits are an hour apart, the copier looks
// at jobs every 50 ms. About 80 s here. Record the figures in docs/benchmarks.md.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { CopyProgress } from '@coffer/protocol';
import { Catalog, type CatalogEntry, CofferClient, KINDS } from '@coffer/sdk';
import { cli, type Proc, replicasOf, startNetwork } from '@coffer/tests';
import { writeRandomFile } from '@coffer/tests/files';
import { cofferBuild } from '../network/tools.ts';
import { commit, load } from '../run-info.ts';
import { copyFloor } from './floor.ts';

const count = Number(process.env.GROUPS_ENTRIES ?? 10_000);
const copyMiB = Number(process.env.GROUPS_COPY_MIB ?? 1024);
const repeat = Math.max(1, Number(process.env.GROUPS_COPY_REPEAT ?? 3));
/**
 * CPU seconds (user + system) a process has used, from /proc (Linux; 0 elsewhere); `children`
 * counts the children it has waited for instead (cp and sync, for this process).
 */
const cpuSeconds = (pid: number | 'self', children = false): number => {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    const at = children ? 13 : 11; // utime, stime; cutime, cstime two further on
    return (Number(fields[at]) + Number(fields[at + 1])) / 100;
  } catch {
    return 0;
  }
};
console.log(`commit ${commit}, load average before: ${load()}`);

catalogSearch();
if (copyMiB > 0) await directCopy(copyMiB);
console.log(`load average after: ${load()}`);

function catalogSearch(): void {
  // Names like a film and music collection: a few words from a vocabulary, a year, an extension.
  const words = `amour nuit samouraï cercle rouge armée ombres jour ville lumière été hiver
    printemps automne mer montagne voyage retour dernier premier grand petit homme femme enfant
    histoire secret silence musique danse jazz blues concerto sonate live session remaster
    édition intégrale saison épisode documentaire portrait paysage famille vacances`.split(/\s+/);
  let seed = 7;
  const rand = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed % n;
  };
  const pick = () => words[rand(words.length)] as string;
  const entries: CatalogEntry[] = Array.from({ length: count }, (_, i) => {
    const kind = KINDS[rand(KINDS.length)] ?? 'other';
    return {
      groupId: `g${rand(5)}`,
      groupName: `Group ${rand(5)}`,
      entryId: i.toString(16).padStart(32, '0'),
      author: { accountId: `a${rand(8)}`, email: `member${rand(8)}@example.com` },
      name: `${pick()} ${pick()} ${pick()} (${1950 + rand(75)}).${kind === 'video' ? 'mkv' : kind === 'audio' ? 'flac' : 'pdf'}`,
      size: rand(4_000_000_000),
      kind,
      tags: [pick(), pick()],
      note: '',
      publishedAt: 1_700_000_000_000 + rand(100_000_000),
      updatedAt: 0,
      file: { nodeId: '0'.repeat(32), revision: 1 },
    };
  });

  let t = performance.now();
  const catalog = new Catalog(entries);
  const buildMs = performance.now() - t;
  const queries = ['samou', 'nuit rouge', 'été 19', 'jazz live', 'portrait', 'zzz'];
  const runs = 20;
  let hits = 0;
  t = performance.now();
  for (let r = 0; r < runs; r++) {
    for (const q of queries) hits += catalog.find({ search: q }).length;
  }
  const perQuery = (performance.now() - t) / (runs * queries.length);
  t = performance.now();
  for (let r = 0; r < runs; r++) catalog.find({ kind: 'video', sort: 'name' });
  const filterSort = (performance.now() - t) / runs;
  console.log(`# catalog search`);
  console.log(`catalog of ${count} entries: index built in ${buildMs.toFixed(1)} ms`);
  console.log(
    `search (${queries.length} queries × ${runs}, ${hits} hits): ${perQuery.toFixed(2)} ms per query`,
  );
  console.log(`kind filter + sort by name: ${filterSort.toFixed(2)} ms`);
}

async function directCopy(mib: number): Promise<void> {
  console.log(`# direct copy between two personal servers, ${mib} MiB`);
  console.log(`the hub and hosts run ${cofferBuild()}`);
  const net = await startNetwork({
    hosts: 0,
    hubConfig: {
      // Nothing but the copy moves bytes while it is timed.
      repair: { intervalMs: 3_600_000 },
      audit: { intervalMs: 3_600_000 },
      vetting: { audits: 0, share: 1 },
      copies: { intervalMs: 50, nudgeMs: 5_000, orderTtlMs: 600_000 },
    },
  });
  try {
    const password = 'a long bench password';
    const alice = { ...net.env, COFFER_PASSWORD: password };
    const bob = { ...net.env, COFFER_PASSWORD: password, COFFER_CONFIG_DIR: join(net.dir, 'bob') };
    const run = async <T>(args: string[], env: Record<string, string>): Promise<T> => {
      const r = await cli([...args, '--json'], env);
      if (r.code !== 0) throw new Error(`coffer ${args.join(' ')}: ${r.stderr}`);
      return r.json<T>();
    };
    await run(['signup', 'alice@bench.example'], alice);
    await run(['signup', 'bob@bench.example'], bob);
    const personalServer = async (country: string, env: Record<string, string>) => {
      const proc = await net.addHost(country, ['--personal']);
      const { hostId } = await run<{ hostId: string }>(['host', 'claim', '--data', proc.dir], env);
      return { proc, hostId };
    };
    const source = await personalServer('FR', alice);

    await run(['mkdir', '/F'], alice);
    await run(['policy', '/F', '--on', 'personal'], alice);
    const file = join(net.dir, 'big.bin');
    await writeRandomFile(file, mib * 1024 * 1024, 11);
    let t = performance.now();
    await run(['put', file, '/F/big.bin'], alice);
    const putS = (performance.now() - t) / 1000;
    await rm(file);
    console.log(`uploaded to Alice's server in ${putS.toFixed(1)} s`);

    const client = await CofferClient.login({
      hubUrl: net.hubUrl,
      email: 'alice@bench.example',
      password,
    });
    const replicas = await replicasOf(client, '/F/big.bin');
    const chunks = [...new Map(replicas.map((r) => [r.id, { id: r.id, size: r.size }])).values()];
    const elsewhere = replicas.filter((r) => r.hostId !== source.hostId);
    if (elsewhere.length > 0) {
      throw new Error(`${elsewhere.length} replicas are not on Alice's server alone`);
    }
    const copyBytes = chunks.reduce((s, c) => s + c.size, 0);
    const segDir = join(source.proc.dir, 'segments');
    const segments = (await readdir(segDir)).filter((f) => f.endsWith('.seg'));
    let segBytes = 0;
    for (const f of segments) segBytes += (await stat(join(segDir, f))).size;
    console.log(
      `${chunks.length} chunks, ${(copyBytes / 1e6).toFixed(1)} MB; on Alice's server in ${segments.length} segment files, ${(segBytes / 1e6).toFixed(1)} MB`,
    );

    const operator = async (path: string, body?: unknown) => {
      const res = await fetch(`${net.hubUrl}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: {
          authorization: `Bearer ${net.operatorToken}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as CopyProgress;
    };
    const sync = () => execFileSync('sync');

    type Timed = { s: number; cpu: string };
    let bestCp: Timed = { s: Number.POSITIVE_INFINITY, cpu: '' };
    let bestCopy: Timed = { s: Number.POSITIVE_INFINITY, cpu: '' };
    for (let r = 1; r <= repeat; r++) {
      // cp: the source server's segment files into a fresh directory on the same file system.
      const target = join(net.dir, `cp-${r}`);
      await mkdir(target);
      sync();
      const cpu0 = cpuSeconds('self', true);
      t = performance.now();
      execFileSync('cp', ['-r', segDir, target]);
      const cpOnly = (performance.now() - t) / 1000;
      sync();
      const cp: Timed = {
        s: (performance.now() - t) / 1000,
        cpu: `${(cpuSeconds('self', true) - cpu0).toFixed(2)} CPU s (cp and sync)`,
      };
      await rm(target, { recursive: true });
      if (cp.s < bestCp.s) bestCp = cp;

      // The copy: into a fresh personal server of Bob's, until the hub says the job is done.
      const dest: { proc: Proc; hostId: string } = await personalServer('DE', bob);
      const pids = [source.proc, dest.proc, net.hub].map((p) => p.child.pid ?? 0);
      sync();
      const cpus0 = pids.map((pid) => cpuSeconds(pid));
      t = performance.now();
      const job = await operator('/api/admin/copies', {
        source: source.hostId,
        destination: dest.hostId,
        chunks,
      });
      let p = job;
      while (p.state === 'running') {
        await new Promise((resolve) => setTimeout(resolve, 50));
        p = await operator(`/api/admin/copies/${job.id}`);
      }
      const doneS = (performance.now() - t) / 1000;
      const [src, dst, hub] = pids.map((pid, i) => cpuSeconds(pid) - (cpus0[i] ?? 0));
      sync();
      const copy: Timed = {
        s: (performance.now() - t) / 1000,
        cpu:
          `${((src ?? 0) + (dst ?? 0) + (hub ?? 0)).toFixed(2)} CPU s (source ${src?.toFixed(2)}, ` +
          `destination ${dst?.toFixed(2)}, hub ${hub?.toFixed(2)})`,
      };
      if (p.state !== 'done') throw new Error(`the copy failed: ${p.lastError}`);
      if (p.bytes.done !== copyBytes) throw new Error(`copied ${p.bytes.done} of ${copyBytes}`);
      if (copy.s < bestCopy.s) bestCopy = copy;
      await dest.proc.kill();
      await rm(dest.proc.dir, { recursive: true, force: true });
      console.log(
        `attempt ${r}: cp -r ${cp.s.toFixed(2)} s (${cpOnly.toFixed(2)} s before its sync), ${cp.cpu}; ` +
          `copy ${copy.s.toFixed(2)} s (done after ${doneS.toFixed(2)} s, ${p.orders} order(s)), ${copy.cpu}`,
      );
    }
    const cpRate = segBytes / 1e6 / bestCp.s;
    const copyRate = copyBytes / 1e6 / bestCopy.s;
    console.log(`best of ${repeat}, MB = 10^6 bytes:`);
    console.log(`cp -r of the segment files (+ sync): ${cpRate.toFixed(1)} MB/s, ${bestCp.cpu}`);
    console.log(
      `direct copy, Alice's server → Bob's (+ sync): ${copyRate.toFixed(1)} MB/s, ${bestCopy.cpu}`,
    );
    console.log(`ratio copy ÷ cp: ${(copyRate / cpRate).toFixed(2)}× (goal ≥ 0.5×)`);
    const floor = await copyFloor(net.dir, copyBytes);
    console.log(`# the floor: the steps a direct copy cannot skip, each alone in one process`);
    for (const f of floor) {
      console.log(`${f.step}: ${f.s.toFixed(2)} s, ${f.cpu.toFixed(2)} CPU s`);
    }
    const floorCpu = floor.reduce((sum, f) => sum + f.cpu, 0);
    const cores = availableParallelism();
    const floorRate = copyBytes / 1e6 / (floorCpu / cores);
    console.log(
      `together ${floorCpu.toFixed(2)} CPU s; spread perfectly over ${cores} cores: at most ` +
        `${floorRate.toFixed(0)} MB/s, ${(floorRate / cpRate).toFixed(2)}× of cp`,
    );
    console.log(
      'page cache: sources warm (just written), not dropped; sync before each clock, ' +
        'each clock stops after a sync',
    );
  } finally {
    await net.close();
  }
}
