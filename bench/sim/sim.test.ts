// The simulation's own logic: the churn it schedules, a country outage, and how it counts losses.
// A broken model fails here before it prints a wrong report.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Params, rateFactors, readParams } from './config.ts';
import type { SimEvent } from './heap.ts';
import { DAY, HOUR, MONTH, pieceState, poorRecord, type SimHost } from './model.ts';
import { mulberry32 } from './rng.ts';
import { Simulation } from './sim.ts';

/** A simulation whose steps a test drives by hand. */
class Probe extends Simulation {
  addHosts(n: number) {
    for (let i = 0; i < n; i++) this.addHost(0);
  }
  /** Places one chunk; returns its id. */
  put(now = 0): number {
    assert.ok(this.upload(now), 'the chunk was placed');
    return this.nChunks - 1;
  }
  holders(c: number): SimHost[] {
    const out: SimHost[] = [];
    for (let s = 0; s < this.S; s++) {
      const hi = this.slotHost[c * this.S + s] ?? -1;
      if (hi >= 0) out.push(this.hosts[hi] as SimHost);
    }
    return out;
  }
  fire(kind: SimEvent['kind'], host: number, t: number) {
    this.handle({ t, seq: 0, kind, host, epoch: 0 });
  }
  /** Handles every scheduled event up to `t`. */
  until(t: number) {
    while (this.events.peekTime() <= t) {
      const e = this.events.pop();
      if (e) this.handle(e);
    }
  }
  outageOf(country: number, now: number) {
    this.biggestCountry = country;
    this.countryOutage(now);
  }
  down(h: SimHost, now: number) {
    this.goOffline(h, now);
  }
  recheck(c: number, now: number) {
    this.refresh(c, now);
  }
  isReadable(c: number) {
    return this.readable(c);
  }
}

function params(env: Record<string, string>): Params {
  return readParams({
    SIM_CHUNK_SAMPLE: '1',
    SIM_COUNTRY_OUTAGE: '0',
    SIM_LIAR_SHARE: '0',
    SIM_FLAKY_SHARE: '0',
    SIM_REPLICAS: '2',
    ...env,
  });
}

/** A network with no churn of its own (events far past the test), `n` hosts in `countries`. */
function quiet(n: number, countries: number, env: Record<string, string> = {}) {
  const p = params({
    SIM_HOSTS: String(n),
    SIM_COUNTRIES: String(countries),
    SIM_COUNTRY_SKEW: '0',
    // Room for the chunks a test places by hand; run() is never called.
    SIM_CHUNKS: '1000',
    SIM_UPLOADS_PER_DAY: '0',
    SIM_OUTAGE_RATE: '0',
    SIM_FAILURE_RATE: '0',
    SIM_EXIT_RATE: '0',
    SIM_JOIN_RATE: '0',
    ...env,
  });
  const sim = new Probe(p, mulberry32(7));
  sim.addHosts(n);
  return sim;
}

test('rate factors keep the means: the poor-record hosts churn more, the mean is as set', () => {
  for (const [share, factor] of [
    [0.1, 5],
    [0.3, 2],
    [0, 5],
    [1, 3],
  ] as const) {
    const f = rateFactors({ flakyShare: share, flakyFactor: factor });
    assert.ok(Math.abs(share * f.flaky + (1 - share) * f.other - 1) < 1e-12);
    assert.ok(Math.abs(f.flaky - factor * f.other) < 1e-12);
  }
});

test('a poor record: outages in the last 30 days, or a failed audit in them', () => {
  const now = 100 * DAY;
  assert.equal(poorRecord([], Number.NEGATIVE_INFINITY, now, 2), false);
  assert.equal(poorRecord([now - DAY, now - 2 * DAY], Number.NEGATIVE_INFINITY, now, 2), true);
  assert.equal(
    poorRecord([now - 31 * DAY, now - 2 * DAY], Number.NEGATIVE_INFINITY, now, 2),
    false,
  );
  assert.equal(poorRecord([], now - 29 * DAY, now, 2), true);
  assert.equal(poorRecord([], now - 31 * DAY, now, 2), false);
});

test('piece state: whole replicas need one, k-of-n needs k', () => {
  assert.equal(pieceState(0, 1), 'lost');
  assert.equal(pieceState(1, 1), 'edge');
  assert.equal(pieceState(2, 1), 'safe');
  assert.equal(pieceState(3, 4), 'lost');
  assert.equal(pieceState(4, 4), 'edge');
  assert.equal(pieceState(8, 4), 'safe');
});

