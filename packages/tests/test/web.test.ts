import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { writeRandomFile } from '../src/files.ts';
import {
  foreignRequests,
  launchChromium,
  type Network,
  screenshotDir,
  startNetwork,
  unnamedControls,
} from '../src/index.ts';

// The web app, served by a real hub, in headless Chromium at a desktop and a phone viewport.

// `COFFER_SCREENSHOTS=1 npm test` refreshes the committed screenshots; otherwise they go to a
// temporary directory, so a test run leaves the tree clean.
const SHOTS = screenshotDir();
const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
let browser: Browser;
let net: Network;

before(async () => {
  net = await startNetwork({ hosts: 3 });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await net?.close();
});

/** Every request the page makes, so a test can check none leaves the hub and its hosts. */
function watchRequests(page: Page): URL[] {
  const seen: URL[] = [];
  page.on('request', (r) => seen.push(new URL(r.url())));
  return seen;
}

/** Waits until the progress bar with this accessible name is past `bytes`. */
function progressPast(page: Page, label: string, bytes: number) {
  return page.waitForFunction(
    ([name, min]) => {
      const bar = document.querySelector(`progress[aria-label="${name}"]`) as HTMLProgressElement;
      return bar !== null && bar.value > min;
    },
    [label, bytes] as const,
    { timeout: 60_000 },
  );
}

/** Downloads a file of the open folder through its row's button, and reads it as text. */
async function downloadText(page: Page, name: string): Promise<string> {
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: `Download ${name}` }).click();
  return readFile(await (await download).path(), 'utf8');
}

const crumb = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Breadcrumbs' }).getByRole('button', { name });

/** A new browser context, signed up and past the recovery key, collecting page errors. */
async function freshAccount(email: string) {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await signup(page, email);
  await page.getByRole('button', { name: /continue/ }).click();
  await page.getByText('This folder is empty').waitFor();
  return { context, page, errors };
}

async function signup(page: Page, email: string) {
  await page.goto(net.hubUrl);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('a long web password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Your recovery key' }).waitFor({ timeout: 60_000 });
}

test('sign up, keep the recovery key, upload, reload, download the same bytes, trash', async () => {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  const requests = watchRequests(page);
  await signup(page, 'web@example.com');
  const key = await page.getByLabel('Your recovery key').textContent();
  assert.match(key ?? '', /^[0-9A-Z]{4}(-[0-9A-Z]{4})+$/);
  await page.screenshot({ path: join(SHOTS, 'recovery-desktop.png') });
  const keyDownload = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download recovery key' }).click();
  const keyFile = await (await keyDownload).path();
  assert.match(await readFile(keyFile, 'utf8'), new RegExp(key ?? 'missing'));
  await page.getByRole('button', { name: /continue/ }).click();
  await page.getByText('This folder is empty').waitFor();

  const file = join(net.dir, 'upload.bin');
  await writeRandomFile(file, 6 * 1024 * 1024 + 17, 5);
  await page.getByLabel('Upload files').setInputFiles(file);
  await page
    .getByRole('cell', { name: /upload\.bin/ })
    .first()
    .waitFor({ timeout: 60_000 });
  await page.getByRole('button', { name: 'New folder' }).click();
  await page.getByLabel('Folder name').fill('Holidays <img src=x onerror=alert(1)>');
  await page.getByRole('button', { name: 'Create' }).click();
  await page
    .getByRole('button', { name: 'Holidays <img src=x onerror=alert(1)>', exact: true })
    .waitFor();

  await page.reload();
  await page
    .getByRole('cell', { name: /upload\.bin/ })
    .first()
    .waitFor({ timeout: 30_000 });
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download upload.bin' }).click();
  const saved = await (await download).path();
  assert.deepEqual(await readFile(saved), await readFile(file));

  await page.getByRole('button', { name: 'Rename upload.bin' }).click();
  await page.getByLabel('New name').fill('a/b');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('alert').getByText('A name cannot contain “/”.').waitFor();
  await page.getByLabel('New name').fill('report <b>2026<b>.bin');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('button', { name: 'Download report <b>2026<b>.bin' }).waitFor();

  await page.getByLabel('Search by name').fill('<B>2026');
  await page.getByLabel('Search by name').press('Enter');
  await page.getByRole('list', { name: 'Results' }).getByText('/report <b>2026<b>.bin').waitFor();
  await page.getByRole('button', { name: 'Files', exact: true }).first().click();

  await page.getByRole('button', { name: 'Move to trash report <b>2026<b>.bin' }).click();
  await page
    .getByRole('button', { name: 'Download report <b>2026<b>.bin' })
    .waitFor({ state: 'detached' });
  await page.getByRole('button', { name: 'Trash', exact: true }).click();
  await page.getByRole('button', { name: 'Restore report <b>2026<b>.bin' }).click();
  await page.getByText('The trash is empty.').waitFor();
  await page.getByRole('button', { name: 'Sessions', exact: true }).click();
  await page.getByText('(this device)').waitFor();
  await page.screenshot({ path: join(SHOTS, 'sessions-desktop.png') });
  await page.getByRole('button', { name: 'Files', exact: true }).first().click();
  await page.getByRole('button', { name: 'Download report <b>2026<b>.bin' }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'files-desktop.png') });

  assert.deepEqual(errors, []);
  assert.deepEqual(
    foreignRequests(net, requests),
    [],
    'the page talks only to the hub and its hosts',
  );
  await context.close();
});

