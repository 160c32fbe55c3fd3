import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomBytes } from '@coffer/crypto';
import { ValidationError } from '@coffer/errors';
import {
  formatUserCode,
  newUserCode,
  normalizeUserCode,
  USER_CODE_ALPHABET,
} from '../src/user-code.ts';

test('user codes are eight letters of the unambiguous alphabet, shown as XXXX-XXXX', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const code = newUserCode(randomBytes);
    assert.match(code, new RegExp(`^[${USER_CODE_ALPHABET}]{8}$`));
    seen.add(code);
  }
  assert.equal(seen.size, 200);
  assert.equal(formatUserCode('BCDFGHJK'), 'BCDF-GHJK');
});

test('rejection sampling skips the bytes that would bias the alphabet', () => {
  // 240..255 are skipped; 0 and 19 map to the first and last letters.
  const bytes = [255, 240, 0, 19, 20, 39, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const code = newUserCode(() => Uint8Array.from(bytes));
  assert.equal(code, 'BZBZCDFG');
});

test('typing is forgiving about case, spaces and dashes, and strict about the rest', () => {
  assert.equal(normalizeUserCode(' bcdf-ghjk '), 'BCDFGHJK');
  assert.equal(normalizeUserCode('bcdf ghjk'), 'BCDFGHJK');
  for (const bad of ['BCDF-GHJ', 'BCDF-GHJKL', 'ABCD-EFGH', 'BCDF-GH0K', '']) {
    assert.throws(
      () => normalizeUserCode(bad),
      (e) => e instanceof ValidationError && e.message.startsWith('userCode'),
      bad,
    );
  }
});
