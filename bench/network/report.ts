// Results: derived rates, the printed table, the goals, and the JSON record of a run.
import type { ToolName } from './tools.ts';
import type { WorkloadId } from './workloads.ts';

export type Direction = 'upload' | 'download';

export interface Row {
  readonly tool: ToolName;
  readonly workload: WorkloadId;
  readonly label: string;
  readonly direction: Direction;
  readonly bytes: number;
  readonly files: number;
  /** Set when the command failed or its download was not byte-identical. */
  readonly error: string | null;
  /** Wall-clock seconds of the fastest attempt; the other figures are that attempt's too,
   * except the peak RSS, which is the highest of all attempts. */
  readonly seconds: number | null;
  /** Wall-clock seconds of every attempt, in order (BENCH_REPEAT). */
  readonly attemptSeconds: readonly number[];
  /** User plus system CPU seconds of the client (with its children). */
  readonly cpuSeconds: number | null;
  readonly peakRssBytes: number | null;
  /** Bytes the client reported sending (upload) or receiving (download); Coffer only. */
  readonly networkBytes: number | null;
  /** CPU seconds the whole machine used during the step: the client, and for Coffer its local
   * network, plus anything else running (which then competed with the step). */
  readonly machineCpuSeconds: number | null;
}

/** MB = 10^6 bytes throughout. */
const MB = 1e6;
const RSS_GOAL_BYTES = 150 * MB;

export const mbPerSecond = (r: Row) => (r.seconds ? r.bytes / MB / r.seconds : null);
export const filesPerSecond = (r: Row) => (r.seconds ? r.files / r.seconds : null);
const networkPerByte = (r: Row) => (r.networkBytes === null ? null : r.networkBytes / r.bytes);

function fixed(value: number | null, digits: number): string {
  return value === null ? 'n/a' : value.toFixed(digits);
}

function find(rows: readonly Row[], tool: ToolName, workload: WorkloadId, dir: Direction) {
  return rows.find(
    (r) => r.tool === tool && r.workload === workload && r.direction === dir && !r.error,
  );
}

/** How much faster Coffer was than `peer` on the same step (equal work, so a ratio of times). */
function speedup(rows: readonly Row[], row: Row, peer: ToolName): number | null {
  const other = find(rows, peer, row.workload, row.direction);
  return row.seconds && other?.seconds ? other.seconds / row.seconds : null;
}

function ratio(value: number | null): string {
  return value === null ? '' : `${value.toFixed(2)}×`;
}

interface Column {
  readonly title: string;
  readonly cell: (r: Row, rows: readonly Row[]) => string;
  readonly text?: true;
  /** Shown only when steps ran more than once (BENCH_REPEAT). */
  readonly repeated?: true;
}

const COLUMNS: readonly Column[] = [
  { title: 'workload', cell: (r) => r.label, text: true },
  { title: 'direction', cell: (r) => r.direction, text: true },
  { title: 'tool', cell: (r) => r.tool, text: true },
  { title: 's', cell: (r) => (r.error ? 'FAILED' : fixed(r.seconds, 2)) },
  {
    title: 'every attempt s',
    cell: (r) => r.attemptSeconds.map((t) => t.toFixed(1)).join(' '),
    repeated: true,
  },
  { title: 'CPU s', cell: (r) => fixed(r.cpuSeconds, 2) },
  { title: 'machine CPU s', cell: (r) => fixed(r.machineCpuSeconds, 2) },
  { title: 'MB/s', cell: (r) => fixed(mbPerSecond(r), 1) },
  { title: 'files/s', cell: (r) => (r.files > 1 ? fixed(filesPerSecond(r), 0) : '') },
  {
    title: 'peak RSS MB',
    cell: (r) => fixed(r.peakRssBytes === null ? null : r.peakRssBytes / MB, 0),
  },
  {
    title: 'net bytes / file byte',
    cell: (r) => (r.tool === 'coffer' ? fixed(networkPerByte(r), 3) : ''),
  },
  {
    title: 'coffer ÷ rclone',
    cell: (r, rows) => (r.tool === 'coffer' ? ratio(speedup(rows, r, 'rclone crypt')) : ''),
  },
  {
    title: 'coffer ÷ restic',
    cell: (r, rows) => (r.tool === 'coffer' ? ratio(speedup(rows, r, 'restic')) : ''),
  },
];

