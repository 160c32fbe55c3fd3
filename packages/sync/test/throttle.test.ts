import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Clock, Throttle } from '../src/throttle.ts';

/** A clock that only moves when the throttle sleeps: the waits it asks for, summed. */
function fakeClock(): Clock & { slept: number } {
  let t = 0;
  const c = {
    slept: 0,
    now: () => t,
    sleep: async (ms: number) => {
      c.slept += ms;
      t += ms;
    },
  };
  return c;
}

test('a limited transfer takes as long as its bytes at the rate, less the first burst', async () => {
  const clock = fakeClock();
  const rate = 1024 * 1024; // 1 MiB/s: a burst of 256 KiB
  const t = new Throttle(rate, clock);
  async function* source() {
    for (let i = 0; i < 64; i++) yield new Uint8Array(64 * 1024); // 4 MiB
  }
  let passed = 0;
  for await (const piece of t.pass(source())) passed += piece.length;
  assert.equal(passed, 4 * 1024 * 1024);
  const expected = ((4 * 1024 * 1024 - 256 * 1024) / rate) * 1000;
  assert.ok(Math.abs(clock.slept - expected) < 1, `slept ${clock.slept} ms, expected ${expected}`);
});

test('under the rate nothing waits, and an idle pause refills only up to the burst', async () => {
  const clock = fakeClock();
  const t = new Throttle(1024 * 1024, clock);
  await t.take(200 * 1024);
  assert.equal(clock.slept, 0);
  await clock.sleep(10_000); // idle for 10 s: the bucket holds one burst, not ten seconds
  clock.slept = 0;
  await t.take(256 * 1024);
  assert.equal(clock.slept, 0);
  await t.take(512 * 1024);
  assert.ok(Math.abs(clock.slept - 500) < 1, `slept ${clock.slept} ms`);
});

test('a rate of zero or less is refused', () => {
  assert.throws(() => new Throttle(0), RangeError);
});
