import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, startCli, tempDir, until } from '../src/index.ts';

// [Note: Hub roles] and [Note: One process on SQLite]: the roles that need PostgreSQL are
// refused on SQLite with a message saying so; a second process on one SQLite file is refused
// while the first runs, and a process restarted after the first was killed takes over after one renewal interval.

test('roles api and worker on SQLite are refused, naming PostgreSQL', async () => {
  const dir = await tempDir();
  try {
    for (const role of ['api', 'worker']) {
      const r = await cli(['hub', '--data', join(dir, 'hub'), '--port', '0', '--role', role]);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /role: role \w+ is for several hub processes, which need PostgreSQL/);
    }
    const bad = await cli(['hub', '--data', join(dir, 'hub'), '--port', '0', '--role', 'boss']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /--role: expected api, worker or all/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('one process on SQLite: a second is refused while the first runs; after a kill -9, a restart takes over', async () => {
  const dir = await tempDir();
  const args = ['hub', '--data', join(dir, 'hub'), '--port', '0'];
  const first = startCli(args);
  try {
    await until(
      'the first hub to start',
      () => /Hub: http/.test(first.stdout()) || undefined,
      120_000,
    );
    const second = await cli(args);
    assert.notEqual(second.code, 0);
    assert.match(
      second.stderr,
      /another hub process \(.+:\d+:.+\) is using .*hub\.sqlite: SQLite serves one hub process/,
    );
    first.child.kill('SIGKILL');
    await first.done;
    const third = startCli(args);
    try {
      await until(
        'a restarted hub to start',
        () => /Hub: http/.test(third.stdout()) || undefined,
        120_000,
      );
    } finally {
      third.child.kill('SIGTERM');
      await third.done;
    }
  } finally {
    first.child.kill('SIGKILL');
    await first.done;
    await rm(dir, { recursive: true, force: true });
  }
});
