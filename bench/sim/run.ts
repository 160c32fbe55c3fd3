// A discrete-event simulation of Coffer's hoster network over months: does repair keep every
// chunk at its replica target under churn, and at what cost?
//
//   node --import tsx bench/sim/run.ts    # defaults: 10,000 hosts, 12 months, R=3 as the hub
//   SIM_REPLICAS=2 node --import tsx bench/sim/run.ts                    # the hub's old default
//   SIM_REPLICAS=2 SIM_POOR_LOST_MINUTES=30 node --import tsx bench/sim/run.ts  # poor record
//   SIM_REPLICAS=8 SIM_EC_K=4 SIM_REPAIR_AT=6 node --import tsx bench/sim/run.ts  # 4-of-8
//   SIM_HOSTS=1000 SIM_CHUNKS=1000000 SIM_UPLOADS_PER_DAY=5000 SIM_MONTHS=6 SIM_COUNTRIES=50 \
//     SIM_COUNTRY_OUTAGE=0 SIM_FLAKY_SHARE=0 SIM_CHUNK_SAMPLE=1 SIM_REPLICAS=2  # the 1,000 hosts
//
// Every parameter is an environment variable (bench/sim/config.ts lists them; the report prints
// them all). Prints a Markdown report on stdout, progress and a one-line JSON summary on stderr.
// Its pure logic (churn, a country outage, loss counting) is tested in sim.test.ts.
//
// Sampling (SIM_CHUNK_SAMPLE, 5% by default): only a share f of the chunks is simulated, each
// standing for 1/f. Every host, event and round is simulated in full; a replica weighs 1/f
// chunks on its host (placement sees full-size hosts), repair takes repair.batch x f chunks a
// round, a failed audit forgets the replica it checked with chance f, and every count of chunks
// or bytes is scaled back. Losses are rare: besides the count (whose noise at 5% is large), the
// report gives the expected losses, the time chunks spent one lost piece from being lost times
// the failure rate of the hosts then holding them, which the sample estimates far better.
//
// Options compared (issue 20): SIM_POOR_LOST_MINUTES (a host with a poor record, that is
// SIM_POOR_OUTAGES outages in the last 30 days or a failed audit, counts as lost after that
// many minutes instead of lostAfter), SIM_REPLICAS (a third replica), SIM_EC_K with
// SIM_REPLICAS as n (k-of-n erasure coding, one piece per country, Storj's model: any k rebuild
// the chunk; repair reads k pieces and writes the missing ones once fewer than SIM_REPAIR_AT
// count; not in the hub). A share of hosts (SIM_FLAKY_SHARE, 10%) has SIM_FLAKY_FACTOR (5x)
// the outages and failures of the others, the means staying as set: a poor record that
// predicts failures, which faster repair for such hosts needs to help at all.
//
// The model, following the hub's code:
// - Chunks of 4 MiB need R=2 replicas on hosts in distinct countries. New chunks and repair
//   copies are placed by the real `choosePlacement` (packages/hub/src/services/placement.ts),
//   called as a pure function with HostRow-shaped hosts; Math.random is replaced by the seeded
//   PRNG so that its tie-breaking is reproducible too.
// - Hosts (Zipf-skewed over countries, capacity uniform in 1-20 TB) have Poisson churn per host
//   per month: transient outages (log-uniform 5 min-12 h, back with their data), permanent
//   failures (data gone at once), graceful exits, plus new hosts joining. A share of hosts
//   turns liar at a random time: it silently drops a fraction of what it holds and of what it
//   receives later, and still answers as if it held everything.
// - Hub view (repair.ts): a replica counts while its host is active and not lost (offline for
//   lostAfter, 4 h). Every repair interval (30 s) a round takes up to `batch` (100) chunks whose
//   counting replicas span fewer than R countries and that have a holder online (any state),
//   in random order (the seeded PRNG stands for SQL's random()), and copies each from any
//   holder the hub sees online to hosts chosen by choosePlacement; the copy works only if that
//   source really has the bytes. Once a chunk is back at target, replicas on lost, exiting or
//   disqualified hosts are forgotten; so are those of a host turning lost whose chunk is at
//   target without it. An exiting host with no replica left exits. SIM_REPAIR_ORDER=id or fifo
//   model older hubs, whose query took every chunk below target, online holder or not: id in
//   chunk-id order as SQLite returned it (chunks that cannot be repaired take the batch and
//   starve the rest), fifo oldest first.
// - Early repair (SIM_EARLY_MINUTES=X, off by default; not in the hub yet): a replica also
//   stops counting once its host has been offline X minutes, but its row stays until lostAfter,
//   so a chunk whose other holders are away gets a copy at X instead of at lostAfter. When an
//   away host comes back its replicas count again; a chunk with more than R + SIM_SPARES
//   counting replicas then loses the newest ones on online hosts (deleted on the host, not
//   orphaned), never going below R countries.
// - Audits (audits.ts): every interval (60 s) each active online host is asked for one random
//   chunk it is recorded as holding. An honest host always passes; a liar fails when that chunk
//   is one it dropped (so with probability = the share it dropped), the replica is forgotten
//   (repair restores it), and 3 fails in a row disqualify it (none of its replicas count).
// - A chunk is lost when no host the hub records it on still has its bytes: permanent failures,
//   liars' drops, and replicas the hub forgot do not count; a host that is merely offline does.
//
// Simplifications:
// - Copies, uploads and audits are instantaneous and never fail for bandwidth, timeouts or
//   overload; a host is offline from the moment it goes down (no offlineAfterMs delay) and is
//   never chosen as a target while down. Events land at their exact time, but the hub acts only
//   at its periodic rounds (repair every 30 s, audits every 60 s, upload batches every 10 min).
// - choosePlacement gets a uniform sample of SIM_SAMPLE (32) placeable hosts per call, not all
//   of them (~190 us a call over 1,000 hosts against ~4 us over 32; there are millions of
//   calls); within the sample it still prefers the emptiest hosts in distinct countries, and
//   when the sample has no answer the full list decides. SIM_SAMPLE=0 passes every host; on
//   300 hosts, both nearly empty and 65% full, the two gave the same losses, traffic and
//   times below target within run-to-run noise. What a sample blurs: over all hosts, a host
//   much emptier than the rest (a new one, in a full network) gets nearly every placement.
// - The data stored at the start is placed at time 0 by the same rules, with every host up.
// - A repair of a chunk with no usable source fails without calling choosePlacement (repair.ts
//   calls it first, but the round fails either way).
// - Only turned liars are audited one by one; every other active online host counts as one
//   passed audit per round (it would pass). No bit rot on honest hosts.
// - New hosts are active at once (hostApproval auto); joins are a Poisson process at
//   SIM_JOIN_RATE x SIM_HOSTS per month; nothing is ever deleted by users (no GC).
// - A disqualified host stays in the network and may serve as a repair source for the bytes it
//   really has, as repair.ts allows (it tries every holder the hub sees online).
// - Every host counts as vetted (choosePlacement's unvettedShare left at 1) and there are no
//   folder policies or tags.
// - Countries are never excluded by the policy; capacity is plenty by default (the network is
//   well under 1% full), so "no room" never happens unless SIM_CAP_*_TB say so.
import { relative } from 'node:path';
import { paramRows, readParams } from './config.ts';
import { mulberry32 } from './rng.ts';
import { DAY, HOUR, MINUTE, Simulation } from './sim.ts';

