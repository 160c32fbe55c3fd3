import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium, type Network, serveBrowserBundle, startNetwork } from '../src/index.ts';

// The SDK in headless Chromium (WebCrypto, fetch) against a real hub and hosts, cross-origin.

let browser: Browser;
let closeServer: (() => void) | undefined;
let url: string;
let net: Network;

before(async () => {
  net = await startNetwork({ hosts: 3 });
  ({ url, close: closeServer } = await serveBrowserBundle('./browser-entry.ts'));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  closeServer?.();
  await net?.close();
});

test('in a browser, the SDK signs up, uploads, logs in again and downloads byte-identical files', async () => {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await page.waitForFunction(() => typeof window.cofferRoundTrip === 'function');
  const result = await page.evaluate((hub) => window.cofferRoundTrip(hub), net.hubUrl);
  assert.deepEqual(errors, []);
  assert.equal(result.steps.length, 4, result.steps.join('; '));
  assert.match(result.steps[1] ?? '', /uploaded 9437184 bytes/);
  assert.match(result.steps[3] ?? '', /listed 30 small files/);
});
