import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IntegrityError } from '@coffer/errors';
import { acceptVerdict } from '../src/sweep.ts';
import { chunk, tempDir } from './helpers.ts';
import { openStore } from './store-helpers.ts';

const id = (n: number) => n.toString(16).padStart(64, '0');
const report = { host: 'a'.repeat(32), nonce: 'b'.repeat(32), chunks: [id(1), id(2), id(3)] };
const verdict = (o: { drop?: string[]; wait?: string[]; host?: string; nonce?: string }) => ({
  v: 1 as const,
  host: o.host ?? report.host,
  nonce: o.nonce ?? report.nonce,
  at: Date.now(),
  drop: o.drop ?? [],
  wait: o.wait ?? [],
});

test('a verdict for this report: drop and wait as named', () => {
  assert.deepEqual(acceptVerdict(verdict({ drop: [id(1)], wait: [id(2)] }), report), {
    drop: [id(1)],
    wait: [id(2)],
  });
});

test('a verdict for another host or report, or naming chunks not reported, is refused', () => {
  assert.throws(() => acceptVerdict(verdict({ host: 'c'.repeat(32) }), report), IntegrityError);
  assert.throws(() => acceptVerdict(verdict({ nonce: 'c'.repeat(32) }), report), IntegrityError);
  assert.throws(() => acceptVerdict(verdict({ drop: [id(9)] }), report), IntegrityError);
  assert.throws(() => acceptVerdict(verdict({ wait: [id(9)] }), report), IntegrityError);
});

test('the journal lists chunks by time stored from a cursor, up to a time', async (t) => {
  const dir = await tempDir(t);
  const store = await openStore(dir);
  t.after(() => store.close());
  const chunks = Array.from({ length: 5 }, (_, i) => chunk(100, i + 1));
  for (const c of chunks) await store.put(c.id, c.data);
  const all = store.listStored(null, Date.now() + 1, 100);
  assert.deepEqual(new Set(all.map((c) => c.id)), new Set(chunks.map((c) => c.id)));
  for (let i = 1; i < all.length; i++) {
    const [a, b] = [all[i - 1], all[i]] as [(typeof all)[0], (typeof all)[0]];
    assert.ok(a.storedAt < b.storedAt || (a.storedAt === b.storedAt && a.id < b.id));
  }
  const first = all[1] as (typeof all)[0];
  const rest = store.listStored({ at: first.storedAt, id: first.id }, Date.now() + 1, 100);
  assert.deepEqual(rest, all.slice(2));
  assert.deepEqual(store.listStored(null, (all[0] as (typeof all)[0]).storedAt, 100), []);
});

test('a chunk put again moves to the end of the journal, past a verdict on its earlier copy', async (t) => {
  const dir = await tempDir(t);
  const store = await openStore(dir);
  t.after(() => store.close());
  const a = chunk(1000, 1);
  const b = chunk(1000, 2);
  await store.put(a.id, a.data);
  const first = store.locate(a.id)?.storedAt ?? 0;
  await store.put(b.id, b.data);
  const bAt = store.locate(b.id)?.storedAt ?? 0;
  // The clock moves on (within a millisecond), so the order below does not hang on ids.
  while (Date.now() <= bAt) await new Promise((r) => setImmediate(r));
  // A rerun's upload, or a repair, stores it again: the host still holds it, and signs at once.
  const again = await store.put(a.id, a.data);
  assert.equal(again.stored, false);
  assert.ok((store.locate(a.id)?.storedAt ?? 0) > Math.max(first, bAt));
  const journal = store.listStored(null, Date.now() + 1, 10).map((c) => c.id);
  assert.deepEqual(journal, [b.id, a.id]);
});

test('a chunk received slowly is journaled when it is stored, after smaller ones stored meanwhile', async (t) => {
  const dir = await tempDir(t);
  const store = await openStore(dir);
  t.after(() => store.close());
  const big = chunk(1_000_000, 3); // above the small-record size: written as it arrives
  const small = chunk(1000, 4);
  // The big chunk's first bytes arrive, then a small chunk is stored and reported...
  const h = store.beginPut(big.id, big.data.length);
  await h.write(big.data.subarray(0, 1000));
  await store.put(small.id, small.data);
  const smallAt = store.locate(small.id)?.storedAt ?? 0;
  while (Date.now() <= smallAt) await new Promise((r) => setImmediate(r));
  const cursor = { at: smallAt, id: small.id };
  // ...then the rest of the big one: it must come after the cursor, or no sweep would see it.
  await h.write(big.data.subarray(1000));
  await h.finish();
  assert.deepEqual(
    store.listStored(cursor, Date.now() + 1, 10).map((c) => c.id),
    [big.id],
  );
});