const p = readParams();
const rng = mulberry32(p.seed);
// choosePlacement breaks ties with Math.random; make that reproducible from the seed too.
Math.random = mulberry32(p.seed ^ 0x9e3779b9);

const t0 = performance.now();
const sim = new Simulation(p, rng);
sim.run((line) =>
  process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(1)} s] ${line}\n`),
);
const wall = (performance.now() - t0) / 1000;

// ---- report ----

const out: string[] = [];
const say = (line = '') => out.push(line);
const TB = 1e12;
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const pct = (x: number, digits = 3) => `${(x * 100).toFixed(digits)}%`;
const dur = (ms: number) =>
  ms >= 2 * DAY
    ? `${(ms / DAY).toFixed(1)} d`
    : ms >= HOUR
      ? `${(ms / HOUR).toFixed(1)} h`
      : `${(ms / MINUTE).toFixed(1)} min`;
const table = (head: string[], rows: string[][]) => {
  say(`| ${head.join(' | ')} |`);
  say(`|${head.map(() => '---').join('|')}|`);
  for (const r of rows) say(`| ${r.join(' | ')} |`);
};

const simEnv = Object.entries(process.env)
  .filter(([k]) => k.startsWith('SIM_'))
  .sort(([a], [b]) => a.localeCompare(b))
  .map(([k, v]) => `${k}=${v} `)
  .join('');
const script = relative(process.cwd(), process.argv[1] ?? 'bench/sim/run.ts');
const command = `${simEnv}node ${process.execArgv.join(' ')} ${script}`.replace(/\s+/g, ' ');

const c = sim.counters;
const days = sim.copiesPerDay.length;
const chunkBytes = sim.chunkBytes;
/** Counts in the sample stand for 1/f as many chunks. */
const F = 1 / sim.f;
const ec = p.ecK > 0;
const scheme = ec
  ? `${p.ecK}-of-${p.replicas} erasure coding, one piece per country, repaired below ${sim.repairAt}`
  : `${p.replicas} whole replicas in distinct countries`;
say('# Coffer hoster network simulation');
say();
say(`Command: \`${command}\``);
say();
say(
  `Seed ${p.seed}; ${p.months} months simulated in ${wall.toFixed(1)} s of wall-clock time ` +
    `(${fmt(c.placementCalls)} choosePlacement calls, ${fmt(c.placementFallbacks)} of them ` +
    `redone over all hosts). Scheme: ${scheme}` +
    (p.poorLostMinutes > 0
      ? `; a host with a poor record counts as lost after ${p.poorLostMinutes} min.`
      : '.'),
);
if (sim.f < 1) {
  say();
  say(
    `**Sampled:** ${pct(sim.f, 1)} of the chunks are simulated, each standing for ` +
      `${fmt(F, 1)}: a replica weighs ${fmt(F, 1)} chunks on its host (so placement sees full-size ` +
      `hosts), repair takes repair.batch x f chunks a round, and every count of chunks or bytes ` +
      `below is scaled back by ${fmt(F, 1)}. Losses are rare events: besides the count, the ` +
      `expected losses (time one failure from loss x the failure rate of the hosts then holding ` +
      `the chunk) estimate them with much less noise.`,
  );
}
say();
say('## Parameters');
say();
table(['variable', 'value', 'meaning'], paramRows(p));
say();

