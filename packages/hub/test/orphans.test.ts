import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sweepVerdict } from '../src/services/orphans.ts';

const id = (n: number) => n.toString(16).padStart(64, '0');

test('a reported chunk the hub records on the host is kept (named in neither list)', () => {
  assert.deepEqual(sweepVerdict([id(1)], new Set([id(1)]), new Set([id(1)])), {
    drop: [],
    wait: [],
  });
});

test('no record but held by an upload in progress: ask again later, never drop', () => {
  assert.deepEqual(sweepVerdict([id(2)], new Set(), new Set([id(2)])), { drop: [], wait: [id(2)] });
});

test('no record and no upload in progress: drop, once each', () => {
  const v = sweepVerdict([id(3), id(3), id(1), id(2)], new Set([id(1)]), new Set([id(2)]));
  assert.deepEqual(v, { drop: [id(3)], wait: [id(2)] });
});
