// The simulation itself; run.ts reads the parameters and prints the report. See run.ts for the
// model and its simplifications.
import {
  type Candidate,
  choosePlacement,
  type HostRow,
  type HostState,
} from '@coffer/hub/placement';
import type { Params } from './config.ts';
import { EventHeap, NumHeap, type SimEvent } from './heap.ts';
import { exponential, logUniform, type Rng } from './rng.ts';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const MONTH = 30 * DAY;

type Policy = Parameters<typeof choosePlacement>[1];

/** A host as choosePlacement sees it (HostRow fields plus `online`), with the simulation's state. */
interface SimHost
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
}

/** Durations (ms) of episodes, kept for percentiles. */
class Durations {
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
}

export class Simulation {
  readonly S: number;
  readonly R: number;
  readonly chunkBytes: number;
  readonly end: number;
  readonly policy: Policy;
  readonly countries: string[];
  readonly countryWeights: number[];
  readonly hosts: SimHost[] = [];
  nChunks = 0;
  readonly maxChunks: number;
  // Per replica slot (chunk * S + slot).
  readonly slotHost: Int32Array;
  readonly slotHeld: Uint8Array;
  readonly slotPos: Int32Array;
  /** When the replica was stored (minutes): the newest surplus replica is deleted first. */
  readonly slotAt: Float32Array;
  // Per chunk.
  readonly createdAt: Float64Array;
  readonly lostAt: Float64Array;
  /** Since when its counting replicas span fewer than R countries (-1: at target). */
  readonly belowSince: Float64Array;
  /** Since when fewer than R countries really hold its bytes (-1: not exposed). */
  readonly exposedSince: Float64Array;
  /** Since when no host the hub sees online has its bytes: nobody can read it (-1: readable). */
  readonly unreadableSince: Float64Array;
  readonly inQueue: Uint8Array;
  /** Stands for the chunk id (a hash): the order of the hub's GROUP BY chunk_id. */
  readonly chunkKey: Uint32Array;
  /** SIM_REPAIR_ORDER=id or fifo: chunks below target, in that order. */
  readonly queue = new NumHeap();
  queueSeq = 0;
  /** SIM_REPAIR_ORDER=random: the chunks below target (`inQueue`), in no order. */
  private pending = new Int32Array(1024);
  private pendingLen = 0;
  readonly pendingPos: Int32Array;
  readonly events = new EventHeap();
  readonly below = new Durations();
  readonly exposed = new Durations();
  readonly unreadable = new Durations();
  /** What took away the last copy of each lost chunk. */
  readonly lossCauses = new Map<string, number>();
  private cause = 'initial placement';
  lostChunks = 0;
  belowNow = 0;
  maxBelow = 0;
  maxBelowAt = 0;
  readonly copiesPerDay: Float64Array;
  readonly uploadsPerDay: Float64Array;
  readonly counters: Counters = {
    outages: 0,
    outagesLost: 0,
    failures: 0,
    exitsStarted: 0,
    exitsCompleted: 0,
    joins: 0,
    liars: 0,
    liarsTurned: 0,
    disqualified: 0,
    audits: 0,
    auditsFailed: 0,
    uploads: 0,
    uploadsFailed: 0,
    copies: 0,
    repairRounds: 0,
    roundsFull: 0,
    repairFailed: 0,
    repairFailedLost: 0,
    orphaned: 0,
    earlyCopies: 0,
    surplusDeleted: 0,
    placementCalls: 0,
    placementFallbacks: 0,
  };
  private eligible: SimHost[] = [];
  private eligibleDirty = true;
  private readonly sampleBuf: SimHost[] = [];
  private readonly seen: Int32Array;
  private readonly exiting = new Set<SimHost>();
  private readonly lying = new Set<SimHost>();
  private readonly byId = new Map<string, SimHost>();
  private biggestCountry = 0;