say('## Network');
say();
const countries = sim.countryCounts();
const total = sim.hosts.length;
say(
  `${fmt(p.hosts)} hosts at the start, ${fmt(total)} ever (joins included), in ` +
    `${countries.length} countries; biggest: ` +
    countries
      .slice(0, 5)
      .map((x) => `${x.country} ${pct(x.hosts / total, 1)}`)
      .join(', ') +
    `; the smallest ${Math.min(10, countries.length)} have ` +
    `${countries
      .slice(-10)
      .map((x) => x.hosts)
      .join(', ')} hosts. ${fmt(sim.hosts.filter((h) => h.flaky).length)} have a poor record ` +
    `(${p.flakyFactor}x the outages and failures of the others).`,
);
const states = sim.hostStates();
say(
  `Hosts at the end: ${Object.entries(states)
    .sort((a, b) => b[1] - a[1])
    .map(([s, n]) => `${s} ${n}`)
    .join(', ')}.`,
);
const capacity = sim.hosts.reduce((a, h) => a + (h.left || h.failed ? 0 : h.capacity), 0);
const stored = sim.hosts.reduce((a, h) => a + (h.left || h.failed ? 0 : h.stored_bytes), 0);
say(
  `Chunks: ${fmt(p.chunks)} at the start, ${fmt(sim.nChunks * F)} at the end ` +
    `(${fmt(c.uploads * F)} uploaded, ${fmt(c.uploadsFailed * F)} uploads refused); pieces ` +
    `recorded on hosts still in the network: ${(stored / TB).toFixed(1)} TB of ` +
    `${(capacity / TB).toFixed(0)} TB capacity (${pct(stored / capacity, 2)} full).`,
);
if (p.countryOutage) {
  say(
    `Country outage: every host in ${sim.biggest} down for ${p.countryOutageHours} h ` +
      `from day ${p.countryOutageMonth * 30}.`,
  );
}
say();