/** The rows as a Markdown table, numbers right-aligned. */
export function table(rows: readonly Row[]): string {
  const repeated = rows.some((r) => r.attemptSeconds.length > 1);
  const columns = COLUMNS.filter((c) => repeated || !c.repeated);
  const cells = rows.map((r) =>
    columns.map((c) => (r.error && !c.text && c.title !== 's' ? '' : c.cell(r, rows))),
  );
  const widths = columns.map((c, i) =>
    Math.max(c.title.length, ...cells.map((line) => line[i]?.length ?? 0)),
  );
  const line = (values: readonly string[]) =>
    `| ${values
      .map((v, i) => (columns[i]?.text ? v.padEnd(widths[i] ?? 0) : v.padStart(widths[i] ?? 0)))
      .join(' | ')} |`;
  const rule = `|${columns
    .map((c, i) => {
      const dashes = '-'.repeat((widths[i] ?? 0) + 1);
      return c.text ? `${dashes}-` : `${dashes}:`;
    })
    .join('|')}|`;
  return [line(columns.map((c) => c.title)), rule, ...cells.map(line)].join('\n');
}

export interface Goal {
  readonly goal: string;
  readonly measured: string;
  readonly status: 'met' | 'missed' | 'not measured';
}

/** A goal on a rate: Coffer's at least `factor` times the peer's on the same step. */
interface RateGoal {
  readonly goal: string;
  readonly workload: WorkloadId;
  readonly direction: Direction;
  readonly peer: ToolName;
  readonly factor: number;
  readonly rate: (r: Row) => number | null;
  readonly unit: string;
}

function judge(rows: readonly Row[], g: RateGoal): Goal {
  const c = find(rows, 'coffer', g.workload, g.direction);
  const p = find(rows, g.peer, g.workload, g.direction);
  const cr = c ? g.rate(c) : null;
  const pr = p ? g.rate(p) : null;
  if (cr === null || pr === null) return { goal: g.goal, measured: '', status: 'not measured' };
  const measured =
    `coffer ${cr.toFixed(1)} ${g.unit} vs ${g.peer} ${pr.toFixed(1)} ${g.unit} ` +
    `(${(cr / pr).toFixed(2)}×)`;
  return { goal: g.goal, measured, status: cr >= g.factor * pr ? 'met' : 'missed' };
}

export function goals(rows: readonly Row[], bigLabel: string): Goal[] {
  const big = { workload: 'big', peer: 'rclone crypt', rate: mbPerSecond, unit: 'MB/s' } as const;
  const small = {
    workload: 'small',
    peer: 'restic',
    rate: filesPerSecond,
    unit: 'files/s',
  } as const;
  const rateGoals: RateGoal[] = [
    { ...big, goal: `${bigLabel} file upload MB/s ≥ rclone crypt`, direction: 'upload', factor: 1 },
    {
      ...big,
      goal: `${bigLabel} file download MB/s ≥ 1.5× rclone crypt`,
      direction: 'download',
      factor: 1.5,
    },
    { ...small, goal: 'small files upload files/s ≥ restic', direction: 'upload', factor: 1 },
    { ...small, goal: 'small files download files/s ≥ restic', direction: 'download', factor: 1 },
  ];
  const rss = rows
    .filter((r) => r.tool === 'coffer' && !r.error && r.peakRssBytes !== null)
    .map((r) => r.peakRssBytes ?? 0);
  const peak = rss.length > 0 ? Math.max(...rss) : null;
  const memory: Goal =
    peak === null
      ? { goal: 'CLI peak RSS ≤ 150 MB', measured: '', status: 'not measured' }
      : {
          goal: 'CLI peak RSS ≤ 150 MB',
          measured: `${(peak / MB).toFixed(0)} MB (highest of the coffer runs)`,
          status: peak <= RSS_GOAL_BYTES ? 'met' : 'missed',
        };
  return [...rateGoals.map((g) => judge(rows, g)), memory];
}

export function goalLines(list: readonly Goal[]): string {
  const width = Math.max(...list.map((g) => g.goal.length));
  return list
    .map((g) => `  ${g.status.padEnd(12)} ${g.goal.padEnd(width)}  ${g.measured}`.trimEnd())
    .join('\n');
}

/** The row with its derived figures, for the JSON record. */
export function withRates(r: Row) {
  return {
    ...r,
    mbPerSecond: mbPerSecond(r),
    filesPerSecond: filesPerSecond(r),
    networkBytesPerFileByte: networkPerByte(r),
  };
}
