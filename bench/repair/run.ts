// `npm run bench:repair`: how long the network takes to restore replication after a host dies
// for good, against the disk's own write bandwidth measured in the same run.
// A hub and 3 hosts in 3 countries (2 replicas) on this machine; BENCH_REPAIR_MB (1536) of
// incompressible bytes are uploaded, so the host that dies holds about 1 GiB. The clock starts
// when the host is killed; repair begins once it counts as lost (lostAfterMs, 2 s here) and
// ends when every chunk is back on 2 hosts in 2 countries.
// It also prints the CPU-seconds the hub and the surviving hosts spent from the kill to the end
// (from /proc). For profiles of the repair alone:
//   BENCH_REPAIR_PROF=1 BENCH_REPAIR_PROF_DIR=/tmp/p \
//     NODE_OPTIONS="--import $PWD/bench/repair/profile.mjs" npm run bench:repair
// sends them SIGUSR2 before the kill (it starts the profiler that preload installs) and SIGINT
// at the end, so that they write their profiles as they exit.
import { once } from 'node:events';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, startNetwork } from '@coffer/tests';
import { writeRandomFile } from '@coffer/tests/files';

const MB = Number(process.env.BENCH_REPAIR_MB ?? 1536);
const LOST_AFTER_MS = 2000;
const PROF = process.env.BENCH_REPAIR_PROF === '1';
const dir = await mkdtemp(join(tmpdir(), 'coffer-bench-repair-'));

/** Writes `bytes` to a fresh file in `dir` and fdatasyncs it: the disk's write bandwidth. */
async function diskWriteMBs(bytes: number): Promise<number> {
  const fh = await open(join(dir, 'disk-probe'), 'w');
  const block = Buffer.alloc(4 * 1024 * 1024, 7);
  const t = performance.now();
  for (let done = 0; done < bytes; done += block.length) await fh.write(block);
  await fh.datasync();
  const s = (performance.now() - t) / 1000;
  await fh.close();
  await rm(join(dir, 'disk-probe'));
  return bytes / 1e6 / s;
}

/** User plus system CPU-seconds of a process so far (Linux; 0 elsewhere). */
async function cpuSeconds(pid: number | undefined): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15, in clock ticks (100 a second on Linux).
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) / 100;
}

const net = await startNetwork({
  hosts: 3,
  countries: ['FR', 'DE', 'ES'],
  hubConfig: {
    repair: { intervalMs: 200, lostAfterMs: LOST_AFTER_MS, batch: 1000 },
    heartbeatMs: 200,
    offlineAfterMs: 1000,
  },
});
try {
  const admin = async (path: string) =>
    (await fetch(`${net.hubUrl}${path}`, {
      headers: { authorization: `Bearer ${net.operatorToken}` },
    }).then((r) => r.json())) as Record<string, unknown>;
  const env = { ...net.env, COFFER_PASSWORD: 'a long bench password' };
  await cli(['signup', 'repair@bench.example'], env);
  const file = join(dir, 'big.bin');
  await writeRandomFile(file, MB * 1024 * 1024, 3);
  const put = await cli(['put', file, '/big.bin', '--json'], env);
  if (put.code !== 0) throw new Error(put.stderr);
  await rm(file);
  // Let heartbeats report usage, then pick the host holding the most.
  await new Promise((r) => setTimeout(r, 1000));
  const { hosts } = (await admin('/api/admin/hosts')) as {
    hosts: { id: string; url: string; usedBytes: number }[];
  };
  const victim = [...hosts].sort((a, b) => b.usedBytes - a.usedBytes)[0];
  const proc = net.hosts.find((h) => h.url === victim?.url);
  if (!victim || !proc) throw new Error('no victim');
  const disk = await diskWriteMBs(1024 * 1024 * 1024);

  const survivors = net.hosts.filter((h) => h !== proc);
  const cpu = () => Promise.all([net.hub, ...survivors].map((p) => cpuSeconds(p.child.pid)));
  if (PROF) for (const p of [net.hub, ...survivors]) p.child.kill('SIGUSR2');
  // What they spend idle (heartbeats, this script's polling) over a few seconds, to take off.
  const idle0 = await cpu();
  const tIdle = performance.now();
  await new Promise((r) => setTimeout(r, 3000));
  const cpu0 = await cpu();
  const idleRate = cpu0.map((c, i) => (c - (idle0[i] ?? 0)) / ((performance.now() - tIdle) / 1000));
  const t0 = performance.now();
  await proc.kill();
  for (;;) {
    const stats = (await admin('/api/admin/stats')) as {
      repair: { underReplicated: number; copiedTotal: number; lastRoundAt: number | null };
    };
    // The round that copies reports the chunks it found below target; the next finds none.
    if (stats.repair.copiedTotal > 0 && stats.repair.underReplicated === 0) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const total = (performance.now() - t0) / 1000;
  const cpu1 = await cpu();
  const spent = cpu1.map((c, i) => c - (cpu0[i] ?? 0));
  const repairing = total - LOST_AFTER_MS / 1000;
  const repairedMB = victim.usedBytes / 1e6;
  const rate = repairedMB / repairing;
  const perGiB = 1024 ** 3 / 1e6 / rate;
  const diskGiB = 1024 ** 3 / 1e6 / disk;
  console.log(`# repair after a host dies (3 hosts, 2 replicas), ${MB} MiB uploaded`);
  console.log(`repaired: ${repairedMB.toFixed(0)} MB held by the dead host`);
  console.log(
    `time from kill: ${total.toFixed(2)} s (of which ${LOST_AFTER_MS / 1000} s until it counts as lost)`,
  );
  console.log(`repair: ${repairing.toFixed(2)} s, ${rate.toFixed(1)} MB/s`);
  const gib = repairedMB / (1024 ** 3 / 1e6);
  const perGiBcpu = spent.map((c) => (c / gib).toFixed(2));
  const netGiBcpu = spent.map((c, i) => ((c - (idleRate[i] ?? 0) * total) / gib).toFixed(2));
  console.log(
    `CPU-seconds per GiB repaired: hub ${perGiBcpu[0]}, hosts ${perGiBcpu.slice(1).join(', ')}`,
  );
  console.log(
    `  less what they spend idle: hub ${netGiBcpu[0]}, hosts ${netGiBcpu.slice(1).join(', ')}`,
  );
  console.log(`disk write (1 GiB, fdatasync): ${disk.toFixed(1)} MB/s`);
  console.log(
    `1 GiB: repair ${perGiB.toFixed(2)} s vs 1 GiB / disk bandwidth ${diskGiB.toFixed(2)} s: ${(perGiB / diskGiB).toFixed(2)}×`,
  );
  if (PROF) {
    await Promise.all(
      [net.hub, ...survivors].map(async (p) => {
        const exited = once(p.child, 'exit');
        p.child.kill('SIGINT');
        await exited;
      }),
    );
  }
} finally {
  await net.close();
  await rm(dir, { recursive: true, force: true });
}
