import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { launchChromium, type Network, startNetwork } from '../src/index.ts';

// The SDK in headless Chromium (WebCrypto, fetch) against a real hub and hosts, cross-origin.

let browser: Browser;
let server: ReturnType<typeof createServer>;
let url: string;
let net: Network;

before(async () => {
  net = await startNetwork({ hosts: 3 });
  const bundle = await build({
    entryPoints: [new URL('../src/browser-entry.ts', import.meta.url).pathname],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    conditions: ['browser'],
    logLevel: 'silent',
  });
  const js = bundle.outputFiles[0]?.text ?? '';
  assert.doesNotMatch(js, /node:http/, 'the browser bundle must not pull in Node modules');
  server = createServer((req, res) => {
    if (req.url === '/bundle.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
    else
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><script type="module" src="/bundle.js"></script>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  server?.close();
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
