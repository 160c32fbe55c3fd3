// The simulation's vocabulary: time units, hosts as placement sees them, counters, and the
// names of what causes a loss. See run.ts for the model.
import type { Candidate, choosePlacement, HostRow } from '@coffer/hub/placement';
import type { SimEvent } from './heap.ts';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const MONTH = 30 * DAY;

export type Policy = Parameters<typeof choosePlacement>[1];

/** A host as choosePlacement sees it (HostRow fields plus `online`), with the simulation's state. */
export interface SimHost
  extends Candidate,
    Pick<
      HostRow,
      | 'public_key'
      | 'url'
      | 'chunks'
      | 'last_seen_at'
      | 'registered_at'
      | 'state'
      | 'audits_passed'
      | 'audits_failed'
      | 'failed_streak'
    > {
  idx: number;
  countryIdx: number;
  /** Its disk is gone for good; it never comes back. */
  failed: boolean;
  /** Offline for lostAfter: its replicas stop counting, and are forgotten once their chunk is
   * back at target. */
  lost: boolean;
  /** Offline for earlyMinutes (early repair): its replicas stop counting, their rows stay. */
  away: boolean;
  /** Exited: gone from the network with nothing left on it. */
  left: boolean;
  /** Bumped whenever it goes offline, so stale `return` and `lost` events are ignored. */
  epoch: number;
  /** Bumped whenever its next transient outage is drawn; older `outage` events are void. */
  outageGen: number;
  /** Down until at least this time (a country outage). */
  forcedUntil: number;
  liar: boolean;
  /** The liar has turned: it has dropped data and drops part of what it receives. */
  lying: boolean;
  /** Asked to exit while offline: it does when it is back. */
  pendingExit: boolean;
  /** Replica ids (chunk * slots + slot) the hub records on this host. */
  list: Int32Array;
  len: number;
  /** Bytes still on its disk whose replica the hub forgot (it came back after being lost). */
  orphanBytes: number;
  /** One of the hosts with a poor record (SIM_FLAKY_SHARE): more outages and failures. */
  flaky: boolean;
  /** Permanent failures per ms (its share of SIM_FAILURE_RATE). */
  failRate: number;
  /** When it went offline lately (the last 30 days: its record as the hub sees it). */
  outageTimes: number[];
  /** When it last failed an audit (-Infinity: never). */
  lastAuditFailAt: number;
}

/**
 * Whether the hub would call a host's record poor as it goes offline: `minOutages` outages in
 * the 30 days before (this one not counted), or a failed audit in them.
 */
export function poorRecord(
  outageTimes: readonly number[],
  lastAuditFailAt: number,
  now: number,
  minOutages: number,
): boolean {
  if (now - lastAuditFailAt < MONTH) return true;
  let n = 0;
  for (const t of outageTimes) if (now - t < MONTH && t < now) n++;
  return n >= minOutages;
}

/**
 * A chunk's fate from the pieces whose hosts really still have the bytes: `need` of them rebuild
 * it (1 for whole replicas, k for k-of-n). lost below that; at the edge when one more loss
 * would lose it.
 */
export function pieceState(held: number, need: number): 'lost' | 'edge' | 'safe' {
  return held < need ? 'lost' : held === need ? 'edge' : 'safe';
}

/** Durations (ms) of episodes, kept for percentiles. */
export class Durations {
  values = new Float64Array(1 << 16);
  n = 0;
  total = 0;

  add(ms: number) {
    if (ms <= 0) return; // two changes at the same instant: no episode
    if (this.n === this.values.length) {
      const v = new Float64Array(this.n * 2);
      v.set(this.values);
      this.values = v;
    }
    this.values[this.n++] = ms;
    this.total += ms;
  }

  /** p in [0, 1]; sorts once. */
  percentiles(ps: number[]): number[] {
    const v = this.values.subarray(0, this.n).sort();
    return ps.map((p) => (this.n ? (v[Math.min(this.n - 1, Math.floor(p * this.n))] ?? 0) : 0));
  }
}

export interface Counters {
  outages: number;
  /** Outages that lasted past lostAfter (the host counted as lost, its chunks were repaired). */
  outagesLost: number;
  failures: number;
  exitsStarted: number;
  exitsCompleted: number;
  joins: number;
  liars: number;
  liarsTurned: number;
  disqualified: number;
  audits: number;
  auditsFailed: number;
  uploads: number;
  uploadsFailed: number;
  copies: number;
  repairRounds: number;
  /** Rounds that took a full batch: repair was rate-limited. */
  roundsFull: number;
  /** Chunks a round took but could not repair (no source online, no target, copy failed). */
  repairFailed: number;
  /** ... of which chunks already lost: they stay below target and take a batch slot forever. */
  repairFailedLost: number;
  /** Replicas the hub forgot on a host that still had the bytes and came back. */
  orphaned: number;
  /** Copies made while a holder the hub forgets only later was offline (early repair). */
  earlyCopies: number;
  /** Replicas deleted beyond R + spares when a host came back. */
  surplusDeleted: number;
  placementCalls: number;
  placementFallbacks: number;
  /** Hosts counted lost early because of a poor record (SIM_POOR_LOST_MINUTES). */
  poorLost: number;
}

/** Counts toward a chunk's target (repair.ts `counts`): active, not lost, and with early
 * repair not away. */
export function counts(h: SimHost) {
  return h.state === 'active' && !h.lost && !h.away;
}

export const NO_HOSTS: ReadonlySet<string> = new Set();
export const CAUSES: Record<SimEvent['kind'], string> = {
  outage: 'a transient outage',
  return: 'a host coming back',
  away: 'a host counting as away',
  lost: 'a host counting as lost',
  fail: 'a permanent failure',
  exit: 'a graceful exit',
  lie: 'a liar dropping data',
  join: 'a join',
  countryOutage: 'a country outage',
};
export const NO_RESERVED: ReadonlyMap<string, number> = new Map();

/** Two-letter codes, biggest hosting countries first; synthetic ones past the list. */
export function countryCodes(n: number): string[] {
  const real = (
    'US DE FR GB NL CA PL SE JP IT ES CH FI AU BR CZ AT BE NO DK IE RO SG KR IN UA PT HU NZ IL ' +
    'ZA MX AR CL GR BG SK LT LV EE HR SI IS LU TW HK TR CO MY TH'
  ).split(' ');
  const taken = new Set(real);
  const synthetic: string[] = [];
  for (let a = 0; a < 26; a++) {
    for (let b = 0; b < 26; b++) {
      const code = String.fromCharCode(65 + a, 65 + b);
      if (!taken.has(code)) synthetic.push(code);
    }
  }
  return [...real, ...synthetic].slice(0, n);
}