test('preview an image and a text file, see and fetch past versions, sort, and switch to the grid', async () => {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await signup(page, 'preview@example.com');
  await page.getByRole('button', { name: /continue/ }).click();
  await page.getByText('This folder is empty').waitFor();
  const png = await page.screenshot({ clip: { x: 0, y: 0, width: 320, height: 200 } });
  const upload = page.getByLabel('Upload files');
  await upload.setInputFiles([
    { name: 'photo.png', mimeType: 'image/png', buffer: png },
    { name: 'notes.md', mimeType: 'text/markdown', buffer: Buffer.from('# Hello\nfirst draft\n') },
  ]);
  await page.getByRole('button', { name: 'Preview notes.md' }).waitFor({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Preview photo.png' }).waitFor({ timeout: 60_000 });
  await upload.setInputFiles([
    {
      name: 'notes.md',
      mimeType: 'text/markdown',
      buffer: Buffer.from('# Hello\nsecond draft, longer\n'),
    },
  ]);
  await page.getByRole('cell', { name: '29 B' }).waitFor({ timeout: 60_000 });

  // Sorting by size puts the small note before the picture, and back.
  await page.getByRole('button', { name: 'Size' }).click();
  const firstRow = () => page.getByRole('row').nth(1).textContent();
  assert.match((await firstRow()) ?? '', /notes\.md/);
  await page.getByRole('button', { name: /Size/ }).click();
  assert.match((await firstRow()) ?? '', /photo\.png/);

  await page.getByRole('button', { name: 'Preview photo.png' }).click();
  const dialog = page.getByRole('dialog', { name: 'Preview: photo.png' });
  const img = dialog.getByRole('img', { name: 'photo.png' });
  await img.waitFor();
  await page.waitForFunction(
    () => (document.querySelector('.preview img') as HTMLImageElement | null)?.naturalWidth === 320,
  );
  await page.screenshot({ path: join(SHOTS, 'preview-desktop.png') });
  await dialog.getByRole('button', { name: 'Close' }).click();

  await page.getByRole('button', { name: 'Preview notes.md' }).click();
  const notes = page.getByRole('dialog', { name: 'Preview: notes.md' });
  await notes.getByText('second draft, longer').waitFor();
  const versions = notes.getByRole('list', { name: 'Versions' });
  await versions.getByText(/^v2/).waitFor();
  await versions.getByText(/^v1/).waitFor();
  const old = page.waitForEvent('download');
  await notes.getByRole('button', { name: 'Download v1' }).click();
  assert.equal(await readFile(await (await old).path(), 'utf8'), '# Hello\nfirst draft\n');
  await page.keyboard.press('Escape');
  await notes.waitFor({ state: 'detached' });

  // A video streams through the service worker: it plays, seeks, and a Range request of its
  // URL decrypts exactly those bytes.
  const clip = await readFile(join(FIXTURES, 'clip.webm'));
  await upload.setInputFiles([{ name: 'clip.webm', mimeType: 'video/webm', buffer: clip }]);
  await page.getByRole('button', { name: 'Preview clip.webm' }).click({ timeout: 60_000 });
  const video = page.getByRole('dialog', { name: 'Preview: clip.webm' }).locator('video');
  await video.waitFor();
  const seeked = await video.evaluate(async (v: HTMLVideoElement) => {
    if (v.readyState < 1)
      await new Promise((r) => v.addEventListener('loadedmetadata', r, { once: true }));
    await v.play().catch(() => {});
    v.currentTime = 9;
    await new Promise((r) => v.addEventListener('seeked', r, { once: true }));
    if (v.readyState < 2)
      await new Promise((r) => v.addEventListener('canplay', r, { once: true }));
    return {
      duration: v.duration,
      at: v.currentTime,
      src: v.currentSrc,
      error: v.error?.message ?? null,
    };
  });
  assert.equal(seeked.error, null);
  assert.ok(Math.abs(seeked.duration - 12) < 0.1, `duration ${seeked.duration}`);
  assert.ok(seeked.at >= 8.9, `seeked to ${seeked.at}`);
  assert.match(seeked.src, /\/_stream\//);
  const ranged = await page.evaluate(async (src) => {
    const r = await fetch(src, { headers: { range: 'bytes=100000-150000' } });
    return {
      status: r.status,
      range: r.headers.get('content-range'),
      bytes: [...new Uint8Array(await r.arrayBuffer())],
    };
  }, seeked.src);
  assert.equal(ranged.status, 206);
  assert.equal(ranged.range, `bytes 100000-150000/${clip.length}`);
  assert.deepEqual(Buffer.from(ranged.bytes), clip.subarray(100_000, 150_001));
  await page.screenshot({ path: join(SHOTS, 'video-desktop.png') });
  assert.deepEqual(await unnamedControls(page), [], 'every control has an accessible name');
  await page.keyboard.press('Escape');

  await page.getByRole('button', { name: 'Grid' }).click();
  const card = page
    .getByRole('listbox', { name: 'Files' })
    .getByRole('option', { name: /photo\.png/ });
  await card.waitFor();
  // The thumbnail was made in the browser, stored in the encrypted metadata, and comes back as
  // a WebP that decodes (256 px on its long side).
  const thumb = await card.locator('img.thumb').evaluate(async (img: HTMLImageElement) => {
    await img.decode();
    return { src: img.src.slice(0, 23), width: img.naturalWidth, height: img.naturalHeight };
  });
  assert.deepEqual(thumb, { src: 'data:image/webp;base64,', width: 256, height: 160 });
  await page.screenshot({ path: join(SHOTS, 'grid-desktop.png') });
  assert.deepEqual(errors, []);
  await context.close();
});

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
  await page.getByRole('button', { name: 'Download album' }).click();
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
  for (const name of ['Archive', 'Inbox']) {
    await page.getByRole('button', { name: 'New folder' }).click();
    await page.getByLabel('Folder name').fill(name);
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('button', { name, exact: true }).waitFor();
  }
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
  const cdp = await context.newCDPSession(page);
  const throttle = (bytesPerSecond: number) =>
    cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: bytesPerSecond,
    });
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
  await page.getByRole('button', { name: 'Download big.bin' }).waitFor({ timeout: 120_000 });
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download big.bin' }).click();
  const saved = await download;
  assert.equal(await saved.failure(), null);
  assert.deepEqual(await readFile(await saved.path()), await readFile(big));

  // Cancelled while it waits behind a paused upload: it never arrives.
  await throttle(1024 * 1024);
  await page.getByLabel('Upload files').setInputFiles([big, second]);
  await panel.getByRole('button', { name: 'Pause big.bin' }).click();
  await panel.getByRole('button', { name: 'Cancel second.bin' }).click();
  await panel.getByRole('button', { name: 'Cancel big.bin' }).click();
  await panel.waitFor({ state: 'detached' });
  await page.reload();
  await page.getByRole('button', { name: 'Download big.bin' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Download second.bin' }).count(), 0);
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
    await page.getByRole('button', { name: `Download s${n}.bin` }).waitFor({ timeout: 60_000 });
  }
  await panel.getByText('Paused').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Download s2.bin' }).count(), 0);
  await panel.getByRole('button', { name: 'Resume s2.bin' }).click();
  await page.getByRole('button', { name: 'Download s2.bin' }).waitFor({ timeout: 60_000 });
  await panel.waitFor({ state: 'detached' });
  assert.deepEqual(errors, []);
  await context.close();
});

