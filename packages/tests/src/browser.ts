import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import type { Network } from './network.ts';

export { CHROMIUM, launchChromium } from '../../../scripts/chromium.ts';

/**
 * `entry` (a file under packages/tests/src) bundled for browsers, served with a page that loads
 * it, on a random loopback port. The bundle must not pull in Node modules.
 */
export async function serveBrowserBundle(entry: string): Promise<{ url: string; close(): void }> {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    conditions: ['browser'],
    logLevel: 'silent',
  });
  const js = bundle.outputFiles[0]?.text ?? '';
  assert.doesNotMatch(js, /node:http/, 'the browser bundle must not pull in Node modules');
  const server = createServer((req, res) => {
    if (req.url === '/bundle.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
    else
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><script type="module" src="/bundle.js"></script>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => server.close(),
  };
}

/** Where browser tests put screenshots: docs/screenshots with COFFER_SCREENSHOTS=1, else a temp dir. */
export function screenshotDir(): string {
  return process.env.COFFER_SCREENSHOTS
    ? fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url))
    : mkdtempSync(join(tmpdir(), 'coffer-shots-'));
}

/** Signs up in the web app at `hubUrl`, past the recovery key, into the empty root folder. */
export async function signUpInPage(page: Page, hubUrl: string, email: string, password: string) {
  await page.goto(hubUrl);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Confirm password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('button', { name: /continue/ }).click({ timeout: 60_000 });
  await page.getByText('This folder is empty').waitFor();
}

/** Logs in to the web app at `hubUrl` with an account made before. */
export async function logInInPage(page: Page, hubUrl: string, email: string, password: string) {
  await page.goto(hubUrl);
  await page.getByRole('button', { name: 'I already have an account' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

/**
 * The network requests that went anywhere but the hub and its hosts. Only http(s) and ws(s)
 * leave the machine: blob: and data: are local, and chrome: and chrome-extension: are the
 * browser's own PDF viewer.
 */
export function foreignRequests(net: Network, requests: URL[]): string[] {
  const allowed = new Set([
    new URL(net.hubUrl).origin,
    ...net.hosts.map((h) => new URL(h.url).origin),
  ]);
  return requests
    .filter((u) => ['http:', 'https:', 'ws:', 'wss:'].includes(u.protocol))
    .filter((u) => !allowed.has(u.origin))
    .map(String);
}

const INTERACTIVE = new Set([
  'button',
  'link',
  'checkbox',
  'textbox',
  'searchbox',
  'combobox',
  'option',
  'listbox',
  'slider',
  'menuitem',
  'tab',
  'dialog',
  'table',
  'meter',
  'switch',
]);

/** Every control in Chromium's accessibility tree that has no accessible name. */
export async function unnamedControls(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
    nodes: { ignored: boolean; role?: { value: string }; name?: { value: string } }[];
  };
  await cdp.detach();
  return nodes
    .filter((n) => !n.ignored && INTERACTIVE.has(n.role?.value ?? ''))
    .filter((n) => !n.name?.value?.trim())
    .map((n) => n.role?.value ?? '?');
}