  constructor(
    readonly p: Params,
    readonly rng: Rng,
  ) {
    this.R = p.replicas;
    // Replicas of one chunk the hub may record at once: R that count, the spares, and some on
    // hosts that are away, lost, exiting or disqualified until that chunk is back at target.
    this.S = 2 * this.R + 2 + p.spares + (p.earlyMinutes > 0 ? 1 : 0);
    this.chunkBytes = p.chunkMiB * 1024 * 1024;
    this.end = p.months * MONTH;
    this.policy = { replicas: this.R };
    this.countries = countryCodes(p.countries);
    this.countryWeights = this.countries.map((_, k) => 1 / (k + 1) ** p.zipf);
    const days = Math.ceil(this.end / DAY);
    this.maxChunks = p.chunks + Math.ceil(p.uploadsPerDay * (days + 1)) + 16;
    const slots = this.maxChunks * this.S;
    this.slotHost = new Int32Array(slots).fill(-1);
    this.slotHeld = new Uint8Array(slots);
    this.slotPos = new Int32Array(slots);
    this.slotAt = new Float32Array(slots);
    this.pendingPos = new Int32Array(this.maxChunks).fill(-1);
    this.createdAt = new Float64Array(this.maxChunks);
    this.lostAt = new Float64Array(this.maxChunks).fill(-1);
    this.belowSince = new Float64Array(this.maxChunks).fill(-1);
    this.exposedSince = new Float64Array(this.maxChunks).fill(-1);
    this.unreadableSince = new Float64Array(this.maxChunks).fill(-1);
    this.inQueue = new Uint8Array(this.maxChunks);
    this.chunkKey = new Uint32Array(this.maxChunks);
    this.copiesPerDay = new Float64Array(days);
    this.uploadsPerDay = new Float64Array(days);
    this.seen = new Int32Array(this.S);
  }

  // ---- hosts ----

  private pickCountry(): number {
    const total = this.countryWeights.reduce((a, b) => a + b, 0);
    let x = this.rng() * total;
    for (let k = 0; k < this.countryWeights.length; k++) {
      x -= this.countryWeights[k] ?? 0;
      if (x < 0) return k;
    }
    return this.countryWeights.length - 1;
  }

  private addHost(now: number): SimHost {
    const idx = this.hosts.length;
    const countryIdx = this.pickCountry();
    const { capMinTB, capMaxTB } = this.p;
    const h: SimHost = {
      id: `h${idx}`,
      public_key: `sim-key-${idx}`,
      url: `http://h${idx}.sim.invalid`,
      country: this.countries[countryIdx] ?? '??',
      capacity: Math.round((capMinTB + this.rng() * (capMaxTB - capMinTB)) * 1e12),
      used_bytes: 0,
      chunks: 0,
      stored_bytes: 0,
      last_seen_at: now,
      registered_at: now,
      state: 'active' satisfies HostState,
      audits_passed: 0,
      audits_failed: 0,
      failed_streak: 0,
      online: true,
      idx,
      countryIdx,
      failed: false,
      lost: false,
      away: false,
      left: false,
      epoch: 0,
      outageGen: 0,
      forcedUntil: 0,
      liar: this.rng() < this.p.liarShare,
      lying: false,
      pendingExit: false,
      list: new Int32Array(256),
      len: 0,
      orphanBytes: 0,
    };
    this.hosts.push(h);
    this.byId.set(h.id, h);
    this.eligibleDirty = true;
    const perMs = 1 / MONTH;
    this.scheduleOutage(h, now);
    this.events.push(now + exponential(this.rng, this.p.failureRate * perMs), 'fail', idx);
    this.events.push(now + exponential(this.rng, this.p.exitRate * perMs), 'exit', idx);
    if (h.liar) {
      this.counters.liars++;
      this.events.push(now + this.rng() * (this.end - now), 'lie', idx);
    }
    return h;
  }

  /** Draws the host's next transient outage; any earlier draw is void. */
  private scheduleOutage(h: SimHost, now: number) {
    const at = now + exponential(this.rng, this.p.outageRate / MONTH);
    this.events.push(at, 'outage', h.idx, ++h.outageGen);
  }

  private host(i: number): SimHost {
    const h = this.hosts[i];
    if (!h) throw new Error(`no host ${i}`);
    return h;
  }

  /** Counts toward a chunk's target (repair.ts `counts`): active, not lost, and with early
   * repair not away. */
  private static counts(h: SimHost) {
    return h.state === 'active' && !h.lost && !h.away;
  }

  private goOffline(h: SimHost, now: number) {
    h.online = false;
    h.epoch++;
    h.last_seen_at = now;
    this.eligibleDirty = true;
    this.events.push(now + this.p.lostAfterHours * HOUR, 'lost', h.idx, h.epoch);
    const early = this.p.earlyMinutes;
    if (early > 0 && early < this.p.lostAfterHours * 60) {
      this.events.push(now + early * MINUTE, 'away', h.idx, h.epoch);
    }
    // Still counting and still holding: only whether its chunks can be read changes.
    this.refreshHost(h, now, true);
  }

