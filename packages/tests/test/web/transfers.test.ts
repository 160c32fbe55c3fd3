import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { writeRandomFile } from '../../src/files.ts';
import { unnamedControls } from '../../src/index.ts';
import {
  browser,
  crumb,
  downloadText,
  freshAccount,
  itemAction,
  net,
  newFolder,
  progressPast,
  SHOTS,
  signup,
} from './fixture.ts';

// Whole folders, selections, drag and drop, zips, and uploads that pause and resume.

/** Sets the page's upload rate in bytes per second (-1: no limit), so an upload stays running. */
async function uploadThrottle(context: BrowserContext, page: Page) {
  const cdp = await context.newCDPSession(page);
  return (bytesPerSecond: number) =>
    cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: bytesPerSecond,
    });
}

test('upload a whole folder, nested folders and all, drop files in, and download it as a zip', async () => {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  await signup(page, 'folder@example.com');
  await page.getByRole('button', { name: /continue/ }).click();
  await page.getByText('This folder is empty').waitFor();
  const dir = join(net.dir, 'album');
  await mkdir(join(dir, 'day 2'), { recursive: true });
  await writeFile(join(dir, 'cover.txt'), 'the cover');
  await writeFile(join(dir, 'day 2', 'beach.txt'), 'sand and sea');
  // Hundreds of small files go up packed in batches, not one commit each.
  await mkdir(join(dir, 'notes'));
  for (let i = 0; i < 300; i++) await writeFile(join(dir, 'notes', `note ${i}.txt`), `note ${i}`);
  await page.getByLabel('Upload a folder').setInputFiles(dir);
  await page.getByRole('button', { name: 'album', exact: true }).click();
  await page.getByRole('button', { name: 'Preview cover.txt' }).waitFor({ timeout: 60_000 });
  await page.getByRole('button', { name: 'notes', exact: true }).click();
  await page.getByRole('button', { name: 'Preview note 299.txt' }).waitFor({ timeout: 60_000 });
  await page
    .getByRole('region', { name: 'Uploads' })
    .waitFor({ state: 'detached', timeout: 60_000 });
  await page.getByRole('button', { name: 'Preview note 0.txt' }).waitFor();
  assert.equal(await page.getByRole('row').count(), 1 + 300);
  assert.equal(await downloadText(page, 'note 123.txt'), 'note 123');
  await crumb(page, 'album').click();
  await page.getByRole('button', { name: 'day 2', exact: true }).click();
  assert.equal(await downloadText(page, 'beach.txt'), 'sand and sea');
  await crumb(page, 'album').click();
  await page.getByRole('button', { name: 'Preview cover.txt' }).waitFor();

  // Files dropped on the page upload into the open folder.
  const drop = await page.evaluateHandle(() => {
    const data = new DataTransfer();
    data.items.add(new File(['dropped one'], 'dropped 1.txt', { type: 'text/plain' }));
    data.items.add(new File(['dropped two'], 'dropped 2.txt', { type: 'text/plain' }));
    return data;
  });
  await page.locator('main').dispatchEvent('dragover', { dataTransfer: drop });
  await page.getByText('Drop files here').waitFor();
  await page.locator('main').dispatchEvent('drop', { dataTransfer: drop });
  await page.getByRole('button', { name: 'Preview dropped 2.txt' }).waitFor({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Preview dropped 1.txt' }).waitFor({ timeout: 60_000 });

  // The whole folder as a zip, streamed: stored entries, so the contents appear verbatim.
  await page
    .getByRole('navigation', { name: 'Breadcrumbs' })
    .getByRole('button', { name: 'Files' })
    .click();
  const zipping = page.waitForEvent('download');
  await itemAction(page, 'album', 'Download');
  const zipped = await zipping;
  assert.equal(zipped.suggestedFilename(), 'album.zip');
  const zip = await readFile(await zipped.path());
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(eocd > 0, 'a zip end-of-central-directory record');
  assert.equal(zip.readUInt16LE(eocd + 10), 304, 'every file of the folder');
  for (const text of [
    'album/cover.txt',
    'album/day 2/beach.txt',
    'album/dropped 1.txt',
    'the cover',
    'sand and sea',
  ])
    assert.ok(zip.includes(text), `the zip holds ${text}`);
  await context.close();
});

test('select with the keyboard, move by drag and drop and through the dialog, rename, trash and zip a selection', async () => {
  const { context, page, errors } = await freshAccount('keys@example.com');
  for (const name of ['Archive', 'Inbox']) await newFolder(page, name);
  await page.getByLabel('Upload files').setInputFiles(
    ['a', 'b', 'c'].map((x) => ({
      name: `${x}.txt`,
      mimeType: 'text/plain',
      buffer: Buffer.from(`file ${x}`),
    })),
  );
  for (const x of ['a', 'b', 'c'])
    await page.getByRole('row', { name: `${x}.txt` }).waitFor({ timeout: 60_000 });
  const row = (name: string) => page.getByRole('row', { name, exact: true });
  const names = async () => (await page.getByRole('row').allTextContents()).slice(1).join(' | ');

  // Keyboard: focus a.txt, Shift+ArrowDown takes b.txt along; Escape clears, Space toggles.
  await row('a.txt').getByRole('cell').nth(2).click();
  await page.keyboard.press('Shift+ArrowDown');
  const bar = page.getByRole('toolbar', { name: 'Selection' });
  await bar.getByText('2 selected').waitFor();
  await page.keyboard.press('Escape');
  await bar.waitFor({ state: 'detached' });
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Space');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Space');
  await bar.getByText('2 selected').waitFor();
  assert.equal(await page.getByLabel('Select a.txt').isChecked(), true);
  assert.equal(await page.getByLabel('Select b.txt').isChecked(), true);
  await page.screenshot({ path: join(SHOTS, 'selection-desktop.png') });
  assert.deepEqual(await unnamedControls(page), [], 'every control has an accessible name');
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: join(SHOTS, 'selection-dark-desktop.png') });
  await page.emulateMedia({ colorScheme: 'light' });

  // Dragging one selected row onto a folder moves the whole selection.
  await row('a.txt').dragTo(row('Archive'));
  await row('a.txt').waitFor({ state: 'detached' });
  await row('b.txt').waitFor({ state: 'detached' });
  await page.keyboard.press('Home');
  await row('Archive').focus();
  await page.keyboard.press('Enter');
  await row('a.txt').waitFor();
  await row('b.txt').waitFor();

  // The dialog: everything in Archive goes to Inbox.
  await page.getByLabel('Select all').check();
  await bar.getByRole('button', { name: 'Move to…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Move to…' });
  await dialog.getByRole('button', { name: 'Archive' }).waitFor();
  await dialog.getByRole('button', { name: 'Inbox' }).click();
  await dialog.getByRole('button', { name: 'Move here' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.getByText('This folder is empty').waitFor();

  // Backspace goes up; drag onto a breadcrumb moves into that folder.
  await page
    .getByRole('navigation', { name: 'Breadcrumbs' })
    .getByRole('button', { name: 'Files' })
    .click();
  await row('Inbox').focus();
  await page.keyboard.press('Enter');
  await row('a.txt').waitFor();
  await row('a.txt').dragTo(
    page.getByRole('navigation', { name: 'Breadcrumbs' }).getByRole('button', { name: 'Files' }),
  );
  await row('a.txt').waitFor({ state: 'detached' });
  await row('b.txt').focus();
  await page.keyboard.press('Backspace');
  await row('a.txt').waitFor();
  assert.equal(await names().then((n) => n.split(' | ').length), 4);

  // F2 renames, Delete trashes the focused row.
  await row('c.txt').focus();
  await page.keyboard.press('F2');
  await page.getByLabel('New name').fill('c renamed.txt');
  await page.keyboard.press('Enter');
  await row('c renamed.txt').waitFor();
  await row('c renamed.txt').focus();
  await page.keyboard.press('Delete');
  await row('c renamed.txt').waitFor({ state: 'detached' });

  // Two items selected download as one zip.
  await page.getByLabel('Select a.txt').check();
  await page.getByLabel('Select Inbox').check();
  const zipping = page.waitForEvent('download');
  await bar.getByRole('button', { name: 'Download' }).click();
  const zipped = await zipping;
  assert.equal(zipped.suggestedFilename(), 'Coffer.zip');
  const zip = await readFile(await zipped.path());
  for (const text of ['a.txt', 'Inbox/b.txt', 'file a', 'file b'])
    assert.ok(zip.includes(text), text);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a 50 MiB upload pauses, survives a reload, resumes, and downloads byte for byte; cancel drops a queued upload; pausing one small file of a batch sends the rest', async () => {
  const { context, page, errors } = await freshAccount('big@example.com');
  // Slow the network down, so the upload is still running when it is paused and reloaded.
  const throttle = await uploadThrottle(context, page);
  await throttle(8 * 1024 * 1024);
  const big = join(net.dir, 'big.bin');
  await writeRandomFile(big, 50 * 1024 * 1024, 9);
  const second = join(net.dir, 'second.bin');
  await writeRandomFile(second, 3 * 1024 * 1024, 10);
  await page.getByLabel('Upload files').setInputFiles(big);
  const panel = page.getByRole('region', { name: 'Uploads' });
  await panel.getByText(/iB\/s/).waitFor({ timeout: 60_000 });
  await progressPast(page, 'Uploading big.bin', 8 * 1024 * 1024);
  await panel.getByRole('button', { name: 'Pause big.bin' }).click();
  await panel.getByText('Paused').waitFor();
  await page.screenshot({ path: join(SHOTS, 'uploads-desktop.png') });
  assert.deepEqual(await unnamedControls(page), [], 'every control has an accessible name');
  await panel.getByRole('button', { name: 'Resume big.bin' }).click();
  await progressPast(page, 'Uploading big.bin', 16 * 1024 * 1024);

  // A reload in the middle: the upload comes back by itself and continues.
  await page.reload();
  await throttle(-1);
  await page
    .getByRole('region', { name: 'Uploads' })
    .getByText('big.bin')
    .waitFor({ timeout: 30_000 });
  await page.getByRole('button', { name: 'Actions for big.bin' }).waitFor({ timeout: 120_000 });
  const download = page.waitForEvent('download');
  await itemAction(page, 'big.bin', 'Download');
  const saved = await download;
  assert.equal(await saved.failure(), null);
  assert.deepEqual(await readFile(await saved.path()), await readFile(big));

  // Cancelled while it waits behind a paused upload: it never arrives.
  await throttle(1024 * 1024);
  await page.getByLabel('Upload files').setInputFiles([big, second]);
  await page
    .getByRole('dialog', { name: 'A file named “big.bin” is already here' })
    .getByRole('button', { name: 'Replace (keeps the old one as a version)' })
    .click();
  await panel.getByRole('button', { name: 'Pause big.bin' }).click();
  await panel.getByRole('button', { name: 'Cancel second.bin' }).click();
  await panel.getByRole('button', { name: 'Cancel big.bin' }).click();
  await panel.waitFor({ state: 'detached' });
  await page.reload();
  await page.getByRole('button', { name: 'Actions for big.bin' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Actions for second.bin' }).count(), 0);
  assert.equal(await page.getByRole('region', { name: 'Uploads' }).count(), 0);

  // Small files go up in one batch; pausing one of them sends the others without it.
  await throttle(256 * 1024);
  await page.getByLabel('Upload files').setInputFiles(
    [1, 2, 3, 4].map((n) => ({
      name: `s${n}.bin`,
      mimeType: 'application/octet-stream',
      buffer: Buffer.alloc(200 * 1024, n),
    })),
  );
  await panel.getByRole('button', { name: 'Pause s2.bin' }).click();
  await throttle(-1);
  for (const n of [1, 3, 4]) {
    await page.getByRole('button', { name: `Actions for s${n}.bin` }).waitFor({ timeout: 60_000 });
  }
  await panel.getByText('Paused').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Actions for s2.bin' }).count(), 0);
  await panel.getByRole('button', { name: 'Resume s2.bin' }).click();
  await page.getByRole('button', { name: 'Actions for s2.bin' }).waitFor({ timeout: 60_000 });
  await panel.waitFor({ state: 'detached' });
  assert.deepEqual(errors, []);
  await context.close();
});

test('a batch of small files survives a reload: each file comes back from the batch’s one stored copy and arrives whole, and the copy goes once they have', async () => {
  const { context, page, errors } = await freshAccount('batch-reload@example.com');
  const throttle = await uploadThrottle(context, page);
  // The batch's copies as the worker stores them ([Note: One stored Blob per batch]).
  const storedBatches = () =>
    page.evaluate(
      () =>
        new Promise<number>((resolve, reject) => {
          const open = indexedDB.open('coffer-uploads-batches');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const db = open.result;
            if (!db.objectStoreNames.contains('blobs')) return resolve(0);
            const count = db.transaction('blobs').objectStore('blobs').count();
            count.onsuccess = () => resolve(count.result);
            count.onerror = () => reject(count.error);
          };
        }),
    );
  await throttle(16 * 1024);
  const texts = [1, 2, 3, 4, 5, 6].map((n) => `file ${n} `.repeat(1000 + 500 * n));
  await page.getByLabel('Upload files').setInputFiles(
    texts.map((text, i) => ({
      name: `r${i + 1}.txt`,
      mimeType: 'text/plain',
      buffer: Buffer.from(text),
    })),
  );
  const deadline = Date.now() + 60_000;
  while ((await storedBatches()) !== 1) {
    assert.ok(Date.now() < deadline, 'the batch was never recorded');
    await page.waitForTimeout(100);
  }
  // Recorded, and still on its way at 16 KiB/s: a reload now must not lose any of it.
  await page.reload();
  await throttle(-1);
  for (const [i, text] of texts.entries()) {
    await page
      .getByRole('button', { name: `Actions for r${i + 1}.txt` })
      .waitFor({ timeout: 60_000 });
    if (i % 3 === 0) assert.equal(await downloadText(page, `r${i + 1}.txt`), text);
  }
  await page.getByRole('region', { name: 'Uploads' }).waitFor({ state: 'detached' });
  while ((await storedBatches()) !== 0) {
    assert.ok(Date.now() < deadline + 60_000, 'the batch’s stored copy was never dropped');
    await page.waitForTimeout(100);
  }
  assert.deepEqual(errors, []);
  await context.close();
});
