import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { browser, SHOTS, signup } from './fixture.ts';

// The preview steps through the folder's files (buttons, arrow keys, a swipe on a phone), zooms
// an image, downloads what it shows, and shows a Markdown table as a table.

const TABLE = '# Prices\n\n| item | price |\n|---|--:|\n| coffee | 2.50 |\n| cake | 4.00 |\n';

/** A finger moving sideways across the preview, as a phone reports it. */
async function swipe(page: Page, from: number, to: number) {
  const area = page.locator('.preview');
  const y = 300;
  await area.dispatchEvent('pointerdown', { pointerType: 'touch', clientX: from, clientY: y });
  await area.dispatchEvent('pointerup', { pointerType: 'touch', clientX: to, clientY: y });
}

for (const [size, viewport] of [
  ['desktop', { width: 1280, height: 800 }],
  ['phone', { width: 390, height: 844 }],
] as const) {
  test(`preview: previous and next, arrow keys and swipe, zoom, download, Markdown tables (${size})`, async () => {
    const context = await browser.newContext({ viewport, acceptDownloads: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signup(page, `preview-${size}@example.com`);
    await page.getByRole('button', { name: /continue/ }).click();
    await page.getByText('This folder is empty').waitFor();
    const png = await page.screenshot({ clip: { x: 0, y: 0, width: 300, height: 200 } });
    await page.getByLabel('Upload files').setInputFiles([
      { name: 'a photo.png', mimeType: 'image/png', buffer: png },
      { name: 'b notes.txt', mimeType: 'text/plain', buffer: Buffer.from('plain notes') },
      { name: 'c prices.md', mimeType: 'text/markdown', buffer: Buffer.from(TABLE) },
    ]);
    for (const name of ['a photo.png', 'b notes.txt', 'c prices.md']) {
      await page.getByRole('button', { name: `Preview ${name}` }).waitFor({ timeout: 60_000 });
    }

    await page.getByRole('button', { name: 'Preview a photo.png' }).click();
    const photo = page.getByRole('dialog', { name: 'Preview: a photo.png' });
    const img = photo.getByRole('img', { name: 'a photo.png' });
    await img.waitFor();
    await photo.getByText('1 of 3').waitFor();
    assert.equal(await photo.getByRole('button', { name: 'Previous file' }).isDisabled(), true);
    const fitted = (await img.boundingBox())?.width ?? 0;
    await photo.getByRole('button', { name: 'Zoom in' }).click();
    await photo.getByRole('button', { name: 'Zoom in' }).click();
    await page.waitForFunction(
      (w) => (document.querySelector('.preview img')?.getBoundingClientRect().width ?? 0) > w * 1.5,
      fitted,
    );
    await page.screenshot({ path: join(SHOTS, `preview-zoom-${size}.png`) });
    await photo.getByRole('button', { name: 'Zoom out' }).click();
    await photo.getByRole('button', { name: 'Zoom out' }).click();
    const saved = page.waitForEvent('download');
    await photo.getByRole('button', { name: 'Download', exact: true }).click();
    assert.deepEqual(await readFile(await (await saved).path()), png);

    // Next, by button on a desktop, by a swipe to the left on a phone.
    if (size === 'desktop') await photo.getByRole('button', { name: 'Next file' }).click();
    else await swipe(page, 300, 100);
    const notes = page.getByRole('dialog', { name: 'Preview: b notes.txt' });
    await notes.getByText('plain notes').waitFor();
    await notes.getByText('2 of 3').waitFor();
    await page.keyboard.press('ArrowRight');
    const prices = page.getByRole('dialog', { name: 'Preview: c prices.md' });
    const table = prices.getByRole('table');
    await table.waitFor();
    assert.deepEqual(await table.getByRole('cell').allTextContents(), [
      'coffee',
      '2.50',
      'cake',
      '4.00',
    ]);
    assert.equal(await prices.getByRole('button', { name: 'Next file' }).isDisabled(), true);
    await page.screenshot({ path: join(SHOTS, `preview-markdown-${size}.png`) });
    // Back one: the arrow key on a desktop, a swipe to the right on a phone.
    if (size === 'desktop') await page.keyboard.press('ArrowLeft');
    else await swipe(page, 100, 300);
    await notes.getByText('plain notes').waitFor();

    // The focus stays in the dialog, and Escape closes it.
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      assert.equal(
        await page.evaluate(() => document.activeElement?.closest('[role=dialog]') !== null),
        true,
        'Tab stays inside the preview',
      );
    }
    await page.keyboard.press('Escape');
    await notes.waitFor({ state: 'detached' });
    assert.deepEqual(errors, []);
    await context.close();
  });
}