  /** Re-evaluates every chunk the hub records on `h` (`readableOnly`: just availability). */
  private refreshHost(h: SimHost, now: number, readableOnly = false) {
    const S = this.S;
    for (let i = 0; i < h.len; i++) {
      const c = ((h.list[i] ?? 0) / S) | 0;
      if (readableOnly) this.refreshReadable(c, now);
      else this.refresh(c, now);
    }
  }

  // ---- replicas ----

  private addReplica(c: number, h: SimHost, held: boolean, now: number) {
    const base = c * this.S;
    let rid = -1;
    for (let s = 0; s < this.S; s++) {
      if (this.slotHost[base + s] === -1) {
        rid = base + s;
        break;
      }
    }
    if (rid < 0) throw new Error(`chunk ${c}: more than ${this.S} replicas recorded`);
    this.slotHost[rid] = h.idx;
    this.slotHeld[rid] = held ? 1 : 0;
    this.slotAt[rid] = now / MINUTE;
    if (h.len === h.list.length) {
      const grown = new Int32Array(h.len * 2);
      grown.set(h.list);
      h.list = grown;
    }
    h.list[h.len] = rid;
    this.slotPos[rid] = h.len++;
    h.stored_bytes += this.chunkBytes;
    h.chunks = h.len;
    h.used_bytes = h.stored_bytes + h.orphanBytes;
  }

  /** The hub forgets a replica; `orphan`: the host still has the bytes until it reconciles. */
  private removeReplica(rid: number, orphan: boolean) {
    const h = this.host(this.slotHost[rid] ?? -1);
    const pos = this.slotPos[rid] ?? 0;
    const last = h.list[--h.len] ?? 0;
    h.list[pos] = last;
    this.slotPos[last] = pos;
    this.slotHost[rid] = -1;
    h.stored_bytes -= this.chunkBytes;
    h.chunks = h.len;
    if (orphan) {
      h.orphanBytes += this.chunkBytes;
      this.counters.orphaned++;
    }
    h.used_bytes = h.stored_bytes + h.orphanBytes;
  }

  /** Distinct countries among the chunk's counting replicas (hub view). */
  private countingCountries(c: number): number {
    const base = c * this.S;
    let n = 0;
    for (let s = 0; s < this.S; s++) {
      const hi = this.slotHost[base + s] ?? -1;
      if (hi < 0) continue;
      const h = this.host(hi);
      if (!Simulation.counts(h)) continue;
      n = this.addSeen(n, h.countryIdx);
    }
    return n;
  }

  /** Whether a host the hub sees online has the bytes (a download can work). */
  private readable(c: number): boolean {
    const base = c * this.S;
    for (let s = 0; s < this.S; s++) {
      const hi = this.slotHost[base + s] ?? -1;
      if (hi >= 0 && this.slotHeld[base + s] && this.host(hi).online) return true;
    }
    return false;
  }

  /** Distinct countries among replicas whose host really still has the bytes. */
  private dataCountries(c: number): number {
    const base = c * this.S;
    let n = 0;
    for (let s = 0; s < this.S; s++) {
      const hi = this.slotHost[base + s] ?? -1;
      if (hi < 0 || !this.slotHeld[base + s]) continue;
      const h = this.host(hi);
      if (h.failed) continue;
      n = this.addSeen(n, h.countryIdx);
    }
    return n;
  }

  private addSeen(n: number, country: number): number {
    for (let i = 0; i < n; i++) if (this.seen[i] === country) return n;
    this.seen[n] = country;
    return n + 1;
  }

  private hasRows(c: number): boolean {
    const base = c * this.S;
    for (let s = 0; s < this.S; s++) if ((this.slotHost[base + s] ?? -1) >= 0) return true;
    return false;
  }

  private enqueue(c: number) {
    this.inQueue[c] = 1;
    if (this.p.repairOrder !== 'random') {
      this.queue.push(this.queueKey(c), c);
      return;
    }
    if (this.pendingLen === this.pending.length) {
      const grown = new Int32Array(this.pendingLen * 2);
      grown.set(this.pending);
      this.pending = grown;
    }
    this.pending[this.pendingLen] = c;
    this.pendingPos[c] = this.pendingLen++;
  }

  /** Takes a chunk out of the random-order set. */
  private dequeue(c: number) {
    this.inQueue[c] = 0;
    const i = this.pendingPos[c] ?? -1;
    if (i < 0) return;
    const last = this.pending[--this.pendingLen] ?? 0;
    this.pending[i] = last;
    this.pendingPos[last] = i;
    this.pendingPos[c] = -1;
  }

