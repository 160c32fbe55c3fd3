import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CofferClient } from '@coffer/sdk';
import type { Page } from 'playwright-core';
import { freshAccount, net } from './fixture.ts';

// The open folder follows the hub's change feed: another device's upload, rename and delete
// show without a reload. The web app has no timer that lists a folder again ([Note: Listings
// follow the change feed] in web/src/change-feed.ts), so only the feed can bring these.

const row = (page: Page, name: string) =>
  page.getByRole('button', { name: `Actions for ${name}`, exact: true });

/** Pretends the tab is hidden or shown again, as switching tabs does. */
async function setVisible(page: Page, visible: boolean) {
  // A string, not a function: tsx would name the getter with a helper the page lacks.
  await page.evaluate(`
    Object.defineProperty(document, 'visibilityState', {
      configurable: true,
      get() { return ${JSON.stringify(visible ? 'visible' : 'hidden')}; },
    });
    document.dispatchEvent(new Event('visibilitychange'));
  `);
}

test('the open folder shows what another device uploads, renames and deletes, driven by the change feed', async () => {
  const email = 'changes@example.com';
  const { context, page, errors } = await freshAccount(email);
  const other = await CofferClient.login({
    hubUrl: net.hubUrl,
    email,
    password: 'a long web password',
    deviceName: 'other device',
  });
  const bytes = (s: string) => new TextEncoder().encode(s);

  // The root: a new folder and a new file arrive.
  await other.mkdir('/Docs');
  await page.getByRole('button', { name: 'Docs', exact: true }).waitFor({ timeout: 60_000 });
  await other.upload('/from-afar.txt', bytes('hello from the other device'));
  await row(page, 'from-afar.txt').waitFor({ timeout: 60_000 });

  // Inside a folder: upload, rename, delete.
  await page.getByRole('button', { name: 'Docs', exact: true }).click();
  await page.getByText('This folder is empty').waitFor();
  await other.upload('/Docs/notes.txt', bytes('first'));
  await row(page, 'notes.txt').waitFor({ timeout: 60_000 });
  await other.move('/Docs/notes.txt', '/Docs/renamed.txt');
  await row(page, 'renamed.txt').waitFor({ timeout: 60_000 });
  await row(page, 'notes.txt').waitFor({ state: 'detached', timeout: 60_000 });
  await other.trash('/Docs/renamed.txt');
  await page.getByText('This folder is empty').waitFor({ timeout: 60_000 });

  // A change outside the open folder leaves it alone; one inside while the tab is hidden
  // shows when the tab is visible again (a fresh cursor, then a reload).
  await setVisible(page, false);
  await other.upload('/Docs/while-hidden.txt', bytes('hidden'));
  await setVisible(page, true);
  await row(page, 'while-hidden.txt').waitFor({ timeout: 60_000 });

  assert.deepEqual(errors, []);
  await other.logout();
  await context.close();
});
