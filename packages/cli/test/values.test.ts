import assert from 'node:assert/strict';
import { test } from 'node:test';
import { atLeastOne, duration, formatTags, parseTags } from '../src/values.ts';

test('duration reads minutes, hours, days and weeks', () => {
  assert.equal(duration('30m'), 30 * 60_000);
  assert.equal(duration('12h'), 12 * 3_600_000);
  assert.equal(duration(' 7 d '), 7 * 86_400_000);
  assert.equal(duration('2w'), 14 * 86_400_000);
});

test('duration refuses anything else, naming --expires', () => {
  for (const bad of ['soon', '0d', '7', '1.5h', '-1d', '3y', '']) {
    assert.throws(
      () => duration(bad),
      {
        name: 'ValidationError',
        message: '--expires: expected a duration like 30m, 12h, 7d or 2w',
      },
      bad,
    );
  }
});

test('atLeastOne takes a whole number from 1, naming the flag otherwise', () => {
  assert.equal(atLeastOne('1', '--files'), 1);
  assert.equal(atLeastOne('250', '--downloads'), 250);
  for (const bad of ['0', '-2', '1.5', 'many', '']) {
    assert.throws(() => atLeastOne(bad, '--files'), { field: '--files' }, bad);
  }
});

test('tags are key=value; the value may hold "=", the key may not be empty', () => {
  assert.deepEqual(parseTags(['power=solar', 'note=a=b', 'empty='], '--tag'), {
    power: 'solar',
    note: 'a=b',
    empty: '',
  });
  assert.throws(() => parseTags(['solar'], '--require'), {
    message: '--require: expected key=value, got "solar"',
  });
  assert.throws(() => parseTags(['=solar'], '--tag'), { field: '--tag' });
  assert.equal(formatTags({ power: 'solar', tier: 'home' }), 'power=solar,tier=home');
  assert.equal(formatTags({}), '-');
});
