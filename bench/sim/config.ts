// The simulation's parameters, each from an environment variable with a default.

interface Spec {
  env: string;
  def: number;
  what: string;
}

const SPECS = {
  seed: { env: 'SIM_SEED', def: 1, what: 'PRNG seed' },
  months: { env: 'SIM_MONTHS', def: 12, what: 'simulated months (30 days each)' },
  hosts: { env: 'SIM_HOSTS', def: 10_000, what: 'hosts at the start' },
  countries: { env: 'SIM_COUNTRIES', def: 60, what: 'countries' },
  zipf: { env: 'SIM_COUNTRY_SKEW', def: 1, what: 'Zipf exponent of hosts per country' },
  capMinTB: { env: 'SIM_CAP_MIN_TB', def: 1, what: 'smallest host capacity (TB)' },
  capMaxTB: { env: 'SIM_CAP_MAX_TB', def: 20, what: 'largest host capacity (TB)' },
  chunks: { env: 'SIM_CHUNKS', def: 10_000_000, what: 'chunks stored at the start' },
  uploadsPerDay: { env: 'SIM_UPLOADS_PER_DAY', def: 50_000, what: 'new chunks uploaded per day' },
  chunkMiB: { env: 'SIM_CHUNK_MIB', def: 4, what: 'chunk size (MiB)' },
  chunkSample: {
    env: 'SIM_CHUNK_SAMPLE',
    def: 0.05,
    what: 'share of the chunks simulated (each stands for 1/share; figures are scaled back)',
  },
  replicas: {
    env: 'SIM_REPLICAS',
    // The hub's DEFAULT_REPLICAS ([Note: Three replicas by default]).
    def: 3,
    what: 'replica target R (distinct countries); with SIM_EC_K, the n of k-of-n',
  },
  ecK: {
    env: 'SIM_EC_K',
    def: 0,
    what: 'erasure coding: any k of the n pieces rebuild a chunk (0 = whole replicas)',
  },
  repairAt: {
    env: 'SIM_REPAIR_AT',
    def: 0,
    what: 'repair a chunk once fewer pieces than this count (0 = SIM_REPLICAS)',
  },
  outageRate: {
    env: 'SIM_OUTAGE_RATE',
    def: 0.5,
    what: 'transient outages per host per month',
  },
  outageMinMinutes: {
    env: 'SIM_OUTAGE_MIN_MINUTES',
    def: 5,
    what: 'shortest outage (min; log-uniform)',
  },
  outageMaxHours: { env: 'SIM_OUTAGE_MAX_HOURS', def: 12, what: 'longest outage (h)' },
  failureRate: {
    env: 'SIM_FAILURE_RATE',
    def: 0.02,
    what: 'permanent failures per host per month',
  },
  exitRate: { env: 'SIM_EXIT_RATE', def: 0.01, what: 'graceful exits per host per month' },
  joinRate: {
    env: 'SIM_JOIN_RATE',
    def: 0.03,
    what: 'new hosts per month, as a share of SIM_HOSTS',
  },
  flakyShare: {
    env: 'SIM_FLAKY_SHARE',
    def: 0.1,
    what: 'share of hosts with a poor record (more outages and failures)',
  },
  flakyFactor: {
    env: 'SIM_FLAKY_FACTOR',
    def: 5,
    what: "... their outage and failure rates, x the other hosts' (the means stay as set)",
  },
  poorLostMinutes: {
    env: 'SIM_POOR_LOST_MINUTES',
    def: 0,
    what: 'a host with a poor record counts as lost after X min offline (0 = off)',
  },
  poorOutages: {
    env: 'SIM_POOR_OUTAGES',
    def: 2,
    what: 'poor record: this many outages in the last 30 days, or a failed audit',
  },
  liarShare: { env: 'SIM_LIAR_SHARE', def: 0.01, what: 'share of hosts that turn liar' },
  liarDrop: {
    env: 'SIM_LIAR_DROP',
    def: 0.5,
    what: 'share of its data a liar drops silently',
  },
  lostAfterHours: { env: 'SIM_LOST_AFTER_HOURS', def: 4, what: 'repair.lostAfterMs (h)' },
  earlyMinutes: {
    env: 'SIM_EARLY_MINUTES',
    def: 0,
    what: 'early repair: a replica stops counting after X min offline, its row kept (0 = off)',
  },
  spares: {
    env: 'SIM_SPARES',
    def: 0,
    what: 'replicas kept beyond R when a host comes back (more are deleted)',
  },
  repairSeconds: { env: 'SIM_REPAIR_SECONDS', def: 30, what: 'repair.intervalMs (s)' },
  repairBatch: { env: 'SIM_REPAIR_BATCH', def: 100, what: 'repair.batch (chunks per round)' },
  auditSeconds: { env: 'SIM_AUDIT_SECONDS', def: 60, what: 'audit.intervalMs (s), 1 per host' },
  disqualifyAfter: {
    env: 'SIM_DISQUALIFY_AFTER',
    def: 3,
    what: 'audit.disqualifyAfter (fails in a row)',
  },
  uploadMinutes: {
    env: 'SIM_UPLOAD_MINUTES',
    def: 10,
    what: 'uploads are placed in batches every',
  },
  sample: {
    env: 'SIM_SAMPLE',
    def: 32,
    what: 'hosts passed to choosePlacement per call (0 = all)',
  },
  countryOutage: {
    env: 'SIM_COUNTRY_OUTAGE',
    def: 1,
    what: '1: every host of the biggest country goes down',
  },
  countryOutageMonth: {
    env: 'SIM_COUNTRY_OUTAGE_MONTH',
    def: 6,
    what: '... at this month',
  },
  countryOutageHours: {
    env: 'SIM_COUNTRY_OUTAGE_HOURS',
    def: 24,
    what: '... for this long (h)',
  },
} satisfies Record<string, Spec>;

