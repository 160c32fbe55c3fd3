import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { IntegrityError } from '@coffer/errors';
import { Freshness, type FreshnessPins, memoryPins, type Pin } from '../src/pins.ts';

// The pin rules ([Note: Freshness pins]): an older revision or key version than one seen is
// refused, and only verified values move a pin.

const node = (revision: number | null, keyVersion?: number) => ({
  id: 'n1',
  revision,
  ...(keyVersion === undefined ? {} : { keyVersion }),
});

const rolledBack = (what: RegExp) => (e: unknown) => {
  assert.ok(e instanceof IntegrityError, String(e));
  assert.match(e.message, what);
  assert.match(e.message, /rolled back/);
  return true;
};

/** A store that answers with promises and records every put. */
function asyncStore(): FreshnessPins & { puts: [string, Pin][]; pins: Map<string, Pin> } {
  const pins = new Map<string, Pin>();
  const puts: [string, Pin][] = [];
  return {
    pins,
    puts,
    get: async (id) => pins.get(id),
    put: async (id, pin) => {
      await new Promise((r) => setImmediate(r));
      puts.push([id, pin]);
      pins.set(id, pin);
    },
  };
}

describe('freshness pins', () => {
  test('a verified revision pins it: an older one is refused, the same or newer accepted', async () => {
    const f = new Freshness();
    await f.opened(node(3));
    await f.verified('n1', 5);
    await assert.rejects(
      f.opened(node(3)),
      rolledBack(/node n1: the hub served revision 3, older than revision 5 seen before/),
    );
    await assert.rejects(f.verified('n1', 4), rolledBack(/revision 4, older than revision 5/));
    await f.opened(node(5));
    await f.opened(node(6));
    await f.verified('n1', 6);
    await assert.rejects(f.opened(node(5)), rolledBack(/revision 5, older than revision 6/));
  });

  test("a revision number in a listing is the hub's word: it is checked, never pinned", async () => {
    const f = new Freshness();
    await f.opened(node(9));
    // An inflated number cannot lock the client out of the real, lower revision.
    await f.opened(node(2));
    await f.verified('n1', 2);
  });

  test('a key version pins once its wrapped key opened; an older one is refused', async () => {
    const f = new Freshness();
    await f.opened(node(null));
    await f.opened(node(null, 2));
    await assert.rejects(
      f.opened(node(null)),
      rolledBack(/the hub served key version 1, older than key version 2 seen before/),
    );
    await f.opened(node(null, 3));
    await assert.rejects(f.opened(node(null, 2)), rolledBack(/key version 2, older than/));
  });

  test('pins are per node', async () => {
    const f = new Freshness();
    await f.verified('n1', 4);
    await f.opened({ id: 'n2', revision: 1 });
    await f.verified('n2', 1);
  });

  test('a store is read once per node, written only when a pin moves, and survives the client', async () => {
    const store = asyncStore();
    const first = new Freshness(store);
    await first.opened(node(1));
    await first.verified('n1', 1);
    await first.opened(node(1));
    await first.verified('n1', 1);
    assert.deepEqual(store.puts, [
      ['n1', { revision: 0, keyVersion: 1 }],
      ['n1', { revision: 1, keyVersion: 1 }],
    ]);
    await first.verified('n1', 2);
    const next = new Freshness(store);
    await assert.rejects(next.opened(node(1)), rolledBack(/revision 1, older than revision 2/));
  });

  test('concurrent looks at one node never move its stored pin down', async () => {
    const store = asyncStore();
    const f = new Freshness(store);
    await Promise.all([f.verified('n1', 3), f.opened(node(3, 2)), f.verified('n1', 4)]);
    assert.deepEqual(store.pins.get('n1'), { revision: 4, keyVersion: 2 });
    const revisions = store.puts.map(([, p]) => p.revision);
    assert.deepEqual(
      revisions,
      [...revisions].sort((a, b) => a - b),
    );
  });

  test('the memory store keeps what it is given', () => {
    const s = memoryPins();
    assert.equal(s.get('x'), undefined);
    s.put('x', { revision: 1, keyVersion: 1 });
    assert.deepEqual(s.get('x'), { revision: 1, keyVersion: 1 });
  });
});
