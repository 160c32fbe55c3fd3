// The simulation itself; run.ts reads the parameters and prints the report. See run.ts for the
// model and its simplifications.

import type { SimEvent } from './heap.ts';
import { HostModel } from './hosts.ts';
import { CAUSES, counts, DAY, HOUR, MINUTE, MONTH, type SimHost } from './model.ts';
import { exponential, logUniform } from './rng.ts';

export { DAY, HOUR, MINUTE, MONTH } from './model.ts';

export class Simulation extends HostModel {
  /** The rate limit for the sample: repair.batch x f chunks a round, the fraction carried. */
  protected batchDebt = 0;
  protected batch = 0;

  // ---- repair (repair.ts repairRound) ----

  protected repairRound(now: number) {
    this.cause = 'a repair copy to a liar';
    this.counters.repairRounds++;
    this.batchDebt += this.p.repairBatch * this.f;
    this.batch = Math.floor(this.batchDebt);
    this.batchDebt -= this.batch;
    const reserved = new Map<string, number>();
    const retry: number[] = [];
    let taken = 0;
    if (this.p.repairOrder === 'random') {
      // The hub's query: up to a batch of the chunks below target with a holder online, in
      // random order (a partial Fisher-Yates over the set; those it passes over stay).
      const done: number[] = [];
      for (let k = 0; taken < this.batch && k < this.pendingLen; k++) {
        this.swapPending(k, k + Math.floor(this.rng() * (this.pendingLen - k)));
        const c = this.pending[k] ?? 0;
        if (!this.hasRows(c) || this.countingCountries(c) >= this.repairAt) {
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
    while (this.p.repairOrder !== 'random' && taken < this.batch && this.queue.size > 0) {
      const c = this.queue.pop();
      // The hub's query sees only chunks that have replica rows and are below target.
      if (!this.hasRows(c) || this.countingCountries(c) >= this.repairAt) {
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
    if (taken === this.batch && taken > 0) this.counters.roundsFull++;
    // Still below target: the next round's query finds them again.
    for (const c of retry) this.queue.push(this.queueKey(c), c);
    // An exiting host whose last chunk has been copied elsewhere has exited.
    for (const h of this.exiting) {
      if (h.len > 0) continue;
      this.exiting.delete(h);
      h.state = 'exited';
      h.left = true;
      h.online = false;
      this.touch(h);
      this.counters.exitsCompleted++;
    }
  }

  protected repairOne(c: number, now: number, reserved: Map<string, number>): boolean {
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
    const sources = holders.filter(({ h, rid }) => h.online && this.slotHeld[rid] === 1);
    if (sources.length < this.need) return false;
    const have = holders
      .filter(({ h }) => counts(h))
      .map(({ h }) => ({ hostId: h.id, country: h.country }));
    const targets = this.place(have, new Set(holders.map(({ h }) => h.id)), reserved);
    if (!targets?.length) return false;
    const early = holders.some(({ h }) => h.away && !h.lost && h.state === 'active');
    const day = Math.min(this.copiesPerDay.length - 1, Math.floor(now / DAY));
    // k-of-n: k pieces are read (a whole chunk's bytes) and the missing pieces written.
    const piece = this.chunkBytes / this.need;
    this.repairBytesPerDay[day] =
      (this.repairBytesPerDay[day] ?? 0) +
      (this.need > 1 ? this.chunkBytes : 0) +
      targets.length * piece;
    for (const target of targets) {
      this.addReplica(c, target, this.keeps(target), now);
      reserved.set(target.id, (reserved.get(target.id) ?? 0) + this.slotBytes);
      this.counters.copies++;
      if (early) this.counters.earlyCopies++;
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
  protected auditRound(now: number) {
    this.cause = 'a failed audit';
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
      h.lastAuditFailAt = now;
      // The hub forgets the one replica it checked; in the sample that is one with chance f.
      if (this.f >= 1 || this.rng() < this.f) {
        this.removeReplica(rid, false);
        this.refresh((rid / this.S) | 0, now);
      }
      if (h.failed_streak >= this.p.disqualifyAfter) {
        h.state = 'disqualified';
        this.counters.disqualified++;
        this.touch(h);
        this.refreshHost(h, now);
      }
    }
  }

  // ---- events ----

  protected handle(e: SimEvent) {
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
        this.touch(h);
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

  protected startExit(h: SimHost, now: number) {
    h.pendingExit = false;
    if (h.state !== 'active') return;
    this.counters.exitsStarted++;
    h.state = 'exiting';
    this.exiting.add(h);
    this.touch(h);
    this.refreshHost(h, now);
  }

  protected countryOutage(now: number) {
    const until = now + this.p.countryOutageHours * HOUR;
    for (const h of this.hosts) {
      if (h.left || h.failed || h.countryIdx !== this.biggestCountry) continue;
      h.forcedUntil = Math.max(h.forcedUntil, until);
      if (!h.online) continue; // already down: its own return waits for `forcedUntil`
      this.goOffline(h, now);
      this.events.push(until, 'return', h.idx, h.epoch);
    }
  }

  protected scheduleJoin(now: number) {
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
    const initial = Math.round(p.chunks * this.f);
    for (let i = 0; i < initial; i++) if (!this.upload(0)) this.counters.uploadsFailed++;
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
        uploadDebt += (p.uploadsPerDay * this.f * uploadMs) / DAY;
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
}
