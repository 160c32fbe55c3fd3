import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RouteResponse } from '@coffer/protocol';
import type { Page } from 'playwright-core';
import { until } from '../../src/index.ts';
import { downloadText, freshAccount, itemAction, net, SHOTS } from './fixture.ts';

// Versions, the trash and upload conflicts in the web app: restoring a version, deleting for
// good and emptying the trash (the hosts' stored bytes go down), and what happens when an
// upload meets a name already in the folder: Replace, Keep both, Apply to all, Skip.

const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;
type Size = keyof typeof VIEWPORTS;

const open = (email: string, size: Size) => freshAccount(email, VIEWPORTS[size]);

const text = (name: string, body: string) => ({
  name,
  mimeType: 'text/plain',
  buffer: Buffer.from(body),
});

/** Picks files in the folder's upload button. */
const upload = (page: Page, files: ReturnType<typeof text>[]) =>
  page.getByLabel('Upload files').setInputFiles(files);

/** An item's row in the open folder, found by its name's button. */
const row = (page: Page, name: string) =>
  page.getByRole('button', { name: `Preview ${name}`, exact: true });

const conflict = (page: Page, name: string) =>
  page.getByRole('dialog', { name: `A file named “${name}” is already here` });

async function storedBytes(): Promise<number> {
  const res = await fetch(`${net.hubUrl}/api/admin/stats`, {
    headers: { authorization: `Bearer ${net.operatorToken}` },
  });
  return ((await res.json()) as RouteResponse<'adminStats'>).storedBytes;
}

for (const size of ['desktop', 'phone'] as const)
  test(`versions (${size}): replace a file, open its versions, restore the first: it downloads as it was, and there are 3`, async () => {
    const { context, page, errors } = await open(`versions-${size}@example.com`, size);
    await upload(page, [text('notes.txt', 'version one')]);
    await row(page, 'notes.txt').waitFor({ timeout: 60_000 });
    await upload(page, [text('notes.txt', 'version two, longer')]);
    const ask = conflict(page, 'notes.txt');
    await ask.getByRole('button', { name: 'Replace (keeps the old one as a version)' }).click();
    await page.getByRole('cell', { name: '19 B' }).waitFor({ timeout: 60_000 });

    await itemAction(page, 'notes.txt', 'Versions');
    const panel = page.getByRole('dialog', { name: 'Versions of notes.txt' });
    await panel.getByRole('list', { name: '2 versions' }).waitFor();
    assert.equal(await panel.getByRole('button', { name: 'Restore version 2' }).count(), 0);
    await panel.getByRole('button', { name: 'Restore version 1' }).click();
    await panel
      .getByRole('status')
      .getByText('Version 1 is the current one again, as version 3.')
      .waitFor();
    const list = panel.getByRole('list', { name: '3 versions' });
    await list.waitFor();
    assert.match(
      (await list.getByRole('listitem').first().textContent()) ?? '',
      /Version 3.*Current.*11 B/,
    );
    await page.screenshot({ path: join(SHOTS, `versions-${size}.png`) });
    // The old newest is a version now, and downloads as it was.
    const old = page.waitForEvent('download');
    await panel.getByRole('button', { name: 'Download version 2' }).click();
    assert.equal(await readFile(await (await old).path(), 'utf8'), 'version two, longer');
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    // Focus goes back to the item's menu button the panel was opened from.
    assert.equal(
      await page.evaluate(() => document.activeElement?.getAttribute('aria-label')),
      'Actions for notes.txt',
    );
    await page.getByRole('cell', { name: '11 B' }).waitFor();
    assert.equal(await downloadText(page, 'notes.txt'), 'version one');
    assert.deepEqual(errors, []);
    await context.close();
  });

