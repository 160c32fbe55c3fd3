import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { browser, itemAction, newFolder, SHOTS, signup } from './fixture.ts';

// Links and file requests from an item in the web app: "Get link" with a download limit, copied
// with one click, opened by a visitor who previews without using a download and then downloads;
// the Links page revokes it. "Request files" on a folder, copied, used by a visitor, stopped.

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

const clipboard = (page: Page) => page.evaluate(() => navigator.clipboard.readText());

for (const [tag, viewport] of [
  ['desktop', DESKTOP],
  ['phone', PHONE],
] as const) {
  test(`${tag}: get a link with a download limit, copy it, preview for free, download, revoke on the Links page`, async () => {
    const context = await browser.newContext({
      viewport,
      acceptDownloads: true,
      permissions: ['clipboard-read', 'clipboard-write'],
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signup(page, `links-${tag}@example.com`);
    await page.getByRole('button', { name: /continue/ }).click();
    await page.getByText('This folder is empty').waitFor();
    const png = Buffer.from(
      await page.evaluate(() => {
        const canvas = document.createElement('canvas');
        [canvas.width, canvas.height] = [300, 180];
        const g = canvas.getContext('2d') as CanvasRenderingContext2D;
        const sky = g.createLinearGradient(0, 0, 0, 180);
        sky.addColorStop(0, '#5b8def');
        sky.addColorStop(1, '#f6c177');
        g.fillStyle = sky;
        g.fillRect(0, 0, 300, 180);
        g.fillStyle = '#2d6a4f';
        g.beginPath();
        g.moveTo(0, 180);
        g.lineTo(110, 70);
        g.lineTo(190, 140);
        g.lineTo(240, 100);
        g.lineTo(300, 180);
        g.fill();
        return canvas.toDataURL('image/png').split(',')[1] ?? '';
      }),
      'base64',
    );
    await page
      .getByLabel('Upload files')
      .setInputFiles([{ name: 'photo.png', mimeType: 'image/png', buffer: png }]);
    await newFolder(page, 'Inbox');

    await page.getByRole('button', { name: 'Preview photo.png' }).waitFor({ timeout: 60_000 });
    await itemAction(page, 'photo.png', 'Get link');
    const dialog = page.getByRole('dialog', { name: 'Link to photo.png' });
    await dialog.getByLabel('Password (optional)').waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(
      await page.evaluate(() => document.activeElement?.getAttribute('aria-label')),
      'Actions for photo.png',
    );
    await itemAction(page, 'photo.png', 'Get link');
    await dialog.getByLabel('Download limit (optional)').fill('two');
    await dialog.getByRole('button', { name: 'Create link' }).click();
    await dialog
      .getByRole('alert')
      .filter({ hasText: /^Download limit: a whole number/ })
      .waitFor();
    await page.screenshot({ path: join(SHOTS, `link-dialog-${tag}.png`) });
    await dialog.getByLabel('Download limit (optional)').fill('3');
    await dialog.getByRole('alert').waitFor({ state: 'detached' });
    await dialog.getByRole('button', { name: 'Create link' }).click();
    const field = dialog.getByRole('textbox', { name: 'Link' });
    await field.waitFor();
    const url = await field.inputValue();
    assert.match(url, /\/l\/[0-9a-f]{32}#/);
    await dialog.getByRole('button', { name: 'Copy link' }).click();
    await dialog.getByText('Copied').waitFor();
    assert.equal(await clipboard(page), url);
    await page.screenshot({ path: join(SHOTS, `link-made-${tag}.png`) });
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });

    // A visitor, in another browser context with no account.
    const visitor = await browser.newContext({ viewport, acceptDownloads: true });
    const visit = await visitor.newPage();
    visit.on('pageerror', (e) => errors.push(e.message));
    await visit.goto(url);
    await visit.getByText(/3 downloads left/).waitFor({ timeout: 60_000 });
    await visit.getByRole('button', { name: 'Preview' }).click();
    await visit.getByRole('img', { name: 'photo.png' }).waitFor();
    await visit.waitForFunction(
      () =>
        (document.querySelector('.link-media') as HTMLImageElement | null)?.naturalWidth === 300,
    );
    await visit.getByText(/3 downloads left/).waitFor();
    await visit.screenshot({ path: join(SHOTS, `link-page-preview-${tag}.png`), fullPage: true });
    // The hub's count is unchanged too: a fresh look says the same.
    await visit.reload();
    await visit.getByText(/3 downloads left/).waitFor({ timeout: 60_000 });

    const got = visit.waitForEvent('download');
    await visit.getByRole('button', { name: 'Download' }).click();
    assert.deepEqual(await readFile(await (await got).path()), png);
    await visit.getByText(/2 downloads left/).waitFor();

    // Another visitor downloads too: the first page says so when it is looked at again.
    const other = await visitor.newPage();
    await other.goto(url);
    const theirs = other.waitForEvent('download');
    await other.getByRole('button', { name: 'Download' }).click();
    await theirs;
    await other.getByText(/1 download left/).waitFor();
    await visit.evaluate(() => window.dispatchEvent(new Event('focus')));
    await visit.getByText(/1 download left/).waitFor();

    // The Links page: what it opens, its downloads, copy again, revoke.
    await page
      .getByRole('navigation', { name: 'Views' })
      .getByRole('button', { name: 'Links' })
      .click();
    const card = page.getByRole('listitem', { name: '/photo.png' });
    await card.getByText('2 used · 1 left').waitFor();
    await card.getByText('No', { exact: true }).waitFor();
    await card.getByRole('button', { name: 'Copy link /photo.png' }).click();
    await card.getByText('Copied').waitFor();
    assert.equal(await clipboard(page), url);
    await page.screenshot({ path: join(SHOTS, `links-page-${tag}.png`) });
    await card.getByRole('button', { name: 'Revoke /photo.png' }).click();
    const confirm = page.getByRole('dialog', { name: 'Revoke this link?' });
    await confirm.getByRole('button', { name: 'Revoke' }).click();
    await card.getByText('revoked').waitFor();
    await visit.reload();
    await visit
      .getByRole('alert')
      .filter({ hasText: 'This link cannot be opened: The owner revoked this link.' })
      .waitFor({ timeout: 60_000 });

    // A file request from the folder: copied, a visitor sends a file, then it stops.
    await page
      .getByRole('navigation', { name: 'Views' })
      .getByRole('button', { name: 'Files' })
      .click();
    await itemAction(page, 'Inbox', 'Request files');
    const ask = page.getByRole('dialog', { name: 'Request files into Inbox' });
    await ask.getByLabel('What you ask for (shown to senders)').fill('Receipts');
    await ask.getByRole('button', { name: 'Create request' }).click();
    const requestField = ask.getByRole('textbox', { name: 'Link' });
    await requestField.waitFor();
    const requestUrl = await requestField.inputValue();
    await ask.getByRole('button', { name: 'Copy link' }).click();
    await ask.getByText('Copied').waitFor();
    assert.equal(await clipboard(page), requestUrl);
    await page.screenshot({ path: join(SHOTS, `request-dialog-${tag}.png`) });
    await ask.getByRole('button', { name: 'Close' }).click();

    await visit.goto(requestUrl);
    await visit.getByText('Receipts').waitFor({ timeout: 60_000 });
    await visit
      .getByLabel('Choose files')
      .setInputFiles([
        { name: 'receipt.txt', mimeType: 'text/plain', buffer: Buffer.from('12 coffees') },
      ]);
    await visit.getByText('Sent', { exact: true }).waitFor({ timeout: 60_000 });

    await page
      .getByRole('navigation', { name: 'Views' })
      .getByRole('button', { name: 'Shared' })
      .click();
    await page.getByRole('button', { name: 'Stop accepting files: Receipts' }).click();
    await page
      .getByText(/closed/)
      .first()
      .waitFor();
    await visit.reload();
    await visit
      .getByRole('alert')
      .filter({ hasText: 'This file request cannot be used' })
      .waitFor({ timeout: 60_000 });

    assert.deepEqual(errors, []);
    await visitor.close();
    await context.close();
  });
}
