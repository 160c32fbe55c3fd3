import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeRandomFile } from '../../src/files.ts';
import { foreignRequests, unnamedControls } from '../../src/index.ts';
import {
  browser,
  FIXTURES,
  itemAction,
  net,
  newFolder,
  SHOTS,
  signup,
  watchRequests,
} from './fixture.ts';

// Files in the web app: sign-up, upload, reload, download, trash, previews and versions.

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
  // While it goes up, the folder does not call itself empty; once done, the panel says so.
  await page.getByRole('region', { name: 'Uploads' }).waitFor();
  assert.equal(await page.getByText('This folder is empty').count(), 0);
  await page
    .getByRole('cell', { name: /upload\.bin/ })
    .first()
    .waitFor({ timeout: 60_000 });
  await page.getByRole('region', { name: 'Uploads' }).waitFor({ state: 'detached' });
  const done = page.getByRole('status').filter({ hasText: '✓ 1 file uploaded (6.0 MiB)' });
  await done.getByRole('button', { name: 'Dismiss' }).click();
  await done.waitFor({ state: 'detached' });
  await newFolder(page, 'Holidays <img src=x onerror=alert(1)>');

  await page.reload();
  await page
    .getByRole('cell', { name: /upload\.bin/ })
    .first()
    .waitFor({ timeout: 30_000 });
  const download = page.waitForEvent('download');
  await itemAction(page, 'upload.bin', 'Download');
  const saved = await (await download).path();
  assert.deepEqual(await readFile(saved), await readFile(file));

  await itemAction(page, 'upload.bin', 'Rename');
  // The row's form keeps "Save" on one line, as tall as the field beside it.
  const [field, save] = await Promise.all([
    page.getByLabel('New name').boundingBox(),
    page.getByRole('button', { name: 'Save' }).boundingBox(),
  ]);
  assert.ok(field && save && save.height <= field.height + 2, `Save: ${JSON.stringify(save)}`);
  assert.ok(save.width > save.height, `Save is wider than tall: ${JSON.stringify(save)}`);
  await page.getByLabel('New name').fill('a/b');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('alert').getByText('A name cannot contain “/”.').waitFor();
  await page.getByLabel('New name').fill('report <b>2026<b>.bin');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('button', { name: 'Actions for report <b>2026<b>.bin' }).waitFor();

  await page.getByLabel('Search all files').fill('<B>2026');
  await page.getByLabel('Search all files').press('Enter');
  await page
    .getByRole('list', { name: 'Results' })
    .getByRole('button', { name: 'report <b>2026<b>.bin' })
    .waitFor();
  await page.getByRole('button', { name: 'Files', exact: true }).first().click();

  await itemAction(page, 'report <b>2026<b>.bin', 'Move to trash');
  await page
    .getByRole('button', { name: 'Actions for report <b>2026<b>.bin' })
    .waitFor({ state: 'detached' });
  await page.getByRole('button', { name: 'Trash', exact: true }).click();
  await page.getByRole('button', { name: 'Restore report <b>2026<b>.bin' }).click();
  await page.getByText('The trash is empty.').waitFor();
  await page.getByRole('button', { name: 'Sessions', exact: true }).click();
  await page.getByText('(this device)').waitFor();
  await page.screenshot({ path: join(SHOTS, 'sessions-desktop.png') });
  await page.getByRole('button', { name: 'Files', exact: true }).first().click();
  await page.getByRole('button', { name: 'Actions for report <b>2026<b>.bin' }).waitFor();
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
  // The name is taken: replacing keeps the first draft as a version.
  await page
    .getByRole('dialog', { name: 'A file named “notes.md” is already here' })
    .getByRole('button', { name: 'Replace (keeps the old one as a version)' })
    .click();
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

  // The layout switch shows which one is on.
  const pressed = (name: string) =>
    page.getByRole('button', { name, exact: true }).getAttribute('aria-pressed');
  assert.deepEqual([await pressed('List'), await pressed('Grid')], ['true', 'false']);
  await page.getByRole('button', { name: 'Grid', exact: true }).click();
  assert.deepEqual([await pressed('List'), await pressed('Grid')], ['false', 'true']);
  const card = page
    .getByRole('list', { name: 'Files' })
    .getByRole('listitem')
    .filter({ has: page.getByRole('button', { name: 'Preview photo.png' }) });
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
