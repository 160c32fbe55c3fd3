// Hosts as the network has them (joins, outages, failures) and where new copies go: the real
// `choosePlacement` over a sample of hosts. See run.ts for the model.

import { type Candidate, choosePlacement, type HostState } from '@coffer/hub/placement';
import { rateFactors } from './config.ts';
import { ChunkLedger } from './ledger.ts';
import { HOUR, MINUTE, MONTH, NO_HOSTS, NO_RESERVED, poorRecord, type SimHost } from './model.ts';
import { exponential } from './rng.ts';

export class HostModel extends ChunkLedger {
  // ---- hosts ----

  protected pickCountry(): number {
    const total = this.countryWeights.reduce((a, b) => a + b, 0);
    let x = this.rng() * total;
    for (let k = 0; k < this.countryWeights.length; k++) {
      x -= this.countryWeights[k] ?? 0;
      if (x < 0) return k;
    }
    return this.countryWeights.length - 1;
  }

  protected addHost(now: number): SimHost {
    const idx = this.hosts.length;
    const countryIdx = this.pickCountry();
    const { capMinTB, capMaxTB } = this.p;
    const flaky = this.rng() < this.p.flakyShare;
    const factors = rateFactors(this.p);
    const factor = flaky ? factors.flaky : factors.other;
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
      flaky,
      failRate: (this.p.failureRate * factor) / MONTH,
      outageTimes: [],
      lastAuditFailAt: Number.NEGATIVE_INFINITY,
    };
    this.hosts.push(h);
    this.byId.set(h.id, h);
    this.touch(h);
    const perMs = 1 / MONTH;
    this.scheduleOutage(h, now);
    this.events.push(now + exponential(this.rng, h.failRate), 'fail', idx);
    this.events.push(now + exponential(this.rng, this.p.exitRate * perMs), 'exit', idx);
    if (h.liar) {
      this.counters.liars++;
      this.events.push(now + this.rng() * (this.end - now), 'lie', idx);
    }
    return h;
  }

  /** Draws the host's next transient outage; any earlier draw is void. */
  protected scheduleOutage(h: SimHost, now: number) {
    const factors = rateFactors(this.p);
    const rate = (this.p.outageRate * (h.flaky ? factors.flaky : factors.other)) / MONTH;
    const at = now + exponential(this.rng, rate);
    this.events.push(at, 'outage', h.idx, ++h.outageGen);
  }

  protected goOffline(h: SimHost, now: number) {
    h.online = false;
    h.epoch++;
    h.last_seen_at = now;
    this.touch(h);
    this.events.push(now + this.lostDelay(h, now), 'lost', h.idx, h.epoch);
    h.outageTimes = h.outageTimes.filter((t) => now - t < MONTH);
    h.outageTimes.push(now);
    const early = this.p.earlyMinutes;
    if (early > 0 && early < this.p.lostAfterHours * 60) {
      this.events.push(now + early * MINUTE, 'away', h.idx, h.epoch);
    }
    // Still counting and still holding: only whether its chunks can be read changes.
    this.refreshHost(h, now, true);
  }

  /** How long the hub waits before a host that just went offline counts as lost. */
  protected lostDelay(h: SimHost, now: number): number {
    const normal = this.p.lostAfterHours * HOUR;
    const poor = this.p.poorLostMinutes * MINUTE;
    if (poor <= 0 || poor >= normal) return normal;
    if (!poorRecord(h.outageTimes, h.lastAuditFailAt, now, this.p.poorOutages)) return normal;
    this.counters.poorLost++;
    return poor;
  }

  /** Re-evaluates every chunk the hub records on `h` (`readableOnly`: just availability). */
  protected refreshHost(h: SimHost, now: number, readableOnly = false) {
    const S = this.S;
    for (let i = 0; i < h.len; i++) {
      const c = ((h.list[i] ?? 0) / S) | 0;
      if (readableOnly) this.refreshReadable(c, now);
      else this.refresh(c, now);
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
  protected place(
    have: readonly { hostId: string; country: string }[],
    exclude: ReadonlySet<string>,
    reserved: ReadonlyMap<string, number>,
  ): SimHost[] | null {
    const pool = this.eligible;
    const size = this.slotBytes;
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
        const b = pool[k] as SimHost;
        pool[j] = b;
        pool[k] = a;
        this.eligiblePos[b.idx] = j;
        this.eligiblePos[a.idx] = k;
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
  protected upload(now: number): boolean {
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
  protected keeps(h: SimHost): boolean {
    return !h.lying || this.rng() >= this.p.liarDrop;
  }

  protected anyLiars() {
    return this.lying.size > 0;
  }
}
