// npm run bench: Coffer's CLI against rclone crypt and restic, in one run on one machine, on a
// 1 GiB file and on 10,000 files of 4 KiB. See bench/network/README.md and docs/benchmarks.md.
//
//   BENCH_BIG_MB=64 BENCH_SMALL_FILES=500 npm run bench     # a quick run
//   BENCH_TOOLS=rclone,restic npm run bench                  # the peers only
//
// Exits non-zero only when a tool fails or a download is not byte-identical, never for a goal.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasGnuTime, stopAll } from './measure.ts';
import { type Direction, goalLines, goals, type Row, table, withRates } from './report.ts';
import {
  attempt,
  cofferBuild,
  cofferMissing,
  rclone,
  restic,
  type Step,
  startCoffer,
  type Tool,
  type ToolName,
} from './tools.ts';
import {
  difference,
  MiB,
  makeBig,
  makeSmall,
  SMALL_FILE_BYTES,
  sizeLabel,
  type Workload,
} from './workloads.ts';

const bigBytes = Math.round(Number(process.env.BENCH_BIG_MB ?? 1024) * MiB);
const smallFiles = Math.round(Number(process.env.BENCH_SMALL_FILES ?? 10_000));
/** Which tools run: a comma-separated subset of rclone,restic,coffer. */
const chosen = new Set((process.env.BENCH_TOOLS ?? 'rclone,restic,coffer').split(','));
/** Each step runs this many times; the table keeps the fastest (see `fastest`). */
const repeat = Math.max(1, Math.round(Number(process.env.BENCH_REPEAT ?? 1)));
const RESULTS = fileURLToPath(new URL('last-run.json', import.meta.url));

const TOOLS: readonly [ToolName, (work: string) => Promise<Tool>][] = [
  ['rclone crypt', rclone],
  ['restic', restic],
  ['coffer', startCoffer],
];

const log = (line: string) => process.stderr.write(`${line}\n`);
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

function whySkipped(name: ToolName): string | null {
  if (!chosen.has(name === 'rclone crypt' ? 'rclone' : name)) return 'not in BENCH_TOOLS';
  return name === 'coffer' ? cofferMissing() : null;
}

/** The device and filesystem under `path`, as far as Linux tells. */
function disk(path: string): string {
  try {
    const out = execFileSync('df', ['--output=source,fstype', path], { encoding: 'utf8' });
    const [source = '?', fstype = '?'] = out.trim().split('\n').at(-1)?.split(/\s+/) ?? [];
    let rotational = '';
    try {
      const flag = readFileSync(`/sys/block/${basename(source)}/queue/rotational`, 'utf8');
      rotational = flag.trim() === '1' ? ', kernel reports it rotational' : ', non-rotational';
    } catch {
      // Not a whole block device (a partition, overlay, tmpfs).
    }
    return `${source} ${fstype}${rotational}`;
  } catch {
    return '?';
  }
}

function row(tool: ToolName, w: Workload, direction: Direction, fields: Partial<Row>): Row {
  return {
    tool,
    workload: w.id,
    label: w.label,
    direction,
    bytes: w.bytes,
    files: w.files,
    error: null,
    seconds: null,
    attemptSeconds: [],
    cpuSeconds: null,
    machineCpuSeconds: null,
    peakRssBytes: null,
    networkBytes: null,
    ...fields,
  };
}

/** The fastest attempt's figures (a busy machine only ever slows a step), the highest RSS. */
function fastest(steps: readonly Step[]): Partial<Row> {
  const best = steps.reduce((a, b) => (b.measurement.seconds < a.measurement.seconds ? b : a));
  const rss = steps.map((s) => s.measurement.peakRssBytes ?? 0);
  return {
    seconds: best.measurement.seconds,
    attemptSeconds: steps.map((s) => s.measurement.seconds),
    cpuSeconds: best.measurement.cpuSeconds,
    machineCpuSeconds: best.measurement.machineCpuSeconds,
    peakRssBytes: best.measurement.peakRssBytes === null ? null : Math.max(...rss),
    networkBytes: best.networkBytes,
  };
}

/**
 * Uploads and downloads every workload with one tool, `repeat` times, checking every download
 * byte for byte.
 *
 * Only single-file attempts are deleted as the run goes; trees of small files stay until the
 * end. On ext4 without a journal (this machine's root file system), the inode allocator skips
 * inodes freed less than 60 s ago (6 minutes while their inode-table block is dirty) and looks
 * at each one to find out (`recently_deleted()` in fs/ext4/ialloc.c): deleting 10,000 files
 * after each step made the next 10,000-file step slower every time, 3× by the fourth, with 10×
 * the system time.
 */
async function exercise(tool: Tool, workloads: readonly Workload[], rows: Row[]): Promise<void> {
  for (const w of workloads) {
    const ups: Step[] = [];
    const downs: Step[] = [];
    let failed: { direction: Direction; error: string } | null = null;
    for (let n = 1; n <= repeat && !failed; n++) {
      const a = attempt(w, n);
      const prefix = `  ${tool.name}, ${w.label}${repeat > 1 ? ` (${n}/${repeat})` : ''}`;
      try {
        const up = await tool.upload(a);
        ups.push(up);
        log(`${prefix}, upload: ${up.measurement.seconds.toFixed(2)} s`);
        const down = await tool.download(a);
        const diff = await difference(down.want, down.got);
        if (diff) throw new Error(`download is not byte-identical: ${diff}`);
        downs.push(down);
        log(`${prefix}, download: ${down.measurement.seconds.toFixed(2)} s`);
      } catch (e) {
        failed = { direction: ups.length < n ? 'upload' : 'download', error: message(e) };
        log(`${prefix}, ${failed.direction}: FAILED: ${failed.error}`);
      }
      if (w.files === 1)
        await tool.discard(a).catch((e) => log(`${prefix}: could not clean up: ${message(e)}`));
    }
    const result = (direction: Direction, steps: readonly Step[]): Row => {
      if (failed?.direction === direction) return row(tool.name, w, direction, failed);
      if (failed?.direction === 'upload')
        return row(tool.name, w, direction, { error: 'not run: the upload failed' });
      return row(tool.name, w, direction, fastest(steps));
    };
    rows.push(result('upload', ups), result('download', downs));
  }
}

