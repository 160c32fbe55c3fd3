// What the hub records of each chunk and replica, and the episodes (below target, exposed,
// unreadable) the report counts. The host model (hosts.ts) and the hub's rounds (sim.ts) build
// on it. See run.ts for the model.
import type { Params } from './config.ts';
import { EventHeap, NumHeap } from './heap.ts';
import {
  type Counters,
  countryCodes,
  counts,
  DAY,
  Durations,
  MINUTE,
  MONTH,
  type Policy,
  pieceState,
  type SimHost,
} from './model.ts';
import type { Rng } from './rng.ts';

export class ChunkLedger {
  readonly S: number;
  readonly R: number;
  /** Pieces that rebuild a chunk: 1 for whole replicas, k for k-of-n erasure coding. */
  readonly need: number;
  /** Repair takes a chunk once fewer pieces than this count (R unless SIM_REPAIR_AT). */
  readonly repairAt: number;
  /** Share of the chunks simulated; every count of chunks or bytes is scaled by 1/f. */
  readonly f: number;
  readonly chunkBytes: number;
  /** Bytes one piece stands for on its host: a piece of a chunk, times the chunks it stands for. */
  readonly slotBytes: number;
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
  /** Since when one more lost piece would lose it (-1: not at the edge), and the rate (per ms)
   * at which its holders fail then. */
  readonly edgeSince: Float64Array;
  readonly edgeHazard: Float64Array;
  /** Since when `edgeHazard` holds (the holders can change while the chunk stays at the edge). */
  readonly edgeMark: Float64Array;
  readonly wasAtEdge: Uint8Array;
  /** Chunks that were ever one loss from being lost. */
  edgeChunks = 0;
  /** Expected losses (in the sample) from permanent failures of the last holders: the time
   * each chunk spent at the edge times the failure rate of its holders then. */
  expectedLost = 0;
  readonly edge = new Durations();
  readonly inQueue: Uint8Array;
  /** Stands for the chunk id (a hash): the order of the hub's GROUP BY chunk_id. */
  readonly chunkKey: Uint32Array;
  /** SIM_REPAIR_ORDER=id or fifo: chunks below target, in that order. */
  readonly queue = new NumHeap();
  queueSeq = 0;
  /** SIM_REPAIR_ORDER=random: the chunks below target (`inQueue`), in no order. */
  protected pending = new Int32Array(1024);
  protected pendingLen = 0;
  readonly pendingPos: Int32Array;
  readonly events = new EventHeap();
  readonly below = new Durations();
  readonly exposed = new Durations();
  readonly unreadable = new Durations();
  /** What took away the last copy of each lost chunk. */
  readonly lossCauses = new Map<string, number>();
  protected cause = 'initial placement';
  lostChunks = 0;
  belowNow = 0;
  maxBelow = 0;
  maxBelowAt = 0;
  readonly copiesPerDay: Float64Array;
  /** Bytes repair moved per day (whole chunks, or for k-of-n the k pieces read and the new
   * pieces written), in the sample. */
  readonly repairBytesPerDay: Float64Array;
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
    poorLost: 0,
  };
  /** Hosts that can take data (online and active), kept as they change (see `touch`). */
  protected eligible: SimHost[] = [];
  protected readonly eligiblePos: number[] = [];
  protected readonly sampleBuf: SimHost[] = [];
  protected readonly seen: Int32Array;
  protected readonly exiting = new Set<SimHost>();
  protected readonly lying = new Set<SimHost>();
  protected readonly byId = new Map<string, SimHost>();
  protected biggestCountry = 0;

  constructor(
    readonly p: Params,
    readonly rng: Rng,
  ) {
    this.R = p.replicas;
    this.need = Math.max(1, p.ecK);
    this.repairAt = p.repairAt || p.replicas;
    this.f = p.chunkSample;
    // Replicas of one chunk the hub may record at once: R that count, the spares, and some on
    // hosts that are away, lost, exiting or disqualified until that chunk is back at target.
    this.S =
      (p.ecK > 0 ? this.R + (this.R - this.repairAt) + 4 : 2 * this.R + 2) +
      p.spares +
      (p.earlyMinutes > 0 ? 1 : 0);
    this.chunkBytes = p.chunkMiB * 1024 * 1024;
    this.slotBytes = this.chunkBytes / this.need / this.f;
    this.end = p.months * MONTH;
    this.policy = { replicas: this.R };
    this.countries = countryCodes(p.countries);
    this.countryWeights = this.countries.map((_, k) => 1 / (k + 1) ** p.zipf);
    const days = Math.ceil(this.end / DAY);
    this.maxChunks = Math.ceil((p.chunks + p.uploadsPerDay * (days + 1)) * this.f) + 16;
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
    this.edgeSince = new Float64Array(this.maxChunks).fill(-1);
    this.edgeHazard = new Float64Array(this.maxChunks);
    this.edgeMark = new Float64Array(this.maxChunks);
    this.wasAtEdge = new Uint8Array(this.maxChunks);
    this.inQueue = new Uint8Array(this.maxChunks);
    this.chunkKey = new Uint32Array(this.maxChunks);
    this.copiesPerDay = new Float64Array(days);
    this.repairBytesPerDay = new Float64Array(days);
    this.uploadsPerDay = new Float64Array(days);
    this.seen = new Int32Array(this.S);
  }

  /** Keeps `eligible` right after a host's `online` or `state` changed. */
  protected touch(h: SimHost) {
    const want = h.online && h.state === 'active';
    const pos = this.eligiblePos[h.idx] ?? -1;
    if (want && pos < 0) {
      this.eligiblePos[h.idx] = this.eligible.length;
      this.eligible.push(h);
    } else if (!want && pos >= 0) {
      const last = this.eligible.pop() as SimHost;
      if (last !== h) {
        this.eligible[pos] = last;
        this.eligiblePos[last.idx] = pos;
      }
      this.eligiblePos[h.idx] = -1;
    }
  }

  protected host(i: number): SimHost {
    const h = this.hosts[i];
    if (!h) throw new Error(`no host ${i}`);
    return h;
  }

  // ---- replicas ----

  protected addReplica(c: number, h: SimHost, held: boolean, now: number) {
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
    h.stored_bytes += this.slotBytes;
    h.chunks = h.len;
    h.used_bytes = h.stored_bytes + h.orphanBytes;
  }

  /** The hub forgets a replica; `orphan`: the host still has the bytes until it reconciles. */
  protected removeReplica(rid: number, orphan: boolean) {
    const h = this.host(this.slotHost[rid] ?? -1);
    const pos = this.slotPos[rid] ?? 0;
    const last = h.list[--h.len] ?? 0;
    h.list[pos] = last;
    this.slotPos[last] = pos;
    this.slotHost[rid] = -1;
    h.stored_bytes -= this.slotBytes;
    h.chunks = h.len;
    if (orphan) {
      h.orphanBytes += this.slotBytes;
      this.counters.orphaned++;
    }
    h.used_bytes = h.stored_bytes + h.orphanBytes;
  }

  /** Distinct countries among the chunk's counting replicas (hub view). */
  protected countingCountries(c: number): number {
    const base = c * this.S;
    let n = 0;
    for (let s = 0; s < this.S; s++) {
      const hi = this.slotHost[base + s] ?? -1;
      if (hi < 0) continue;
      const h = this.host(hi);
      if (!counts(h)) continue;
      n = this.addSeen(n, h.countryIdx);
    }
    return n;
  }

  /** Pieces on hosts the hub sees online that have the bytes: `need` of them can be read. */
  protected onlinePieces(c: number): number {
    const base = c * this.S;
    let n = 0;
    for (let s = 0; s < this.S; s++) {
      const hi = this.slotHost[base + s] ?? -1;
      if (hi >= 0 && this.slotHeld[base + s] && this.host(hi).online) n++;
    }
    return n;
  }

  /** Whether a download can work now. */
  protected readable(c: number): boolean {
    return this.onlinePieces(c) >= this.need;
  }

  /** Pieces whose host really still has the bytes, their distinct countries, and the rate
   * (per ms) at which one of those hosts fails for good. */
  protected heldNow = 0;
  protected heldHazard = 0;
  protected dataCountries(c: number): number {
    const base = c * this.S;
    let n = 0;
    this.heldNow = 0;
    this.heldHazard = 0;
    for (let s = 0; s < this.S; s++) {
      const hi = this.slotHost[base + s] ?? -1;
      if (hi < 0 || !this.slotHeld[base + s]) continue;
      const h = this.host(hi);
      if (h.failed) continue;
      this.heldNow++;
      this.heldHazard += h.failRate;
      n = this.addSeen(n, h.countryIdx);
    }
    return n;
  }

  protected addSeen(n: number, country: number): number {
    for (let i = 0; i < n; i++) if (this.seen[i] === country) return n;
    this.seen[n] = country;
    return n + 1;
  }

  protected hasRows(c: number): boolean {
    const base = c * this.S;
    for (let s = 0; s < this.S; s++) if ((this.slotHost[base + s] ?? -1) >= 0) return true;
    return false;
  }

  protected enqueue(c: number) {
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
  protected dequeue(c: number) {
    this.inQueue[c] = 0;
    const i = this.pendingPos[c] ?? -1;
    if (i < 0) return;
    const last = this.pending[--this.pendingLen] ?? 0;
    this.pending[i] = last;
    this.pendingPos[last] = i;
    this.pendingPos[c] = -1;
  }

  /** Swaps two entries of the random-order set. */
  protected swapPending(i: number, j: number) {
    const a = this.pending[i] ?? 0;
    const b = this.pending[j] ?? 0;
    this.pending[i] = b;
    this.pendingPos[b] = i;
    this.pending[j] = a;
    this.pendingPos[a] = j;
  }

  /** A host the hub sees online holds a row for the chunk (it may have dropped the bytes). */
  protected holderOnline(c: number): boolean {
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
  protected trim(c: number): number {
    const base = c * this.S;
    const keep = this.R + this.p.spares;
    let deleted = 0;
    for (;;) {
      let n = 0;
      for (let s = 0; s < this.S; s++) {
        const hi = this.slotHost[base + s] ?? -1;
        if (hi >= 0 && counts(this.host(hi))) n++;
      }
      if (n <= keep) return deleted;
      let best = -1;
      let bestAt = Number.NEGATIVE_INFINITY;
      for (let s = 0; s < this.S; s++) {
        const hi = this.slotHost[base + s] ?? -1;
        if (hi < 0) continue;
        const h = this.host(hi);
        if (!counts(h) || !h.online || (this.slotAt[base + s] ?? 0) < bestAt) continue;
        let countries = 0;
        for (let o = 0; o < this.S; o++) {
          const oi = this.slotHost[base + o] ?? -1;
          if (o === s || oi < 0 || !counts(this.host(oi))) continue;
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
  protected chunksOn(h: SimHost): number[] {
    const out: number[] = [];
    for (let i = 0; i < h.len; i++) out.push(((h.list[i] ?? 0) / this.S) | 0);
    return out;
  }

  protected queueKey(c: number) {
    return this.p.repairOrder === 'id' ? (this.chunkKey[c] ?? 0) : this.queueSeq++;
  }

  /**
   * Brings a chunk's bookkeeping up to date after anything that may change it: queues it for
   * repair when below target (as the hub's query would find it), tracks the below-target and
   * exposed episodes, and notices when no host has its bytes any more (lost).
   */
  protected refresh(c: number, now: number) {
    const below = this.countingCountries(c) < this.repairAt;
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
    const state = pieceState(this.heldNow, this.need);
    this.closeEdge(c, now, state !== 'edge');
    if (state === 'lost') {
      this.markLost(c, now);
      return;
    }
    if (state === 'edge') {
      if ((this.edgeSince[c] ?? -1) < 0) this.edgeSince[c] = now;
      this.edgeMark[c] = now;
      this.edgeHazard[c] = this.heldHazard;
      if (!this.wasAtEdge[c]) {
        this.wasAtEdge[c] = 1;
        this.edgeChunks++;
      }
    }
    // Whole replicas: fewer than R countries hold the bytes; k-of-n: fewer than n pieces.
    const short = this.need > 1 ? this.heldNow < this.R : data < this.R;
    const exposedSince = this.exposedSince[c] ?? -1;
    if (short && exposedSince < 0) this.exposedSince[c] = now;
    else if (!short && exposedSince >= 0) {
      this.exposed.add(now - exposedSince);
      this.exposedSince[c] = -1;
    }
    this.refreshReadable(c, now);
  }

  protected refreshReadable(c: number, now: number) {
    if ((this.lostAt[c] ?? -1) >= 0) return;
    const readable = this.readable(c);
    const unreadableSince = this.unreadableSince[c] ?? -1;
    if (!readable && unreadableSince < 0) this.unreadableSince[c] = now;
    else if (readable && unreadableSince >= 0) {
      this.unreadable.add(now - unreadableSince);
      this.unreadableSince[c] = -1;
    }
  }

  protected markLost(c: number, now: number) {
    this.lostAt[c] = now;
    this.lostChunks++;
    this.lossCauses.set(this.cause, (this.lossCauses.get(this.cause) ?? 0) + 1);
    this.closeEpisodes(c, now);
  }

  /**
   * Adds the expected losses of the time at the edge since the last mark (that time x its
   * holders' failure rate); with `end`, the episode is over.
   */
  protected closeEdge(c: number, now: number, end: boolean) {
    const since = this.edgeSince[c] ?? -1;
    if (since < 0) return;
    this.expectedLost += (now - (this.edgeMark[c] ?? since)) * (this.edgeHazard[c] ?? 0);
    this.edgeMark[c] = now;
    if (!end) return;
    this.edge.add(now - since);
    this.edgeSince[c] = -1;
  }

  protected closeEpisodes(c: number, now: number) {
    this.closeEdge(c, now, true);
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

  // ---- reports ----

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
