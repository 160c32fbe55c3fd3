import assert from 'node:assert/strict';
import { test } from 'node:test';
import { folderPath, normaliseCode } from '../src/apps/input.ts';

test('an app’s code is read as typed: any case, spaces or dash, 8 consonants', () => {
  for (const typed of ['BCDF-GHJK', 'bcdfghjk', ' bcdf ghjk ', 'bCdF-gHjK'])
    assert.equal(normaliseCode(typed), 'BCDF-GHJK', typed);
  for (const typed of ['', 'BCDF-GHJ', 'BCDF-GHJKL', 'BCDF_GHJK', 'BCDF-GHJ1', 'BCDA-GHJK'])
    assert.equal(normaliseCode(typed), null, typed);
});

test('the folder field is a path below the root; the root itself is refused', () => {
  assert.equal(folderPath('Photos'), '/Photos');
  assert.equal(folderPath(' /Photos//2026/ '), '/Photos/2026');
  assert.equal(folderPath('/'), null);
  assert.equal(folderPath('  '), null);
});
