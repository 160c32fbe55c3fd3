import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSize } from '../src/size.ts';

test('parseSize reads binary units bare or with iB, decimal units with B', () => {
  assert.equal(parseSize('1048576'), 2 ** 20);
  assert.equal(parseSize('10G'), 10 * 2 ** 30);
  assert.equal(parseSize('500GiB'), 500 * 2 ** 30);
  assert.equal(parseSize('2TB'), 2e12);
  assert.equal(parseSize('1.5 MiB'), 1.5 * 2 ** 20);
  assert.equal(parseSize('64k'), 65536);
  assert.equal(parseSize('1kb'), 1000);
  assert.equal(parseSize(4096), 4096);
});

test('parseSize refuses what is not a size, naming the field', () => {
  for (const bad of ['', 'x', '10X', '-1', '1e3', '10 G B', '99999999999PB', -1, 1.5]) {
    assert.throws(() => parseSize(bad), { name: 'ValidationError', field: 'capacity' }, `${bad}`);
  }
  assert.throws(() => parseSize('lots', '--size'), {
    message: '--size: expected a size such as 1048576, 10G, 500GiB or 2TB',
  });
});
