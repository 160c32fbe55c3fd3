import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CofferClient } from '@coffer/sdk';
import type { Browser } from 'playwright-core';
import { launchChromium, type Network, serveBrowserBundle, startNetwork } from '../src/index.ts';

// An app in headless Chromium (WebCrypto, fetch, cross-origin) runs the device flow with
// `CofferClient.connectApp`; the account approves from Node; the app then writes and reads its
// one folder, and what it wrote opens for the account ([Note: Connecting an app]).

let browser: Browser;
let closeServer: (() => void) | undefined;
let url: string;
let net: Network;

before(async () => {
  net = await startNetwork({ hosts: 2 });
  ({ url, close: closeServer } = await serveBrowserBundle('./browser-apps-entry.ts'));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  closeServer?.();
  await net?.close();
});

test('in a browser, an app connects through the device flow and uses its one folder', async () => {
  const { client: alice } = await CofferClient.signup({
    hubUrl: net.hubUrl,
    email: 'alice@example.com',
    password: 'correct horse battery staple',
  });
  await alice.mkdir('/FromBrowser');
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const approvals: Promise<unknown>[] = [];
  await page.exposeFunction('showCode', async (code: string) => {
    approvals.push(alice.apps.approve(code));
  });
  await page.goto(url);
  await page.waitForFunction(() => typeof window.cofferConnectApp === 'function');
  const result = await page.evaluate((hub) => window.cofferConnectApp(hub), net.hubUrl);
  await Promise.all(approvals);
  assert.deepEqual(errors, []);
  assert.equal(approvals.length, 1);
  assert.equal(result.folderId, (await alice.resolve('/FromBrowser')).info.id);
  assert.deepEqual(result.listed, ['hello.txt']);
  assert.equal(result.text, 'uploaded from a browser app');
  const back = await alice.download('/FromBrowser/hello.txt');
  assert.equal(
    new TextDecoder().decode(await new Response(back.stream).arrayBuffer()),
    'uploaded from a browser app',
  );
});