  /** Swaps two entries of the random-order set. */
  private swapPending(i: number, j: number) {
    const a = this.pending[i] ?? 0;
    const b = this.pending[j] ?? 0;
    this.pending[i] = b;
    this.pendingPos[b] = i;
    this.pending[j] = a;
    this.pendingPos[a] = j;
  }

  /** A host the hub sees online holds a row for the chunk (it may have dropped the bytes). */
  private holderOnline(c: number): boolean {
    const base = c * this.S;
    for (let s = 0; s < this.S; s++) {
      const hi = this.slotHost[base + s] ?? -1;
      if (hi >= 0 && this.host(hi).online) return true;
    }
    return false;
  }

  /**
   * Deletes surplus replicas: while more than R + spares count, the newest one on an online
   * host whose loss leaves R countries counting. Returns how many were deleted.
   */
  private trim(c: number): number {
    const base = c * this.S;
    const keep = this.R + this.p.spares;
    let deleted = 0;
    for (;;) {
      let n = 0;
      for (let s = 0; s < this.S; s++) {
        const hi = this.slotHost[base + s] ?? -1;
        if (hi >= 0 && Simulation.counts(this.host(hi))) n++;
      }
      if (n <= keep) return deleted;
      let best = -1;
      let bestAt = Number.NEGATIVE_INFINITY;
      for (let s = 0; s < this.S; s++) {
        const hi = this.slotHost[base + s] ?? -1;
        if (hi < 0) continue;
        const h = this.host(hi);
        if (!Simulation.counts(h) || !h.online || (this.slotAt[base + s] ?? 0) < bestAt) continue;
        let countries = 0;
        for (let o = 0; o < this.S; o++) {
          const oi = this.slotHost[base + o] ?? -1;
          if (o === s || oi < 0 || !Simulation.counts(this.host(oi))) continue;
          countries = this.addSeen(countries, this.host(oi).countryIdx);
        }
        if (countries < this.R) continue;
        best = base + s;
        bestAt = this.slotAt[base + s] ?? 0;
      }
      if (best < 0) return deleted;
      this.removeReplica(best, false);
      this.counters.surplusDeleted++;
      deleted++;
    }
  }

  /** The chunks the hub records on `h` (a copy: the list changes as replicas go). */
  private chunksOn(h: SimHost): number[] {
    const out: number[] = [];
    for (let i = 0; i < h.len; i++) out.push(((h.list[i] ?? 0) / this.S) | 0);
    return out;
  }

  private queueKey(c: number) {
    return this.p.repairOrder === 'id' ? (this.chunkKey[c] ?? 0) : this.queueSeq++;
  }

  /**
   * Brings a chunk's bookkeeping up to date after anything that may change it: queues it for
   * repair when below target (as the hub's query would find it), tracks the below-target and
   * exposed episodes, and notices when no host has its bytes any more (lost).
   */
  private refresh(c: number, now: number) {
    const below = this.countingCountries(c) < this.R;
    if (below && !this.inQueue[c] && this.hasRows(c)) this.enqueue(c);
    if ((this.lostAt[c] ?? -1) >= 0) return;
    const since = this.belowSince[c] ?? -1;
    if (below && since < 0) {
      this.belowSince[c] = now;
      if (++this.belowNow > this.maxBelow) {
        this.maxBelow = this.belowNow;
        this.maxBelowAt = now;
      }
    } else if (!below && since >= 0) {
      this.below.add(now - since);
      this.belowSince[c] = -1;
      this.belowNow--;
    }
    const data = this.dataCountries(c);
    if (data === 0) {
      this.markLost(c, now);
      return;
    }
    const exposedSince = this.exposedSince[c] ?? -1;
    if (data < this.R && exposedSince < 0) this.exposedSince[c] = now;
    else if (data >= this.R && exposedSince >= 0) {
      this.exposed.add(now - exposedSince);
      this.exposedSince[c] = -1;
    }
    this.refreshReadable(c, now);
  }

  private refreshReadable(c: number, now: number) {
    if ((this.lostAt[c] ?? -1) >= 0) return;
    const readable = this.readable(c);
    const unreadableSince = this.unreadableSince[c] ?? -1;
    if (!readable && unreadableSince < 0) this.unreadableSince[c] = now;
    else if (readable && unreadableSince >= 0) {
      this.unreadable.add(now - unreadableSince);
      this.unreadableSince[c] = -1;
    }
  }

  private markLost(c: number, now: number) {
    this.lostAt[c] = now;
    this.lostChunks++;
    this.lossCauses.set(this.cause, (this.lossCauses.get(this.cause) ?? 0) + 1);
    this.closeEpisodes(c, now);
  }

