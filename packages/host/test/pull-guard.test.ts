import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuthError, ConflictError } from '@coffer/errors';
import { type CopyOrder, PULL_WINDOW_MS } from '@coffer/protocol';
import { PullGuard } from '../src/server/pull-guard.ts';

// The source's replay rule ([Note: Direct copies]): a closed order is refused until it
// expires, a request's nonce is taken once, and a request's time must be fresh.

const nonce = (n: number) => n.toString(16).padStart(32, '0');

test('a nonce is taken once, and the same chunk may be asked for again with a new one', () => {
  let now = 1_000_000;
  const g = new PullGuard(() => now);
  g.admit({ at: now, nonce: nonce(1) });
  assert.throws(() => g.admit({ at: now, nonce: nonce(1) }), ConflictError);
  g.admit({ at: now, nonce: nonce(2) });
  now += PULL_WINDOW_MS / 2;
  assert.throws(() => g.admit({ at: now - PULL_WINDOW_MS / 2, nonce: nonce(1) }), /replayed/);
});

test('a request too old or from the future is refused, whatever its nonce', () => {
  const now = 5_000_000;
  const g = new PullGuard(() => now);
  assert.throws(() => g.admit({ at: now - PULL_WINDOW_MS - 1, nonce: nonce(3) }), AuthError);
  assert.throws(() => g.admit({ at: now + PULL_WINDOW_MS + 1, nonce: nonce(4) }), /request\.at/);
  g.admit({ at: now - PULL_WINDOW_MS, nonce: nonce(5) });
});

test('a closed order is refused; others stay open', () => {
  const now = 1_000;
  const g = new PullGuard(() => now);
  g.checkOpen({ id: 'a' });
  g.close({ id: 'a', exp: now + 60_000 });
  assert.throws(() => g.checkOpen({ id: 'a' }), /already completed/);
  g.checkOpen({ id: 'b' });
});

test('what it remembers is forgotten once it could no longer pass anyway', () => {
  let now = 1_000;
  const g = new PullGuard(() => now);
  g.close({ id: 'a', exp: now + 10_000 });
  for (let i = 0; i < 100; i++) g.admit({ at: now, nonce: nonce(100 + i) });
  assert.equal(g.size, 101);
  now += PULL_WINDOW_MS + 10_001;
  g.admit({ at: now, nonce: nonce(1) });
  assert.equal(g.size, 1);
  g.checkOpen({ id: 'a' }); // expired: the order's own expiry refuses it now
});

test('an order is verified once per text and hub key, and again once it has expired', () => {
  let now = 1_000;
  const g = new PullGuard(() => now);
  const key = {};
  const order = { id: 'a', exp: now + 10_000 } as CopyOrder;
  let checks = 0;
  const verify = () => {
    checks++;
    if (now > order.exp) throw new AuthError('order: expired');
    return order;
  };
  assert.equal(g.order('text-a', key, verify), order);
  assert.equal(g.order('text-a', key, verify), order);
  assert.equal(checks, 1);
  g.order('text-b', key, verify); // another text
  g.order('text-a', {}, verify); // another hub key
  assert.equal(checks, 3);
  now += 10_001;
  assert.throws(() => g.order('text-a', key, verify), /expired/);
  assert.equal(checks, 4);
  // A forged text is checked, and refused, every time it is presented.
  const forged = () => {
    checks++;
    throw new AuthError('order: signature does not verify');
  };
  assert.throws(() => g.order('forged', key, forged));
  assert.throws(() => g.order('forged', key, forged));
  assert.equal(checks, 6);
});
