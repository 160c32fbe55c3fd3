import assert from 'node:assert/strict';
import { statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { diskSpace, overcommitWarning } from '../src/disk.ts';

// The disk a host reports in its hellos, and the line it logs at start when it declares more
// than that disk has ([Note: Declared and real space]).

const GiB = 1024 ** 3;

test('diskSpace: the free space and size of the filesystem under a directory', async () => {
  const disk = await diskSpace(tmpdir());
  assert.ok(disk, 'the system says');
  const s = await statfs(tmpdir());
  assert.equal(disk.sizeBytes, s.blocks * s.bsize);
  assert.ok(disk.freeBytes > 0 && disk.freeBytes <= disk.sizeBytes);
  assert.equal(await diskSpace(join(tmpdir(), 'no-such-directory-for-coffer')), null);
});

test('overcommitWarning: one clear line when the capacity, less what is stored, exceeds the free space', () => {
  const disk = { freeBytes: 78 * GiB, sizeBytes: 250 * GiB };
  assert.equal(overcommitWarning(50 * GiB, 0, disk, '/srv/coffer'), null);
  assert.equal(overcommitWarning(79 * GiB, GiB, disk, '/srv/coffer'), null, 'exactly full');
  assert.equal(overcommitWarning(400 * GiB, 0, null, '/srv/coffer'), null, 'unknown disk');
  const line = overcommitWarning(400 * GiB, GiB, disk, '/srv/coffer');
  assert.equal(
    line,
    'host: WARNING: --capacity 400.0 GiB is more than the disk has: 78.0 GiB free (of 250.0 GiB) under /srv/coffer, 1.0 GiB already stored. The hub places data by --capacity, so uploads here will fail once the disk is full: lower it.',
  );
});
