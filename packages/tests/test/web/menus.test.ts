import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { FileChooser, Page } from 'playwright-core';
import { unnamedControls } from '../../src/index.ts';
import { browser, itemMenuButton, newFolder, SHOTS, signup } from './fixture.ts';

// Every item's actions in one menu, reached by its ⋮ button, a right-click and the context-menu
// key; "+ New" for a folder and uploads; a drop zone over the whole file view. At a desktop and a
// phone size, with the keyboard alone where a user could.

const menuItems = async (page: Page) =>
  (await page.getByRole('menu').getByRole('menuitem').allTextContents()).map((s) => s.trim());
const focusedName = (page: Page) =>
  page.evaluate(
    () => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent,
  );

for (const [size, viewport] of [
  ['desktop', { width: 1280, height: 800 }],
  ['phone', { width: 390, height: 844 }],
] as const) {
  test(`item menus, right-click, the context-menu key, "+ New" and keyboard-only upload (${size})`, async () => {
    const context = await browser.newContext({ viewport, acceptDownloads: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // Listened for from the start: Playwright turns on catching file choosers when a listener
    // is added, without waiting, so one added just before the key could miss the chooser.
    const chooser = new Promise<FileChooser>((resolve) => page.once('filechooser', resolve));
    await signup(page, `menus-${size}@example.com`);
    await page.getByRole('button', { name: /continue/ }).click();
    await page.getByText('This folder is empty').waitFor();

    // Keyboard only: Tab to "+ New", open it, go to "Upload files", choose two files.
    const newButton = page.getByRole('button', { name: '+ New' });
    for (let i = 0; i < 40 && (await focusedName(page)) !== '+ New'; i++) {
      await page.keyboard.press('Tab');
    }
    assert.equal(await focusedName(page), '+ New', 'Tab reaches "+ New"');
    await page.keyboard.press('Enter');
    assert.deepEqual(await menuItems(page), ['New folder', 'Upload files', 'Upload a folder']);
    assert.equal(await focusedName(page), 'New folder', 'the menu opens on its first item');
    await page.keyboard.press('ArrowDown');
    assert.equal(await focusedName(page), 'Upload files');
    await page.keyboard.press('Enter');
    await (await chooser).setFiles([
      { name: 'a.txt', mimeType: 'text/plain', buffer: Buffer.from('file a') },
      { name: 'b.txt', mimeType: 'text/plain', buffer: Buffer.from('file b') },
    ]);
    await itemMenuButton(page, 'a.txt').waitFor({ timeout: 60_000 });
    await itemMenuButton(page, 'b.txt').waitFor({ timeout: 60_000 });
    // Escape closes a menu, and the focus goes back to the button that opened it.
    await newButton.focus();
    await page.keyboard.press('ArrowUp');
    assert.equal(await focusedName(page), 'Upload a folder', 'ArrowUp opens on the last item');
    await page.keyboard.press('Escape');
    await page.getByRole('menu').waitFor({ state: 'detached' });
    assert.equal(await focusedName(page), '+ New');
    await newFolder(page, 'Inbox');

    // The ⋮ button: every action on one item, in order, arrow keys wrapping round.
    await itemMenuButton(page, 'a.txt').click();
    const menu = page.getByRole('menu', { name: 'Actions for a.txt' });
    await menu.waitFor();
    assert.deepEqual(await menuItems(page), [
      'Preview',
      'Download',
      'Get link',
      'Rename',
      'Move to…',
      'Versions',
      'Move to trash',
    ]);
    assert.equal(await focusedName(page), 'Preview');
    await page.keyboard.press('ArrowUp');
    assert.equal(await focusedName(page), 'Move to trash');
    await page.keyboard.press('Home');
    await page.keyboard.press('r');
    assert.equal(await focusedName(page), 'Rename', 'a letter goes to the item it starts');
    await page.screenshot({ path: join(SHOTS, `item-menu-${size}.png`) });
    assert.deepEqual(await unnamedControls(page), [], 'every control has an accessible name');
    const box = await menu.boundingBox();
    assert.ok(
      box && box.x >= 0 && box.x + box.width <= viewport.width,
      `the menu fits the screen: ${JSON.stringify(box)}`,
    );
    await page.keyboard.press('Enter');
    await page.getByLabel('New name').fill('renamed.txt');
    await page.getByLabel('New name').press('Enter');
    await itemMenuButton(page, 'renamed.txt').waitFor();

    // A folder's menu opens it rather than previewing it, and has what fits a folder.
    await itemMenuButton(page, 'Inbox').click();
    assert.deepEqual(await menuItems(page), [
      'Open',
      'Download',
      'Share',
      'Get link',
      'Request files',
      'Rename',
      'Move to…',
      'Move to trash',
    ]);
    await page.keyboard.press('Escape');

    // A right-click on a row opens the same menu where the pointer is.
    const row = page.getByRole('row', { name: 'b.txt', exact: true });
    await row.click({ button: 'right', position: { x: 200, y: 10 } });
    await page.getByRole('menu', { name: 'Actions for b.txt' }).waitFor();
    await page.getByRole('menuitem', { name: 'Move to trash' }).click();
    await itemMenuButton(page, 'b.txt').waitFor({ state: 'detached' });

    // The context-menu key on the focused row, then a choice made with the keyboard.
    const renamed = page.getByRole('row', { name: 'renamed.txt', exact: true });
    await renamed.focus();
    await page.keyboard.press('Shift+F10');
    await page.getByRole('menu', { name: 'Actions for renamed.txt' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('menu').waitFor({ state: 'detached' });
    assert.equal(await focusedName(page), 'renamed.txt', 'the focus is back on the row');
    await page.keyboard.press('ContextMenu');
    await page.getByRole('menu', { name: 'Actions for renamed.txt' }).waitFor();
    await page.keyboard.press('Escape');

    // On a selection of several, the menu acts on all of them and offers what fits many.
    await page.getByLabel('Select renamed.txt').check();
    await page.getByLabel('Select Inbox').check();
    await renamed.click({ button: 'right', position: { x: 200, y: 10 } });
    await page.getByRole('menu', { name: 'Actions for the selection' }).waitFor();
    assert.deepEqual(await menuItems(page), ['Download', 'Move to…', 'Move to trash']);
    // A click elsewhere closes it.
    await page.getByRole('navigation', { name: 'Breadcrumbs' }).click();
    await page.getByRole('menu').waitFor({ state: 'detached' });

    // On a phone, a finger held on a row selects it; a tap on its name still opens.
    if (size === 'phone') {
      await page.getByRole('button', { name: 'Clear selection' }).click();
      const held = page.getByRole('row', { name: 'renamed.txt', exact: true });
      await held.dispatchEvent('pointerdown', { pointerType: 'touch', clientX: 60, clientY: 10 });
      await page.waitForFunction(
        () =>
          (document.querySelector('input[aria-label="Select renamed.txt"]') as HTMLInputElement)
            ?.checked === true,
      );
      await held.dispatchEvent('pointerup', { pointerType: 'touch', clientX: 60, clientY: 10 });
      await page.getByRole('toolbar', { name: 'Selection' }).getByText('1 selected').waitFor();
      await page.getByRole('button', { name: 'Clear selection' }).click();
    }

    // Files held over the view: a drop zone over all of it says where they will go.
    const transfer = await page.evaluateHandle(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['dropped'], 'dropped.txt', { type: 'text/plain' }));
      return dt;
    });
    await page.locator('main').dispatchEvent('dragover', { dataTransfer: transfer });
    await page.getByText('Drop files here to upload them to Files').waitFor();
    await page.screenshot({ path: join(SHOTS, `drop-zone-${size}.png`) });
    await page.locator('main').dispatchEvent('drop', { dataTransfer: transfer });
    await itemMenuButton(page, 'dropped.txt').waitFor({ timeout: 60_000 });
    assert.equal(await page.getByText('Drop files here').count(), 0);

    assert.deepEqual(errors, []);
    await context.close();
  });
}