for (const size of ['desktop', 'phone'] as const) {
  test(`upload conflicts (${size}): Keep both, Replace, Skip with Escape, and Apply to all asks once`, async () => {
    const { context, page, errors } = await open(`conflicts-${size}@example.com`, size);
    await upload(page, [text('a.txt', 'a'), text('b.txt', 'b'), text('c.txt', 'c')]);
    for (const n of ['a', 'b', 'c']) await row(page, `${n}.txt`).waitFor({ timeout: 60_000 });

    // Keep both: the new one is "a (1).txt".
    await upload(page, [text('a.txt', 'another a')]);
    const askA = conflict(page, 'a.txt');
    await askA.getByText('The new one is uploaded as “a (1).txt”.').waitFor();
    await page.screenshot({ path: join(SHOTS, `upload-conflict-${size}.png`) });
    // The safe choice has the focus; Tab stays inside the dialog.
    assert.equal(
      await askA
        .getByRole('button', { name: 'Keep both' })
        .evaluate((b) => b === document.activeElement),
      true,
    );
    for (let i = 0; i < 4; i++) await page.keyboard.press('Tab');
    assert.equal(await askA.evaluate((d) => d.contains(document.activeElement)), true);
    await askA.getByRole('button', { name: 'Keep both' }).click();
    await row(page, 'a (1).txt').waitFor({ timeout: 60_000 });

    // Replace: still one b.txt, with the new content's size (and a version behind it).
    await upload(page, [text('b.txt', 'b, but longer now')]);
    await conflict(page, 'b.txt')
      .getByRole('button', { name: 'Replace (keeps the old one as a version)' })
      .click();
    await page.getByRole('cell', { name: '17 B' }).waitFor({ timeout: 60_000 });
    assert.equal(await row(page, 'b (1).txt').count(), 0);

    // Escape skips: c.txt is left as it is, while d.txt of the same upload goes up.
    await upload(page, [text('c.txt', 'skipped'), text('d.txt', 'd')]);
    await conflict(page, 'c.txt').waitFor();
    await page.keyboard.press('Escape');
    await row(page, 'd.txt').waitFor({ timeout: 60_000 });
    assert.equal(await row(page, 'c (1).txt').count(), 0);

    // Three names taken, one question: Keep both for all of them.
    await upload(page, [text('a.txt', '3'), text('b.txt', '3'), text('c.txt', '3')]);
    const first = conflict(page, 'a.txt');
    await first.getByText('2 more files in this upload have a name already here.').waitFor();
    await first.getByLabel('Apply to all').check();
    await first.getByRole('button', { name: 'Keep both' }).click();
    for (const name of ['a (2).txt', 'b (1).txt', 'c (1).txt'])
      await row(page, name).waitFor({ timeout: 60_000 });
    assert.equal(await page.getByRole('dialog').count(), 0, 'asked only once');
    assert.equal(await row(page, 'c (2).txt').count(), 0);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test(`the trash (${size}): sizes and total, delete one forever, empty it; the hosts free the space`, async () => {
    const { context, page, errors } = await open(`trash-${size}@example.com`, size);
    await upload(page, [
      text('x.bin', 'x'.repeat(3000)),
      text('y.bin', 'y'.repeat(5000)),
      text('z.bin', 'z'.repeat(2000)),
    ]);
    for (const n of ['x', 'y', 'z']) await row(page, `${n}.bin`).waitFor({ timeout: 60_000 });
    for (const n of ['x', 'y', 'z']) await page.getByLabel(`Select ${n}.bin`).check();
    await page
      .getByRole('toolbar', { name: 'Selection' })
      .getByRole('button', { name: 'Move to trash' })
      .click();
    await page.getByText('This folder is empty').waitFor();
    await page
      .getByRole('navigation', { name: 'Views' })
      .getByRole('button', { name: 'Trash' })
      .click();
    // Stored bytes: each file is one chunk with 20 bytes of overhead.
    await page.getByText('3 items, holding 9.8 KiB').waitFor();
    const yRow = page.getByRole('row', { name: 'y.bin' });
    await yRow.getByText('4.9 KiB').waitFor();
    await page.screenshot({ path: join(SHOTS, `trash-${size}.png`), fullPage: true });

    // Delete forever asks first; Cancel keeps it.
    await page.getByRole('button', { name: 'Delete forever y.bin' }).click();
    const one = page.getByRole('dialog', { name: 'Delete “y.bin” forever?' });
    await one.getByText(/freeing 4\.9 KiB/).waitFor();
    await one.getByRole('button', { name: 'Cancel' }).click();
    await one.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Delete forever y.bin' }).click();
    await one.getByRole('button', { name: 'Delete forever' }).click();
    await page.getByRole('status').getByText('“y.bin” was deleted for good.').waitFor();
    await page.getByText('2 items, holding 4.9 KiB').waitFor();
    assert.equal(await yRow.count(), 0);

    const before = await storedBytes();
    await page.getByRole('button', { name: 'Empty trash' }).click();
    const all = page.getByRole('dialog', { name: 'Empty the trash?' });
    await all
      .getByText(
        '2 items will be deleted for good with their versions, freeing 4.9 KiB. This cannot be undone.',
      )
      .waitFor();
    await page.screenshot({ path: join(SHOTS, `trash-empty-${size}.png`) });
    await all.getByRole('button', { name: 'Empty trash' }).click();
    await page
      .getByRole('status')
      .getByText('The trash is empty: 2 items deleted for good.')
      .waitFor();
    await page.getByText('The trash is empty.', { exact: true }).waitFor();
    // The chunks are garbage now: the hosts delete them and the hub's figure goes down.
    await until('the stored bytes go down', async () => (await storedBytes()) < before, 60_000);
    assert.deepEqual(errors, []);
    await context.close();
  });
}
