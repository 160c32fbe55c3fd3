import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BufferPool } from '../src/transfers/buffer-pool.ts';

test('a buffer handed back is given out again for the same length', () => {
  const pool = new BufferPool();
  const a = pool.take(1000);
  assert.equal(a.length, 1000);
  pool.give(a.subarray(4, 20));
  const b = pool.take(1000);
  assert.equal(b.buffer, a.buffer);
  assert.equal(b.length, 1000);
  assert.notEqual(pool.take(1000).buffer, a.buffer);
});

test('buffers of lengths the pool never gave out, or handed back twice, are not kept', () => {
  const pool = new BufferPool();
  pool.give(new Uint8Array(64));
  pool.take(64);
  const a = pool.take(64);
  pool.give(a);
  pool.give(a);
  assert.equal(pool.take(64).buffer, a.buffer);
  assert.notEqual(pool.take(64).buffer, a.buffer);
});

test('the pool keeps no more than its budget', () => {
  const pool = new BufferPool(2500);
  const [a, b, c] = [pool.take(1000), pool.take(1000), pool.take(1000)];
  for (const x of [a, b, c]) pool.give(x);
  const again = [pool.take(1000), pool.take(1000), pool.take(1000)].map((x) => x.buffer);
  assert.ok(again.includes(a.buffer) && again.includes(b.buffer));
  assert.ok(!again.includes(c.buffer));
});