interface Outcome {
  readonly rows: Row[];
  readonly versions: Partial<Record<ToolName, string>>;
  readonly skipped: Partial<Record<ToolName, string>>;
}

/** Generates the workloads in `work` and runs every tool over them, one tool at a time. */
async function benchmark(work: string): Promise<Outcome> {
  const outcome: Outcome = { rows: [], versions: {}, skipped: {} };
  log(`generating workloads in ${work}`);
  const workloads = [
    await makeBig(join(work, 'src'), bigBytes),
    await makeSmall(join(work, 'src'), smallFiles),
  ];
  for (const [name, start] of TOOLS) {
    const skipped = whySkipped(name);
    if (skipped) {
      outcome.skipped[name] = skipped;
      log(`${name}: SKIPPED, ${skipped}`);
      continue;
    }
    log(`${name}:`);
    if (name === 'coffer') log(`  the CLI runs ${cofferBuild()}`);
    let tool: Tool;
    try {
      tool = await start(work);
    } catch (e) {
      const error = `could not start: ${message(e)}`;
      log(`  ${error}`);
      for (const w of workloads)
        for (const direction of ['upload', 'download'] as const)
          outcome.rows.push(row(name, w, direction, { error }));
      continue;
    }
    outcome.versions[name] = tool.version;
    try {
      await exercise(tool, workloads, outcome.rows);
    } finally {
      await tool.close();
    }
  }
  return outcome;
}

const LEGEND = `MB = 10^6 bytes. s: wall clock of the client command. CPU s: the client's user + system time.
Machine CPU s: what every process on the machine used meanwhile; for rclone and restic any excess
over CPU s is other work that competed with the step, for Coffer it includes the local hub and
hosts. Peak RSS: the client process's (GNU time). Net bytes / file byte: what the Coffer client
reports sending (put) or receiving (get) over the network per byte of file data. Coffer ÷ X:
Coffer's rate over X's on the same step.`;

async function main(): Promise<number> {
  const loadAtStart = loadavg()[0] ?? 0;
  if (!hasGnuTime()) log('GNU time is missing (apt-get install time): no CPU time or RSS');
  if (loadAtStart > availableParallelism() / 2)
    log(`warning: load average ${loadAtStart.toFixed(1)} before the run; timings will be noisy`);

  const work = await mkdtemp(join(tmpdir(), 'coffer-bench-'));
  // Ctrl-C kills the running commands; every later step then fails at once, and the run
  // unwinds through the `finally` below, which removes the temporary directory.
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    log(`\n${signal}: stopping and removing ${work}`);
    void stopAll();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let outcome: Outcome;
  try {
    outcome = await benchmark(work);
  } finally {
    await stopAll(); // nothing should be left running; make sure before removing its files
    await rm(work, { recursive: true, force: true });
  }
  if (interrupted) return 130;
  const { rows, versions, skipped } = outcome;

  const machine = {
    cores: availableParallelism(),
    cpu: cpus()[0]?.model ?? '?',
    memoryGB: Math.round(totalmem() / 1e9),
    kernel: release(),
    node: process.version,
    disk: disk(tmpdir()),
    loadAverageAtStart: loadAtStart,
  };
  const goalList = goals(rows, sizeLabel(bigBytes));

  console.log(
    `\nMachine: ${machine.cores} cores, ${machine.cpu}, ${machine.memoryGB} GB RAM, ` +
      `Linux ${machine.kernel}, Node ${machine.node}, load average ${loadAtStart.toFixed(1)} at start`,
  );
  console.log(`Disk (${tmpdir()}): ${machine.disk}`);
  for (const [name, version] of Object.entries(versions)) console.log(`${name}: ${version}`);
  for (const [name, why] of Object.entries(skipped)) console.log(`${name}: skipped, ${why}`);
  console.log(`\n${LEGEND}\n\n${table(rows)}\n\nGoals:\n${goalLines(goalList)}`);

  // One line per distinct failure: a tool that could not start fails all its steps alike.
  const failures = new Map<string, string[]>();
  for (const r of rows.filter((r) => r.error)) {
    const key = `${r.tool}: ${r.error}`;
    failures.set(key, [...(failures.get(key) ?? []), `${r.label} ${r.direction}`]);
  }
  for (const [error, steps] of failures) console.error(`\nFAILED (${steps.join('; ')}) ${error}`);

  const record = {
    date: new Date().toISOString(),
    command: 'npm run bench',
    config: { bigBytes, smallFiles, smallFileBytes: SMALL_FILE_BYTES, repeat, tools: [...chosen] },
    machine,
    versions,
    skipped,
    results: rows.map(withRates),
    goals: goalList,
  };
  await writeFile(RESULTS, `${JSON.stringify(record, null, 2)}\n`);
  console.log(`\nWrote ${RESULTS}`);
  return failures.size > 0 ? 1 : 0;
}

process.exitCode = await main();