test('the operator view shows the hosts, their countries and the stored bytes', async () => {
  const page = await browser.newPage();
  await page.goto(`${net.hubUrl}/#operator`);
  await page.getByLabel('Operator token').fill('not-the-token-at-all');
  await page.getByRole('button', { name: 'Show' }).click();
  await page.getByRole('alert').waitFor();
  await page.getByLabel('Operator token').fill(net.operatorToken);
  await page.getByRole('button', { name: 'Show' }).click();
  const hosts = page.getByRole('table', { name: 'Hosts' });
  await hosts.waitFor();
  assert.equal(await hosts.getByRole('row').count(), 1 + net.hosts.length);
  for (const country of ['FR', 'DE', 'ES']) {
    await hosts.getByRole('cell', { name: country, exact: true }).waitFor();
  }
  await page.getByText('3 countries: DE, ES, FR').waitFor();
  await page.screenshot({ path: join(SHOTS, 'operator-desktop.png') });
  await page.close();
});

test('the page is served with a strict Content-Security-Policy and no inline script', async () => {
  const res = await fetch(net.hubUrl);
  const csp = res.headers.get('content-security-policy') ?? '';
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'(;|$)/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  for (const h of net.hosts)
    assert.ok(csp.includes(new URL(h.url).origin), 'hosts are allowed to connect');
  const html = await res.text();
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline <script>');
  // The page's own script carries no crypto: every key operation is in the worker's bundle.
  const src = /<script[^>]*src="([^"]+)"/.exec(html)?.[1];
  assert.ok(src);
  const main = await (await fetch(new URL(src, net.hubUrl))).text();
  assert.doesNotMatch(main, /coffer\/v1\//, 'no crypto labels on the main thread');
});