  private closeEpisodes(c: number, now: number) {
    const since = this.belowSince[c] ?? -1;
    if (since >= 0) {
      this.below.add(now - since);
      this.belowSince[c] = -1;
      this.belowNow--;
    }
    const exposedSince = this.exposedSince[c] ?? -1;
    if (exposedSince >= 0) {
      this.exposed.add(now - exposedSince);
      this.exposedSince[c] = -1;
    }
    const unreadableSince = this.unreadableSince[c] ?? -1;
    if (unreadableSince >= 0) {
      this.unreadable.add(now - unreadableSince);
      this.unreadableSince[c] = -1;
    }
  }

  // ---- placement ----

  /**
   * choosePlacement over a random sample of `p.sample` placeable hosts (online, active); with
   * 1,000 hosts a call over all of them costs ~190 us against ~4 us for 32, and there are
   * millions of calls. Within the sample the real function still prefers the emptiest hosts in
   * distinct countries. When the sample has no answer, the full list decides (so "no room" is
   * exact).
   */
  private place(
    have: readonly { hostId: string; country: string }[],
    exclude: ReadonlySet<string>,
    reserved: ReadonlyMap<string, number>,
  ): SimHost[] | null {
    if (this.eligibleDirty) {
      this.eligible = this.hosts.filter((h) => h.online && h.state === 'active');
      this.eligibleDirty = false;
    }
    const pool = this.eligible;
    const size = this.chunkBytes;
    this.counters.placementCalls++;
    let chosen: Candidate[] | null;
    const m = this.p.sample;
    if (m === 0 || pool.length <= m) {
      chosen = choosePlacement(pool, this.policy, size, have, exclude, reserved);
    } else {
      // Partial Fisher-Yates: the first m entries of `pool` become a uniform sample.
      const buf = this.sampleBuf;
      buf.length = m;
      for (let k = 0; k < m; k++) {
        const j = k + Math.floor(this.rng() * (pool.length - k));
        const a = pool[j] as SimHost;
        pool[j] = pool[k] as SimHost;
        pool[k] = a;
        buf[k] = a;
      }
      chosen = choosePlacement(buf, this.policy, size, have, exclude, reserved);
      if (chosen === null) {
        this.counters.placementFallbacks++;
        chosen = choosePlacement(pool, this.policy, size, have, exclude, reserved);
      }
    }
    if (!chosen) return null;
    return chosen.map((h) => this.byId.get(h.id) as SimHost);
  }

  /** A new chunk (initial data or an upload) placed like POST /uploads/:id/chunks. */
  private upload(now: number): boolean {
    const targets = this.place([], NO_HOSTS, NO_RESERVED);
    if (!targets || this.nChunks >= this.maxChunks) return false;
    const c = this.nChunks++;
    this.createdAt[c] = now;
    this.chunkKey[c] = (this.rng() * 2 ** 32) >>> 0;
    // stored_bytes goes up at once here, which stands for the upload's reservation.
    for (const h of targets) this.addReplica(c, h, this.keeps(h), now);
    if (this.anyLiars()) this.refresh(c, now);
    return true;
  }

  /** Whether a host keeps a chunk it has just signed a receipt for. */
  private keeps(h: SimHost): boolean {
    return !h.lying || this.rng() >= this.p.liarDrop;
  }

  private anyLiars() {
    return this.lying.size > 0;
  }

  // ---- repair (repair.ts repairRound) ----

