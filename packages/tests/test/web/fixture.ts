import { readFile } from 'node:fs/promises';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, type Network, screenshotDir, startNetwork } from '../../src/index.ts';

// The web app, served by a real hub, in headless Chromium at a desktop and a phone viewport:
// the setup and tools of test/web/*.test.ts. `npm test` runs every file here in one process
// (../web.test.ts), where they share the one hub, its hosts and the browser started below, so
// each test uses its own accounts and leaves the network as it found it (no host added or
// stopped). A file run alone starts its own.

// `COFFER_SCREENSHOTS=1 npm test` refreshes the committed screenshots; otherwise they go to a
// temporary directory, so a test run leaves the tree clean.
export const SHOTS = screenshotDir();
export const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
export let browser: Browser;
export let net: Network;

before(async () => {
  net = await startNetwork({ hosts: 3 });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await net?.close();
});

/** Every request the page makes, so a test can check none leaves the hub and its hosts. */
export function watchRequests(page: Page): URL[] {
  const seen: URL[] = [];
  page.on('request', (r) => seen.push(new URL(r.url())));
  return seen;
}

/** Waits until the progress bar with this accessible name is past `bytes`. */
export function progressPast(page: Page, label: string, bytes: number) {
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
export async function downloadText(page: Page, name: string): Promise<string> {
  const download = page.waitForEvent('download');
  await itemAction(page, name, 'Download');
  return readFile(await (await download).path(), 'utf8');
}

export const crumb = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Breadcrumbs' }).getByRole('button', { name });

/**
 * A new browser context (at `viewport` when given), signed up and past the recovery key,
 * collecting page errors.
 */
export async function freshAccount(email: string, viewport?: { width: number; height: number }) {
  const context = await browser.newContext({
    acceptDownloads: true,
    ...(viewport ? { viewport } : {}),
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await signup(page, email);
  await page.getByRole('button', { name: /continue/ }).click();
  await page.getByText('This folder is empty').waitFor();
  return { context, page, errors };
}

export async function signup(page: Page, email: string) {
  await page.goto(net.hubUrl);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill('a long web password');
  await page.getByLabel('Confirm password').fill('a long web password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Your recovery key' }).waitFor({ timeout: 60_000 });
}

/**
 * Runs one of an item's actions ("Download", "Rename", "Get link", "Share", …) on an item of the
 * open folder, the way a user reaches it from the item. Tests go through this, so they hold when
 * the place of the actions changes.
 */
export async function itemAction(page: Page, name: string, action: string) {
  await itemMenuButton(page, name).click();
  await page.getByRole('menu').getByRole('menuitem', { name: action, exact: true }).click();
}

/** An item's "⋮" button in the open folder: there is one for each item listed. */
export const itemMenuButton = (page: Page, name: string) =>
  page.getByRole('button', { name: `Actions for ${name}`, exact: true });

/** Makes a folder in the open folder through "+ New", and waits for it to be listed. */
export async function newFolder(page: Page, name: string) {
  await page.getByRole('button', { name: '+ New' }).click();
  await page.getByRole('menuitem', { name: 'New folder' }).click();
  await page.getByLabel('Folder name').fill(name);
  await page.getByRole('button', { name: 'Create' }).click();
  await page.getByRole('button', { name, exact: true }).waitFor();
}
