import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { browser, crumb, freshAccount, itemMenuButton, net, newFolder, SHOTS } from './fixture.ts';

// Every folder and view has its own address: Back and Forward move through folders, a reload
// keeps the place, a bookmarked folder opens after logging in, and "Files" is the root. Search
// follows typing across the whole tree and says where each hit lives.

test('folder addresses with Back, Forward, reload and a bookmark; search as you type', async () => {
  const { context, page, errors } = await freshAccount('roads@example.com');
  const hash = () => new URL(page.url()).hash;
  await newFolder(page, 'Trips');
  await page.getByRole('button', { name: 'Trips', exact: true }).click();
  await crumb(page, 'Trips').waitFor();
  await newFolder(page, 'Été 2026');
  await page.getByRole('button', { name: 'Été 2026', exact: true }).click();
  await crumb(page, 'Été 2026').waitFor();
  assert.equal(hash(), '#/files/Trips/%C3%89t%C3%A9%202026');
  await page.getByLabel('Upload files').setInputFiles({
    name: 'deep beach.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('sand'),
  });
  await itemMenuButton(page, 'deep beach.txt').waitFor({ timeout: 60_000 });

  await page.goBack();
  await itemMenuButton(page, 'Été 2026').waitFor();
  assert.equal(hash(), '#/files/Trips');
  await page.goForward();
  await itemMenuButton(page, 'deep beach.txt').waitFor();
  await page.reload();
  await itemMenuButton(page, 'deep beach.txt').waitFor({ timeout: 30_000 });
  await crumb(page, 'Été 2026').waitFor();

  // "Files" always goes to the root; other views have addresses too.
  await page
    .getByRole('navigation', { name: 'Views' })
    .getByRole('button', { name: 'Files' })
    .click();
  await itemMenuButton(page, 'Trips').waitFor();
  assert.equal(hash(), '#/files');
  await page.getByRole('button', { name: 'Trash', exact: true }).click();
  await page.getByText('The trash is empty.').waitFor();
  assert.equal(hash(), '#/trash');
  await page.goBack();
  await itemMenuButton(page, 'Trips').waitFor();

  // Search as you type, with no Enter: each hit says where it lives and opens its folder.
  const box = page.getByLabel('Search all files');
  await box.pressSequentially('BEACH', { delay: 30 });
  const results = page.getByRole('list', { name: 'Results' });
  await results.getByRole('button', { name: 'deep beach.txt' }).waitFor({ timeout: 30_000 });
  assert.equal(hash(), '#/search?q=BEACH');
  await page.screenshot({ path: join(SHOTS, 'search-desktop.png') });
  await box.pressSequentially(' winter', { delay: 30 });
  await page.getByText('Nothing matches “BEACH winter”.').waitFor();
  await box.fill('ete');
  await results.getByRole('button', { name: 'Été 2026' }).waitFor();
  await results.getByRole('button', { name: 'in /Trips', exact: true }).click();
  await itemMenuButton(page, 'Été 2026').waitFor();
  assert.equal(hash(), '#/files/Trips');
  await page.goBack();
  await results.getByRole('button', { name: 'Été 2026' }).waitFor();
  assert.equal(await box.inputValue(), 'ete', 'the box shows the search gone back to');
  // Emptying the box goes back to the folder open last.
  await box.fill('');
  await itemMenuButton(page, 'Été 2026').waitFor();
  assert.equal(hash(), '#/files/Trips');

  // A folder that is not there gives way to the nearest one above, and says so.
  await page.goto(`${net.hubUrl}/#/files/Trips/Nope`);
  await page
    .getByRole('alert')
    .getByText('/Trips/Nope does not exist')
    .waitFor({ timeout: 30_000 });
  await itemMenuButton(page, 'Été 2026').waitFor();
  assert.equal(hash(), '#/files/Trips');
  assert.deepEqual(errors, []);
  await context.close();

  // A bookmarked folder opens where it points once the user has logged in.
  const other = await browser.newContext();
  const again = await other.newPage();
  await again.goto(`${net.hubUrl}/#/files/Trips/%C3%89t%C3%A9%202026`);
  await again.getByRole('button', { name: 'I already have an account' }).click();
  await again.getByLabel('Email').fill('roads@example.com');
  await again.getByLabel('Password').fill('a long web password');
  await again.getByRole('button', { name: 'Log in' }).click();
  await itemMenuButton(again, 'deep beach.txt').waitFor({ timeout: 60_000 });
  await other.close();
});