test('Spanish and Brazilian Portuguese are offered and remembered', async () => {
  const context = await browser.newContext({ locale: 'pt-BR' });
  const page = await context.newPage();
  await page.goto(net.hubUrl);
  await page.getByRole('button', { name: 'Criar conta' }).waitFor();
  await page.getByLabel('Idioma').selectOption('es');
  await page.getByRole('button', { name: 'Crear cuenta' }).waitFor();
  await page.reload();
  await page.getByRole('button', { name: 'Crear cuenta' }).waitFor();
  await context.close();
});

test('phone viewport, in French, by touch: sign up, upload, preview an image and a PDF, download, search, select, trash and restore', async () => {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    locale: 'fr-FR',
    isMobile: true,
    hasTouch: true,
  });
  const page = await context.newPage();
  const requests = watchRequests(page);
  await page.goto(net.hubUrl);
  await page.getByLabel('E-mail').fill('phone@example.com');
  await page.getByLabel('Mot de passe').fill('un long mot de passe');
  await page.getByRole('button', { name: 'Créer un compte' }).tap();
  await page
    .getByRole('heading', { name: 'Votre clé de récupération' })
    .waitFor({ timeout: 60_000 });
  await page.screenshot({ path: join(SHOTS, 'recovery-phone-fr.png') });
  await page.getByRole('button', { name: /continuer/ }).tap();
  await page.getByText('Ce dossier est vide').waitFor();

  // The everyday flows by touch: upload, preview, download, search, select, trash, restore.
  const png = await page.screenshot({ clip: { x: 0, y: 0, width: 390, height: 300 } });
  await page.getByLabel('Envoyer des fichiers').setInputFiles([
    { name: 'plage.png', mimeType: 'image/png', buffer: png },
    { name: 'liste.txt', mimeType: 'text/plain', buffer: Buffer.from('pain, fromage') },
    { name: 'doc.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') },
  ]);
  await page.getByRole('button', { name: 'Aperçu plage.png' }).tap({ timeout: 60_000 });
  const dialog = page.getByRole('dialog', { name: 'Aperçu: plage.png' });
  await page.waitForFunction(
    () => (document.querySelector('.preview img') as HTMLImageElement | null)?.naturalWidth === 390,
  );
  await page.screenshot({ path: join(SHOTS, 'preview-phone-fr.png') });
  await dialog.getByRole('button', { name: 'Fermer' }).tap();
  // On a phone, a row's actions are in the selection bar: tick the row, then act.
  await page.getByLabel('Sélectionner liste.txt').tap({ timeout: 60_000 });
  const bar = page.getByRole('toolbar', { name: 'Sélection' });
  const download = page.waitForEvent('download');
  await bar.getByRole('button', { name: 'Télécharger' }).tap();
  assert.equal(await readFile(await (await download).path(), 'utf8'), 'pain, fromage');
  await bar.getByRole('button', { name: 'Renommer' }).tap();
  await page.getByLabel('Nouveau nom').fill('courses.txt');
  await page.getByLabel('Nouveau nom').press('Enter');
  await page.getByRole('button', { name: 'Aperçu courses.txt' }).waitFor();

  // A PDF is shown by the browser's own viewer, from the service worker, as a PDF and nothing else.
  await page.getByRole('button', { name: 'Aperçu doc.pdf' }).tap({ timeout: 60_000 });
  const frame = page.getByRole('dialog', { name: 'Aperçu: doc.pdf' }).locator('iframe.pdf');
  const pdf = await page.evaluate(
    async (src) => {
      const r = await fetch(src);
      return {
        type: r.headers.get('content-type'),
        nosniff: r.headers.get('x-content-type-options'),
        body: await r.text(),
      };
    },
    (await frame.getAttribute('src')) ?? '',
  );
  assert.deepEqual(pdf, { type: 'application/pdf', nosniff: 'nosniff', body: '%PDF-1.4\n%%EOF\n' });
  await page.getByRole('button', { name: 'Fermer' }).tap();

  await page.getByLabel('Rechercher par nom').fill('COURSES');
  await page.getByLabel('Rechercher par nom').press('Enter');
  await page.getByRole('list', { name: 'Résultats' }).getByText('/courses.txt').tap();
  await page.getByLabel('Sélectionner courses.txt').tap();
  await page.getByLabel('Sélectionner plage.png').tap();
  await bar.getByText('2 sélectionnés').waitFor();
  await page.screenshot({ path: join(SHOTS, 'files-phone-fr.png') });
  await bar.getByRole('button', { name: 'Mettre à la corbeille' }).tap();
  await page.getByRole('button', { name: 'Aperçu courses.txt' }).waitFor({ state: 'detached' });
  await page.getByRole('button', { name: 'Corbeille', exact: true }).tap();
  await page.getByRole('button', { name: 'Restaurer courses.txt' }).tap();
  await page.getByRole('button', { name: 'Restaurer plage.png' }).tap();
  await page.getByText('La corbeille est vide.').waitFor();
  await page.screenshot({ path: join(SHOTS, 'trash-phone-fr.png') });
  await page.getByRole('button', { name: 'Fichiers', exact: true }).first().tap();
  await page.getByRole('button', { name: 'Aperçu plage.png' }).waitFor();
  assert.deepEqual(
    foreignRequests(net, requests),
    [],
    'the page talks only to the hub and its hosts',
  );
  await context.close();
});
