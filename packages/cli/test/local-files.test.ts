import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { touch } from '../src/local-files.ts';

test('touch keeps the whole millisecond it is given, for every millisecond', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'coffer-touch-'));
  try {
    const file = join(dir, 'f');
    await writeFile(file, 'x');
    const off: number[] = [];
    // Half of these land a nanosecond short when set through a Date.
    for (let ms = 1796338625000; ms < 1796338625200; ms++) {
      await touch(file, ms);
      if (Math.floor((await stat(file)).mtimeMs) !== ms) off.push(ms);
    }
    assert.deepEqual(off, []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
