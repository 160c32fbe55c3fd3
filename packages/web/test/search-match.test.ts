import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matches } from '../src/files/search-match.ts';

test('search matches every word in any order, ignoring case and accents', () => {
  assert.equal(matches('Été à Porto.jpg', 'porto ete'), true);
  assert.equal(matches('report <b>2026<b>.bin', '<B>2026'), true);
  assert.equal(matches('Holidays 2026', 'holidays 2025'), false);
  assert.equal(matches('notes.md', '   '), false, 'blank finds nothing');
  assert.equal(matches('CRÈME brûlée', 'creme BRULEE'), true);
});
