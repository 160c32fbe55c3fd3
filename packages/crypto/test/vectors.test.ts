import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadVectors } from './load-vectors.ts';
import { checkVectors } from './vectors.ts';

test('every committed known-answer vector opens and reproduces in Node', async () => {
  const vectors = loadVectors();
  assert.equal(Object.keys(vectors).length, 10, 'one vector file per format');
  const outcomes = await checkVectors(vectors);
  assert.ok(outcomes.length >= 30);
  assert.deepEqual(
    outcomes.filter((o) => !o.ok),
    [],
  );
});