test('the churn scheduler draws failures, outages and joins at their rates', () => {
  const p = params({
    SIM_HOSTS: '3000',
    SIM_COUNTRIES: '20',
    SIM_MONTHS: '2',
    SIM_CHUNKS: '3000',
    SIM_UPLOADS_PER_DAY: '10',
    SIM_FLAKY_SHARE: '0.1',
    SIM_FLAKY_FACTOR: '5',
  });
  const sim = new Probe(p, mulberry32(3));
  sim.run();
  const c = sim.counters;
  const within = (what: string, got: number, want: number) => {
    // Four standard deviations of a Poisson count, and 5% for the model's own effects (a host
    // that is down or gone draws no outage).
    const slack = 4 * Math.sqrt(want) + 0.05 * want;
    assert.ok(Math.abs(got - want) <= slack, `${what}: ${got}, expected ${want} +- ${slack}`);
  };
  const hostMonths = 3000 * 2;
  within('failures', c.failures, hostMonths * p.failureRate);
  within('joins', c.joins, p.joinRate * p.hosts * 2);
  within('outages', c.outages, hostMonths * p.outageRate * 0.97);
  within('exits started', c.exitsStarted, hostMonths * p.exitRate);
  // The poor-record hosts have 5x the failures of the others: 0.1 x 5 / 1.4 of them.
  const failed = sim.hosts.filter((h) => h.failed);
  const share = failed.filter((h) => h.flaky).length / failed.length;
  assert.ok(share > 0.22 && share < 0.5, `share of failures on poor-record hosts: ${share}`);
  const flaky = sim.hosts.filter((h) => h.flaky).length / sim.hosts.length;
  assert.ok(flaky > 0.08 && flaky < 0.12, `share of poor-record hosts: ${flaky}`);
});

test('a country outage takes down every host there for its time, and loses no chunk', () => {
  const sim = quiet(40, 4, { SIM_COUNTRY_OUTAGE_HOURS: '24' });
  const chunks = Array.from({ length: 200 }, () => sim.put());
  const t = 10 * DAY;
  sim.outageOf(0, t);
  const there = sim.hosts.filter((h) => h.countryIdx === 0);
  assert.ok(there.length > 0);
  assert.ok(there.every((h) => !h.online));
  assert.ok(sim.hosts.filter((h) => h.countryIdx !== 0).every((h) => h.online));
  // Two replicas in two countries: every chunk can still be read from the other one.
  sim.until(t + 12 * HOUR);
  assert.ok(
    there.every((h) => !h.online),
    'still down at 12 h',
  );
  assert.ok(chunks.every((c) => sim.isReadable(c)));
  sim.until(t + 25 * HOUR);
  assert.ok(
    there.every((h) => h.online),
    'back after 24 h',
  );
  assert.equal(sim.lostChunks, 0);
});

test('loss counting: a chunk is lost when no host has its bytes, not when one is offline', () => {
  const sim = quiet(6, 6);
  const c = sim.put();
  const [a, b] = sim.holders(c);
  assert.ok(a && b && a.country !== b.country, 'two replicas in two countries');
  // The survivor fails for good at one a month: that is the hazard while it is the last one.
  a.failRate = 1 / MONTH;
  sim.down(a, HOUR);
  sim.fire('fail', b.idx, HOUR);
  assert.equal(sim.lostChunks, 0, 'the last copy is offline, not gone');
  assert.equal(sim.isReadable(c), false);
  assert.equal(sim.edgeChunks, 1, 'the chunk is one failure from loss');
  sim.recheck(c, 1.5 * HOUR);
  assert.equal(sim.edge.n, 0, 'still one episode, open');
  sim.fire('fail', a.idx, 2 * HOUR);
  assert.equal(sim.lostChunks, 1);
  assert.equal(sim.lossCauses.get('a permanent failure'), 1);
  assert.deepEqual([sim.edge.n, sim.edge.total], [1, HOUR], 'one episode of an hour');
  // An hour at the edge at one failure a month.
  assert.ok(Math.abs(sim.expectedLost - HOUR / MONTH) < 1e-9, `expected ${sim.expectedLost}`);
});

test('loss counting with 2-of-4 erasure coding: two pieces may go, the third loses it', () => {
  const sim = quiet(8, 8, { SIM_REPLICAS: '4', SIM_EC_K: '2' });
  const c = sim.put();
  const holders = sim.holders(c);
  assert.equal(holders.length, 4);
  assert.equal(new Set(holders.map((h) => h.country)).size, 4, 'one piece per country');
  const [h0, h1, h2] = holders as [SimHost, SimHost, SimHost];
  sim.fire('fail', h0.idx, HOUR);
  assert.equal(sim.edgeChunks, 0);
  sim.fire('fail', h1.idx, HOUR);
  assert.equal(sim.lostChunks, 0);
  assert.equal(sim.edgeChunks, 1, 'two of four left: one more loses it');
  sim.fire('fail', h2.idx, 2 * HOUR);
  assert.equal(sim.lostChunks, 1);
});

test('faster repair for a poor record: such a host counts as lost after its shorter delay', () => {
  const sim = quiet(10, 5, { SIM_POOR_LOST_MINUTES: '30', SIM_POOR_OUTAGES: '1' });
  const c = sim.put();
  const [a] = sim.holders(c) as [SimHost];
  // One outage in the 30 days before this one: a poor record at SIM_POOR_OUTAGES=1.
  a.outageTimes.push(MONTH - DAY);
  sim.fire('fail', a.idx, MONTH);
  sim.until(MONTH + 31 * 60_000);
  assert.equal(a.lost, true, 'lost after 30 min: one outage in the last 30 days');
  assert.equal(sim.counters.poorLost, 1);
  const d = sim.hosts.find((h) => h !== a && h.len > 0) as SimHost;
  sim.fire('fail', d.idx, 3 * MONTH);
  sim.until(3 * MONTH + HOUR);
  assert.equal(d.lost, false, 'no record: not lost after 1 h');
  sim.until(3 * MONTH + 4 * HOUR + 1);
  assert.equal(d.lost, true);
});