const ORDERS = ['random', 'id', 'fifo'] as const;

export type Params = { [K in keyof typeof SPECS]: number } & {
  /** random: the hub's query today, up to a batch of the chunks below target that have a
   * holder online, in random order. The hub's earlier queries, over every chunk below target
   * (online holder or not): id, lowest chunk ids first, as SQLite's GROUP BY over the primary
   * key returns them (starves behind unrepairable chunks); fifo, oldest first, a failed chunk
   * goes to the back. */
  repairOrder: (typeof ORDERS)[number];
};

export function readParams(env: NodeJS.ProcessEnv = process.env): Params {
  const out: Record<string, number> = {};
  for (const [key, spec] of Object.entries(SPECS) as [string, Spec][]) {
    const raw = env[spec.env];
    const n = raw === undefined || raw === '' ? spec.def : Number(raw);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${spec.env}: not a number >= 0: ${raw}`);
    out[key] = n;
  }
  const order = env.SIM_REPAIR_ORDER || 'random';
  if (!(ORDERS as readonly string[]).includes(order)) {
    throw new Error(`SIM_REPAIR_ORDER: one of ${ORDERS.join(', ')}`);
  }
  const p = { ...(out as { [K in keyof typeof SPECS]: number }), repairOrder: order } as Params;
  if (!Number.isInteger(p.spares)) throw new Error('SIM_SPARES: an integer');
  if (p.replicas < 1 || p.countries < p.replicas) throw new Error('need countries >= replicas');
  if (p.chunkSample <= 0 || p.chunkSample > 1) throw new Error('SIM_CHUNK_SAMPLE: in (0, 1]');
  if (!Number.isInteger(p.ecK) || p.ecK > p.replicas) {
    throw new Error('SIM_EC_K: an integer, at most SIM_REPLICAS');
  }
  if (p.repairAt === 0) p.repairAt = p.replicas;
  if (p.repairAt > p.replicas || p.repairAt <= p.ecK) {
    throw new Error('SIM_REPAIR_AT: above SIM_EC_K, at most SIM_REPLICAS');
  }
  if (p.flakyShare > 1) throw new Error('SIM_FLAKY_SHARE: at most 1');
  if (p.countries > 676) throw new Error('SIM_COUNTRIES: at most 676 (two-letter codes)');
  if (p.hosts < p.replicas) throw new Error('need hosts >= replicas');
  return p;
}

/** One row per parameter: env var, value, meaning (for the report). */
export function paramRows(p: Params): [string, string, string][] {
  const rows: [string, string, string][] = Object.entries(SPECS).map(([key, spec]) => [
    spec.env,
    String(p[key as keyof typeof SPECS]),
    spec.what,
  ]);
  rows.push([
    'SIM_REPAIR_ORDER',
    p.repairOrder,
    'which chunks below target a round takes: random (hub), id or fifo (older hubs)',
  ]);
  return rows;
}

/**
 * Outage and failure rate multipliers of a host with a poor record and of the others, chosen so
 * that the mean over all hosts stays 1 (SIM_OUTAGE_RATE and SIM_FAILURE_RATE are the means).
 */
export function rateFactors(p: Pick<Params, 'flakyShare' | 'flakyFactor'>) {
  const other = 1 / (1 + p.flakyShare * (p.flakyFactor - 1));
  return { flaky: p.flakyFactor * other, other };
}
