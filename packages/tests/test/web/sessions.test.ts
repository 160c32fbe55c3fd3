import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { CofferClient } from '@coffer/sdk';
import { cli, twoDevices } from '../../src/index.ts';
import { browser, net, SHOTS } from './fixture.ts';

// The Sessions page shows each device's sync folders ([Note: Sync state in the client]): a real
// `coffer sync --once` reports its root, and the page shows the folder, the device, the state
// and how long ago it synced.

test('Sessions shows the folders each device syncs, with the device name and the last pass', async () => {
  const { b } = await twoDevices(net, 'sessions');
  const local = join(net.dir, 'sessions-sync');
  await mkdir(local, { recursive: true });
  await writeFile(join(local, 'notes.txt'), 'synced from the studio');
  const sync = await cli(['sync', local, '/Sync', '--device', 'studio laptop', '--once'], b);
  assert.equal(sync.code, 0, sync.stderr);
  // Another device whose last pass went less well, for the page to show too.
  const desktop = await CofferClient.login({
    hubUrl: net.hubUrl,
    email: 'sessions@example.com',
    password: 'pw',
    deviceName: 'coffer cli',
  });
  await desktop.syncState.report([
    {
      localPath: 'D:\\Photos',
      remotePath: '/Photos/2024 holidays',
      deviceName: 'home desktop',
      lastPassAt: Date.now() - 3 * 3600_000,
      state: 'error',
      conflicts: 2,
      errors: 1,
    },
  ]);

  for (const [name, viewport] of [
    ['desktop', { width: 1280, height: 800 }],
    ['phone', { width: 390, height: 844 }],
  ] as const) {
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ viewport, colorScheme });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(net.hubUrl);
      await page.getByRole('button', { name: 'I already have an account' }).click();
      await page.getByLabel('Email').fill('sessions@example.com');
      await page.getByLabel('Password').fill('pw');
      await page.getByRole('button', { name: 'Log in' }).click();
      await page
        .getByRole('navigation', { name: 'Views' })
        .getByRole('button', { name: 'Sessions' })
        .click({ timeout: 60_000 });
      const studio = page.getByRole('list', { name: /^Sync folders: coffer cli/i }).filter({
        hasText: '/Sync on “studio laptop”',
      });
      await studio.waitFor({ timeout: 60_000 });
      assert.match(
        (await studio.textContent()) ?? '',
        /Synced.*last synced (now|\d+ seconds? ago)/,
      );
      const photos = page.getByText('/Photos/2024 holidays on “home desktop”');
      await photos.waitFor();
      const row = page.getByRole('listitem').filter({ has: photos });
      assert.match(
        (await row.textContent()) ?? '',
        /Errors.*last synced 3 hours ago.*2 conflicts.*1 error/,
      );
      await page.screenshot({
        path: join(SHOTS, `sessions-${name}-${colorScheme}.png`),
        fullPage: true,
      });
      assert.deepEqual(errors, []);
      // Logged out, so the next round's page lists one browser session, not one per round.
      await page.getByRole('button', { name: 'Log out' }).click();
      await page.getByRole('button', { name: 'Create account' }).waitFor();
      await context.close();
    }
  }
});
