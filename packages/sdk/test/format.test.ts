import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatBytes } from '../src/format.ts';

test('formatBytes: whole bytes, one decimal above, and a rate of bytes is rounded', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(48), '48 B');
  assert.equal(formatBytes(297.8723404255319), '298 B');
  assert.equal(formatBytes(1023.6), '1024 B');
  assert.equal(formatBytes(1024), '1.0 KiB');
  assert.equal(formatBytes(30 * 1024 * 1024), '30.0 MiB');
  assert.equal(formatBytes(5 * 1024 ** 4 * 1024), '5120.0 TiB');
});