  private repairRound(now: number) {
    this.cause = 'a repair copy to a liar';
    this.counters.repairRounds++;
    const reserved = new Map<string, number>();
    const retry: number[] = [];
    let taken = 0;
    if (this.p.repairOrder === 'random') {
      // The hub's query: up to a batch of the chunks below target with a holder online, in
      // random order (a partial Fisher-Yates over the set; those it passes over stay).
      const done: number[] = [];
      for (let k = 0; taken < this.p.repairBatch && k < this.pendingLen; k++) {
        this.swapPending(k, k + Math.floor(this.rng() * (this.pendingLen - k)));
        const c = this.pending[k] ?? 0;
        if (!this.hasRows(c) || this.countingCountries(c) >= this.R) {
          done.push(c);
          continue;
        }
        if (!this.holderOnline(c)) continue;
        taken++;
        if (this.repairOne(c, now, reserved)) done.push(c);
        else {
          this.counters.repairFailed++;
          if ((this.lostAt[c] ?? -1) >= 0) this.counters.repairFailedLost++;
        }
      }
      for (const c of done) {
        this.dequeue(c);
        this.refresh(c, now);
      }
    }
    while (this.p.repairOrder !== 'random' && taken < this.p.repairBatch && this.queue.size > 0) {
      const c = this.queue.pop();
      // The hub's query sees only chunks that have replica rows and are below target.
      if (!this.hasRows(c) || this.countingCountries(c) >= this.R) {
        this.inQueue[c] = 0;
        continue;
      }
      taken++;
      if (this.repairOne(c, now, reserved)) {
        this.inQueue[c] = 0;
        this.refresh(c, now);
      } else {
        this.counters.repairFailed++;
        if ((this.lostAt[c] ?? -1) >= 0) this.counters.repairFailedLost++;
        retry.push(c);
      }
    }
    if (taken === this.p.repairBatch) this.counters.roundsFull++;
    // Still below target: the next round's query finds them again.
    for (const c of retry) this.queue.push(this.queueKey(c), c);
    // An exiting host whose last chunk has been copied elsewhere has exited.
    for (const h of this.exiting) {
      if (h.len > 0) continue;
      this.exiting.delete(h);
      h.state = 'exited';
      h.left = true;
      h.online = false;
      this.eligibleDirty = true;
      this.counters.exitsCompleted++;
    }
  }

  private repairOne(c: number, now: number, reserved: Map<string, number>): boolean {
    const base = c * this.S;
    const holders: { rid: number; h: SimHost }[] = [];
    for (let s = 0; s < this.S; s++) {
      const hi = this.slotHost[base + s] ?? -1;
      if (hi >= 0) holders.push({ rid: base + s, h: this.host(hi) });
    }
    // Any holder the hub sees online is tried as a source (isOnline: exiting and disqualified
    // hosts too); a copy works only if that source really has the bytes. repair.ts picks the
    // targets first, but when no source can work the round fails either way, so we skip the
    // placement call then (lost chunks come back every round).
    const source = holders.find(({ h, rid }) => h.online && this.slotHeld[rid] === 1);
    if (!source) return false;
    const have = holders
      .filter(({ h }) => Simulation.counts(h))
      .map(({ h }) => ({ hostId: h.id, country: h.country }));
    const targets = this.place(have, new Set(holders.map(({ h }) => h.id)), reserved);
    if (!targets?.length) return false;
    const early = holders.some(({ h }) => h.away && !h.lost && h.state === 'active');
    for (const target of targets) {
      this.addReplica(c, target, this.keeps(target), now);
      reserved.set(target.id, (reserved.get(target.id) ?? 0) + this.chunkBytes);
      this.counters.copies++;
      if (early) this.counters.earlyCopies++;
      const day = Math.min(this.copiesPerDay.length - 1, Math.floor(now / DAY));
      this.copiesPerDay[day] = (this.copiesPerDay[day] ?? 0) + 1;
    }
    // Back at target: forget replicas on lost or no longer active hosts.
    for (const { rid, h } of holders) {
      if (h.lost || h.state !== 'active') {
        const stillOnDisk = h.state === 'active' && !h.failed && this.slotHeld[rid] === 1;
        this.removeReplica(rid, stillOnDisk);
      }
    }
    // Two counting replicas in one country plus the copy: more than R may count now.
    this.trim(c);
    return true;
  }

  // ---- audits (audits.ts auditRound) ----

  /**
   * Honest hosts always pass, so only liars that have turned are audited one by one; every
   * other active online host counts as one passed audit per round.
   */
  private auditRound(now: number) {
    this.cause = 'a failed audit';
    if (this.eligibleDirty) {
      this.eligible = this.hosts.filter((h) => h.online && h.state === 'active');
      this.eligibleDirty = false;
    }
    this.counters.audits += this.eligible.length;
    for (const h of this.lying) {
      if (h.state !== 'active' || !h.online || h.len === 0) continue;
      const rid = h.list[Math.floor(this.rng() * h.len)] ?? 0;
      if (this.slotHeld[rid] === 1) {
        h.audits_passed++;
        h.failed_streak = 0;
        continue;
      }
      this.counters.auditsFailed++;
      h.audits_failed++;
      h.failed_streak++;
      this.removeReplica(rid, false);
      this.refresh((rid / this.S) | 0, now);
      if (h.failed_streak >= this.p.disqualifyAfter) {
        h.state = 'disqualified';
        this.counters.disqualified++;
        this.eligibleDirty = true;
        this.refreshHost(h, now);
      }
    }
  }

  // ---- events ----