say('## Chunks lost');
say();
const expectedLost = sim.expectedLost * F;
say(
  `**${fmt(sim.lostChunks * F)} chunks lost** (goal: 0; ${fmt(sim.lostChunks)} in the sample)` +
    (sim.lostChunks ? `, ${pct(sim.lostChunks / sim.nChunks, 5)} of all chunks.` : '.') +
    ` Expected losses from permanent failures: ${expectedLost.toFixed(expectedLost < 10 ? 3 : 0)}. ` +
    `Chunks that were ever one lost piece from being lost: ${fmt(sim.edgeChunks * F)}, for ` +
    `${fmt((sim.edge.total * F) / HOUR)} chunk-hours in all.`,
);
if (sim.lostChunks) {
  const lostDays = new Map<number, number>();
  for (let i = 0; i < sim.nChunks; i++) {
    const at = sim.lostAt[i] ?? -1;
    if (at >= 0) lostDays.set(Math.floor(at / DAY), (lostDays.get(Math.floor(at / DAY)) ?? 0) + 1);
  }
  const byDay = [...lostDays]
    .sort((a, b) => a[0] - b[0])
    .map(([d, n]) => `day ${d}: ${fmt(n * F)}`)
    .join(', ');
  say();
  say(`Losses by day: ${byDay}.`);
  say();
  say(
    `What took the last piece (in the sample): ${[...sim.lossCauses]
      .sort((a, b) => b[1] - a[1])
      .map(([cause, n]) => `${cause} ${n}`)
      .join(', ')}.`,
  );
}
say();

say('## Repair traffic and costs');
say();
let maxDay = 0;
for (let d = 0; d < days; d++) {
  if ((sim.repairBytesPerDay[d] ?? 0) > (sim.repairBytesPerDay[maxDay] ?? 0)) maxDay = d;
}
const repairBytes = sim.repairBytesPerDay.reduce((a, b) => a + b, 0) * F;
const meanCopies = (c.copies * F) / days;
const maxCopies = (sim.copiesPerDay[maxDay] ?? 0) * F;
const meanRepairTB = repairBytes / days / TB;
const maxRepairTB = ((sim.repairBytesPerDay[maxDay] ?? 0) * F) / TB;
const uploadsMean = (c.uploads * F) / days;
const auditsPerDay = c.audits / days;
table(
  ['per day', 'pieces copied', 'repair TB', 'uploads (chunks)', 'audit downloads to the hub'],
  [
    [
      'mean',
      fmt(meanCopies),
      meanRepairTB.toFixed(3),
      fmt(uploadsMean),
      `${fmt(auditsPerDay)} chunks, ${((auditsPerDay * chunkBytes) / TB).toFixed(2)} TB`,
    ],
    [
      `max (day ${maxDay})`,
      fmt(maxCopies),
      maxRepairTB.toFixed(3),
      fmt(Math.max(...sim.uploadsPerDay) * F),
      '',
    ],
  ],
);
say();
const limit = (p.repairBatch * DAY) / (p.repairSeconds * 1000);
say(
  `${fmt(c.copies * F)} pieces copied in all (${(repairBytes / TB).toFixed(2)} TB moved). The rate ` +
    `limit allows ${fmt(limit)} chunks/day; ${fmt(c.roundsFull)} of ${fmt(c.repairRounds)} rounds ` +
    `took a full batch. Most chunks below target at once: ${fmt(sim.maxBelow * F)} (day ` +
    `${(sim.maxBelowAt / DAY).toFixed(1)}). Chunks a round took but could not repair: ` +
    `${fmt(c.repairFailed * F)} (${fmt(c.repairFailedLost * F)} of them already lost, retried forever).`,
);
say(
  `Replicas forgotten on a lost host that later came back with the bytes (orphans, which the ` +
    `host's daily reconciliation deletes; not modelled): ${fmt(c.orphaned * F)}, ` +
    `${(sim.orphanBytes() / TB).toFixed(2)} TB on hosts in the network at the end. Hosts counted ` +
    `lost early for a poor record: ${fmt(c.poorLost)}.`,
);
const liveChunks = sim.nChunks - sim.lostChunks;
const storedPerChunk = stored / (Math.max(1, liveChunks) * F * chunkBytes);
const clientUpload = ec ? p.replicas / p.ecK : 1;
const networkUpload = ec ? p.replicas / p.ecK : p.replicas;
say(
  `Storage: ${storedPerChunk.toFixed(3)} bytes stored per byte of live chunk at the end ` +
    `(target ${ec ? (p.replicas / p.ecK).toFixed(2) : p.replicas}). Client upload per byte of ` +
    `chunk: ${clientUpload.toFixed(2)} (${ec ? 'the client sends every piece' : 'the first host forwards the copies'}); ` +
    `bytes written across the network per byte uploaded: ${networkUpload.toFixed(2)}. Early ` +
    `repair: ${fmt(c.earlyCopies * F)} of the copies were made while a holder was away but not ` +
    `lost; ${fmt(c.surplusDeleted * F)} surplus replicas deleted when hosts came back.`,
);
say();

