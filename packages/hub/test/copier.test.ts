import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextStep } from '../src/services/copier.ts';

// What the copier does with a running copy job ([Note: Direct copies]): wait, deliver the
// order again, issue the next one (backing off after attempts that copied nothing), or fail.

const c = { intervalMs: 1_000, nudgeMs: 15_000, giveUpMs: 3_600_000 };
const up = { state: 'active' as const, online: true };
const down = { state: 'active' as const, online: false };
const NOW = 10_000_000;
const job = {
  order_id: null as string | null,
  order_ends_at: null as number | null,
  touched_at: NOW,
  progress_at: NOW,
  orders: 0,
  chunks_done: 0,
  done_at_order: 0,
  stalls: 0,
};

test('a new job gets its first order once both hosts are online', () => {
  assert.deepEqual(nextStep(job, up, up, NOW, c), { kind: 'issue', stalled: false });
  assert.deepEqual(nextStep(job, up, down, NOW, c), { kind: 'wait' });
  assert.deepEqual(nextStep(job, down, up, NOW, c), { kind: 'wait' });
});

test('a current order is left alone, and delivered again when nothing was heard for a while', () => {
  const running = { ...job, order_id: 'o', order_ends_at: NOW + 60_000, orders: 1 };
  assert.deepEqual(nextStep(running, up, up, NOW, c), { kind: 'wait' });
  const quiet = { ...running, touched_at: NOW - c.nudgeMs };
  assert.deepEqual(nextStep(quiet, up, up, NOW, c), { kind: 'nudge' });
  assert.deepEqual(nextStep(quiet, up, down, NOW, c), { kind: 'wait' });
});

test('after an order that copied something, the next is issued at once', () => {
  const ended = { ...job, order_id: 'o', order_ends_at: NOW, orders: 1, chunks_done: 3 };
  assert.deepEqual(nextStep(ended, up, up, NOW, c), { kind: 'issue', stalled: false });
});

test('after orders that copied nothing, the next waits longer each time', () => {
  const stalled = { ...job, order_id: 'o', order_ends_at: NOW, orders: 2, stalls: 2 };
  assert.deepEqual(nextStep(stalled, up, up, NOW, c), { kind: 'wait', until: NOW + 4_000 });
  assert.deepEqual(nextStep(stalled, up, up, NOW + 4_000, c), { kind: 'issue', stalled: true });
  const many = { ...stalled, stalls: 30 };
  assert.deepEqual(nextStep(many, up, up, NOW, c), { kind: 'wait', until: NOW + 5 * 60_000 });
});

test('a job fails when a host leaves, or when nothing is copied for too long', () => {
  assert.equal(nextStep(job, undefined, up, NOW, c).kind, 'fail');
  assert.equal(nextStep(job, { state: 'exited', online: false }, up, NOW, c).kind, 'fail');
  for (const state of ['exiting', 'exited', 'disqualified'] as const) {
    assert.equal(nextStep(job, up, { state, online: true }, NOW, c).kind, 'fail', state);
  }
  const old = { ...job, progress_at: NOW - c.giveUpMs };
  assert.deepEqual(nextStep(old, down, up, NOW, c), {
    kind: 'fail',
    why: 'nothing copied for 60 min',
  });
  // A current order is never cut short by the give-up time.
  const current = { ...old, order_id: 'o', order_ends_at: NOW + 1 };
  assert.equal(nextStep(current, up, up, NOW, c).kind, 'wait');
});