  private handle(e: SimEvent) {
    const now = e.t;
    this.cause = CAUSES[e.kind];
    if (e.kind === 'join') {
      this.counters.joins++;
      this.addHost(now);
      this.scheduleJoin(now);
      return;
    }
    if (e.kind === 'countryOutage') {
      this.countryOutage(now);
      return;
    }
    const h = this.host(e.host);
    if (h.left) return;
    // A failed host still turns away and lost in the hub's eyes; nothing else happens to it.
    if (h.failed && e.kind !== 'lost' && e.kind !== 'away') return;
    switch (e.kind) {
      case 'outage': {
        // Down already (a country outage): the next outage is drawn when it is back.
        if (e.epoch !== h.outageGen || !h.online) return;
        this.counters.outages++;
        this.goOffline(h, now);
        const d = logUniform(
          this.rng,
          this.p.outageMinMinutes * MINUTE,
          this.p.outageMaxHours * HOUR,
        );
        this.events.push(now + d, 'return', h.idx, h.epoch);
        return;
      }
      case 'return': {
        if (e.epoch !== h.epoch || h.online) return;
        if (now < h.forcedUntil) {
          this.events.push(h.forcedUntil, 'return', h.idx, h.epoch);
          return;
        }
        h.online = true;
        h.last_seen_at = now;
        this.eligibleDirty = true;
        const counted = !h.lost && !h.away;
        h.lost = false;
        h.away = false;
        if (counted) this.refreshHost(h, now, true);
        else {
          // Its replicas count again: chunks repaired early now have a surplus.
          this.cause = 'a surplus replica deleted';
          for (const c of this.chunksOn(h)) {
            this.trim(c);
            this.refresh(c, now);
          }
        }
        if (h.pendingExit) this.startExit(h, now);
        this.scheduleOutage(h, now);
        return;
      }
      case 'away': {
        if (e.epoch !== h.epoch || h.online || h.lost) return;
        h.away = true;
        this.refreshHost(h, now);
        return;
      }
      case 'lost': {
        if (e.epoch !== h.epoch || h.online) return;
        this.counters.outagesLost++;
        h.lost = true;
        // Replicas on a lost host are forgotten once their chunk is at target without them
        // (repair.ts does that after a copy; a chunk repaired early is at target already).
        for (const c of this.chunksOn(h)) {
          if (this.countingCountries(c) >= this.R) {
            const base = c * this.S;
            for (let s = 0; s < this.S; s++) {
              if (this.slotHost[base + s] !== h.idx) continue;
              const onDisk = h.state === 'active' && !h.failed && this.slotHeld[base + s] === 1;
              this.removeReplica(base + s, onDisk);
            }
          }
          this.refresh(c, now);
        }
        return;
      }
      case 'fail': {
        // Its bytes are gone now; the hub notices only when it counts as lost.
        this.counters.failures++;
        h.failed = true;
        this.lying.delete(h);
        if (h.online) this.goOffline(h, now);
        this.refreshHost(h, now);
        return;
      }
      case 'exit': {
        if (h.state !== 'active') return;
        if (!h.online) h.pendingExit = true;
        else this.startExit(h, now);
        return;
      }
      case 'lie': {
        this.counters.liarsTurned++;
        h.lying = true;
        this.lying.add(h);
        for (let i = 0; i < h.len; i++) {
          const rid = h.list[i] ?? 0;
          if (this.rng() < this.p.liarDrop) this.slotHeld[rid] = 0;
        }
        this.refreshHost(h, now);
        return;
      }
      default:
        return;
    }
  }

  private startExit(h: SimHost, now: number) {
    h.pendingExit = false;
    if (h.state !== 'active') return;
    this.counters.exitsStarted++;
    h.state = 'exiting';
    this.exiting.add(h);
    this.eligibleDirty = true;
    this.refreshHost(h, now);
  }

  private countryOutage(now: number) {
    const until = now + this.p.countryOutageHours * HOUR;
    for (const h of this.hosts) {
      if (h.left || h.failed || h.countryIdx !== this.biggestCountry) continue;
      h.forcedUntil = Math.max(h.forcedUntil, until);
      if (!h.online) continue; // already down: its own return waits for `forcedUntil`
      this.goOffline(h, now);
      this.events.push(until, 'return', h.idx, h.epoch);
    }
  }

  private scheduleJoin(now: number) {
    const rate = (this.p.joinRate * this.p.hosts) / MONTH;
    this.events.push(now + exponential(this.rng, rate), 'join');
  }

  // ---- main loop ----

