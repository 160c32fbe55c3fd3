import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { accessibilityViolations } from '../../src/index.ts';
import { browser, itemAction, itemMenuButton, net, newFolder } from './fixture.ts';

// axe-core on every main screen, in light and in dark, at a desktop and a phone size: no
// serious or critical issue (contrast, names, roles, structure).

const view = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name, exact: true });

for (const scheme of ['light', 'dark'] as const) {
  for (const [size, viewport] of [
    ['desktop', { width: 1280, height: 800 }],
    ['phone', { width: 390, height: 844 }],
  ] as const) {
    test(`axe finds no serious issue on the main screens (${scheme}, ${size})`, async () => {
      const context = await browser.newContext({ viewport, colorScheme: scheme });
      const page = await context.newPage();
      const found: string[] = [];
      const check = async (screen: string) => {
        for (const v of await accessibilityViolations(page)) found.push(`${screen}: ${v}`);
      };

      await page.goto(net.hubUrl);
      await page.getByLabel('Email').waitFor();
      await check('sign-up');
      await page.getByRole('button', { name: 'I already have an account' }).click();
      await check('log-in');
      await page.getByRole('button', { name: 'Create a new account' }).click();
      const email = `axe-${scheme}-${size}@example.com`;
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password', { exact: true }).fill('a long web password');
      await page.getByLabel('Confirm password').fill('a long web password');
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.getByRole('heading', { name: 'Your recovery key' }).waitFor({ timeout: 60_000 });
      await check('recovery key');
      await page.getByRole('button', { name: /continue/ }).click();
      await page.getByText('This folder is empty').waitFor();
      await check('empty folder');

      await page.getByLabel('Upload files').setInputFiles([
        { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('notes') },
        {
          name: 'plan.md',
          mimeType: 'text/markdown',
          buffer: Buffer.from('| a | b |\n|-|-|\n| 1 | 2 |\n'),
        },
      ]);
      await newFolder(page, 'Trips');
      await itemMenuButton(page, 'plan.md').waitFor({ timeout: 60_000 });
      await check('file list');
      await itemMenuButton(page, 'notes.txt').click();
      await page.getByRole('menu').waitFor();
      await check('item menu');
      await page.keyboard.press('Escape');
      await page.getByRole('button', { name: 'Preview plan.md' }).click();
      await page.getByRole('dialog').getByRole('table').waitFor();
      await check('preview');
      await page.keyboard.press('Escape');
      await itemAction(page, 'Trips', 'Share');
      await page.getByRole('dialog').waitFor();
      await check('share dialog');
      await page.keyboard.press('Escape');
      await itemAction(page, 'notes.txt', 'Get link');
      await page.getByRole('dialog').waitFor();
      await check('link dialog');
      await page.keyboard.press('Escape');
      await page.getByRole('button', { name: 'Grid', exact: true }).click();
      await check('grid');
      await page.getByRole('button', { name: 'List', exact: true }).click();
      await page.getByLabel('Search all files').fill('plan');
      await page.getByRole('list', { name: 'Results' }).waitFor();
      await check('search');
      await view(page, 'Files').click();
      await itemAction(page, 'notes.txt', 'Move to trash');
      await itemMenuButton(page, 'notes.txt').waitFor({ state: 'detached' });
      for (const [name, ready] of [
        ['Trash', 'Empty trash'],
        ['Shared', 'Shared with me'],
        ['Links', 'Links'],
        ['Contacts', 'Contacts'],
        ['Sessions', 'Sessions'],
        ['Settings', 'Settings'],
      ] as const) {
        await view(page, name).click();
        await page.getByText(ready).first().waitFor();
        await check(name);
      }
      assert.deepEqual(found, []);
      await context.close();
    });
  }
}
