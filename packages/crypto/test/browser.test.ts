import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../../scripts/chromium.ts';
import { loadVectors } from './load-vectors.ts';

let browser: Browser;
let server: ReturnType<typeof createServer>;
let url: string;

before(async () => {
  const bundle = await build({
    entryPoints: [new URL('./browser-entry.ts', import.meta.url).pathname],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    conditions: ['browser'],
    logLevel: 'silent',
  });
  const js = bundle.outputFiles[0]?.text ?? '';
  server = createServer((req, res) => {
    if (req.url === '/bundle.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
    } else {
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><script type="module" src="/bundle.js"></script>');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  server?.close();
});

test('every committed known-answer vector opens and reproduces in headless Chromium, on WebCrypto', async () => {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await page.waitForFunction(() => typeof window.runVectors === 'function');
  const result = await page.evaluate((v) => window.runVectors(v), loadVectors());
  assert.deepEqual(errors, []);
  assert.equal(result.platform, 'browser');
  assert.ok(result.outcomes.length >= 30);
  assert.deepEqual(
    result.outcomes.filter((o) => !o.ok),
    [],
  );
});