  run(progress: (line: string) => void = () => {}) {
    const p = this.p;
    // Every host exists from the start (registered up to a year ago), all online.
    for (let i = 0; i < p.hosts; i++) this.addHost(0).registered_at = -this.rng() * 12 * MONTH;
    const counts = new Array<number>(this.countries.length).fill(0);
    for (const h of this.hosts) counts[h.countryIdx] = (counts[h.countryIdx] ?? 0) + 1;
    this.biggestCountry = counts.indexOf(Math.max(...counts));
    this.scheduleJoin(0);
    if (p.countryOutage) this.events.push(p.countryOutageMonth * MONTH, 'countryOutage');

    // The data already stored, placed by the same rules.
    for (let i = 0; i < p.chunks; i++) if (!this.upload(0)) this.counters.uploadsFailed++;
    progress(`placed ${this.nChunks} initial chunks`);

    const repairMs = Math.max(1, Math.round(p.repairSeconds * 1000));
    const auditMs = Math.max(1, Math.round(p.auditSeconds * 1000));
    const uploadMs = Math.max(1, Math.round(p.uploadMinutes * MINUTE));
    let nextRepair = repairMs;
    let nextAudit = auditMs;
    let nextUpload = uploadMs;
    let uploadDebt = 0;
    let lastMonth = 0;
    for (;;) {
      const t = Math.min(nextRepair, nextAudit, nextUpload);
      if (t > this.end) break;
      while (this.events.peekTime() <= t) {
        const e = this.events.pop();
        if (e) this.handle(e);
      }
      if (t === nextUpload) {
        this.cause = 'an upload to liars';
        nextUpload += uploadMs;
        uploadDebt += (p.uploadsPerDay * uploadMs) / DAY;
        const day = Math.min(this.uploadsPerDay.length - 1, Math.floor(t / DAY));
        for (; uploadDebt >= 1; uploadDebt--) {
          if (this.upload(t)) {
            this.counters.uploads++;
            this.uploadsPerDay[day] = (this.uploadsPerDay[day] ?? 0) + 1;
          } else this.counters.uploadsFailed++;
        }
      }
      if (t === nextAudit) {
        nextAudit += auditMs;
        this.auditRound(t);
      }
      if (t === nextRepair) {
        nextRepair += repairMs;
        this.repairRound(t);
      }
      const month = Math.floor(t / MONTH);
      if (month > lastMonth) {
        lastMonth = month;
        progress(
          `month ${month}: ${this.nChunks} chunks, ${this.belowNow} below target, ${this.lostChunks} lost`,
        );
      }
    }
    while (this.events.peekTime() <= this.end) {
      const e = this.events.pop();
      if (e) this.handle(e);
    }
    // Episodes still open at the end count up to the end.
    for (let c = 0; c < this.nChunks; c++)
      if ((this.lostAt[c] ?? -1) < 0) this.closeEpisodes(c, this.end);
  }

  /** Total chunk-time (ms) over the run: each chunk from its upload to the end or its loss. */
  chunkTime(): number {
    let total = 0;
    for (let c = 0; c < this.nChunks; c++) {
      const lost = this.lostAt[c] ?? -1;
      total += (lost >= 0 ? lost : this.end) - (this.createdAt[c] ?? 0);
    }
    return total;
  }

  /** Hosts by state at the end. */
  hostStates(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const h of this.hosts) {
      const s = h.failed
        ? 'failed'
        : h.state === 'active'
          ? h.online
            ? 'online'
            : h.lost
              ? 'lost'
              : 'offline'
          : h.state;
      out[s] = (out[s] ?? 0) + 1;
    }
    return out;
  }

  countryCounts(): { country: string; hosts: number }[] {
    const counts = new Map<string, number>();
    for (const h of this.hosts) counts.set(h.country, (counts.get(h.country) ?? 0) + 1);
    return [...counts]
      .map(([country, hosts]) => ({ country, hosts }))
      .sort((a, b) => b.hosts - a.hosts);
  }

  get biggest(): string {
    return this.countries[this.biggestCountry] ?? '??';
  }

  /** Orphaned bytes on hosts still in the network. */
  orphanBytes(): number {
    return this.hosts.reduce((a, h) => a + (h.left || h.failed ? 0 : h.orphanBytes), 0);
  }
}

const NO_HOSTS: ReadonlySet<string> = new Set();
const CAUSES: Record<SimEvent['kind'], string> = {
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
const NO_RESERVED: ReadonlyMap<string, number> = new Map();

/** Two-letter codes, biggest hosting countries first; synthetic ones past the list. */
function countryCodes(n: number): string[] {
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