say('## Time below target');
say();
const chunkTime = sim.chunkTime();
const row = (name: string, d: typeof sim.below) => {
  const [p50 = 0, p99 = 0, max = 0] = d.percentiles([0.5, 0.99, 1]);
  return [
    name,
    fmt((d.total * F) / HOUR),
    pct(d.total / chunkTime, 4),
    fmt(d.n * F),
    dur(p50),
    dur(p99),
    dur(max),
  ];
};
table(
  ['', 'chunk-hours', 'share of chunk-time', 'episodes', 'p50', 'p99', 'max'],
  [
    row(`hub view: counting pieces span < ${sim.repairAt} countries`, sim.below),
    row(
      ec ? `pieces really held < ${p.replicas}` : 'bytes really held in < R countries',
      sim.exposed,
    ),
    row('one lost piece from being lost', sim.edge),
    row('unreadable: too few holders online have the bytes', sim.unreadable),
  ],
);
say();
say(
  'The hub view is what repair acts on: a host counts until it has been offline for ' +
    `${p.lostAfterHours} h, so a dead host's chunks are below target only from then on. The ` +
    'second row counts the real copies: it starts at the failure itself or at a liar dropping ' +
    'the bytes, and ignores transient outages (the bytes are still there). The fourth is ' +
    'availability: the chunk cannot be downloaded right now (a lost chunk stops counting). ' +
    'Durations are per episode (a chunk can have several); episodes still open at the end are ' +
    `cut there. Total chunk-time: ${fmt((chunkTime * F) / HOUR)} chunk-hours.`,
);
say();

say('## Events');
say();
table(
  ['event', 'count'],
  [
    ['transient outages', fmt(c.outages)],
    [`... hosts offline past the lost delay (includes failures)`, fmt(c.outagesLost)],
    ['permanent failures', fmt(c.failures)],
    ['graceful exits started', fmt(c.exitsStarted)],
    ['graceful exits completed', fmt(c.exitsCompleted)],
    ['hosts joined', fmt(c.joins)],
    ['liars (hosts that turn)', fmt(c.liars)],
    ['liars turned within the run', fmt(c.liarsTurned)],
    ['disqualifications', fmt(c.disqualified)],
    ['audits', fmt(c.audits)],
    ['audits failed', fmt(c.auditsFailed)],
    ['repair rounds', fmt(c.repairRounds)],
  ],
);
process.stdout.write(`${out.join('\n')}\n`);
const summary = {
  lost: sim.lostChunks * F,
  lostInSample: sim.lostChunks,
  expectedLost: Number(expectedLost.toFixed(3)),
  edgeChunks: sim.edgeChunks * F,
  copiesPerDay: [Math.round(meanCopies), Math.round(maxCopies)],
  repairTBPerDay: [Number(meanRepairTB.toFixed(3)), Number(maxRepairTB.toFixed(3))],
  belowShare: Number(((sim.below.total / chunkTime) * 100).toFixed(5)),
  belowP50P99MaxH: sim.below.percentiles([0.5, 0.99, 1]).map((x) => Number((x / HOUR).toFixed(2))),
  storedPerChunk: Number(storedPerChunk.toFixed(3)),
  clientUpload,
  networkUpload,
  poorLost: c.poorLost,
  causes: Object.fromEntries(sim.lossCauses),
  wallSeconds: Math.round(wall),
};
process.stderr.write(`summary: ${JSON.stringify(summary)}\n`);
