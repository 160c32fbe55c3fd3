import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import {
  cli,
  launchChromium,
  type Network,
  screenshotDir,
  signUpInPage,
  startNetwork,
  unnamedControls,
} from '../src/index.ts';

// Personal servers in the web app ([Note: Personal servers] in the hub): the Hosting view marks
// a claimed personal server as such and says what it takes, and a folder kept on one personal
// server alone carries a warning about its single copy above its listing.

const SHOTS = screenshotDir();
const EMAIL = 'nas@example.com';
const PASSWORD = 'a long personal password';
let browser: Browser;
let net: Network;

before(async () => {
  net = await startNetwork({ hosts: 2 });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await net?.close();
});

test('a personal server is marked in Hosting, and a folder kept on it alone is warned about', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await signUpInPage(page, net.hubUrl, EMAIL, PASSWORD);

  const env = { ...net.env, COFFER_PASSWORD: PASSWORD };
  assert.equal((await cli(['login', EMAIL], env)).code, 0);
  const server = await net.addHost('NL', ['--personal']);
  const claimed = await cli(['host', 'claim', '--data', server.dir, '--json'], env);
  assert.equal(claimed.code, 0, claimed.stderr);
  const hostId = claimed.json<{ hostId: string }>().hostId;
  assert.equal((await cli(['mkdir', '/Movies'], env)).code, 0);
  assert.equal((await cli(['mkdir', '/Papers'], env)).code, 0);
  const policy = await cli(['policy', '/Movies', '--on', 'personal'], env);
  assert.equal(policy.code, 0, policy.stderr);

  const views = page.getByRole('navigation', { name: 'Views' });
  await views.getByRole('button', { name: 'Hosting' }).click();
  const card = page.getByRole('article', { name: `Host ${hostId.slice(0, 12)}` });
  await card.getByText('personal', { exact: true }).waitFor();
  await card.getByText(/A personal server: it keeps only your data/).waitFor();
  await page.screenshot({ path: join(SHOTS, 'hosting-personal-desktop.png') });

  await views.getByRole('button', { name: 'Files', exact: true }).click();
  await page.getByRole('button', { name: 'Movies', exact: true }).click();
  const warning = page.getByRole('status').filter({ hasText: 'kept on one personal server alone' });
  await warning.waitFor();
  assert.match((await warning.textContent()) ?? '', /\/Movies .*coffer policy \/Movies --on both/);
  assert.deepEqual(await unnamedControls(page), [], 'every control has an accessible name');
  await page.screenshot({ path: join(SHOTS, 'single-copy-warning-desktop.png') });

  // Another folder, kept on the network, has no warning.
  await page.getByRole('navigation', { name: 'Breadcrumbs' }).getByRole('button').first().click();
  await page.getByRole('button', { name: 'Papers', exact: true }).click();
  await page.getByText('This folder is empty').waitFor();
  assert.equal(await warning.count(), 0);

  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByRole('navigation', { name: 'Breadcrumbs' }).getByRole('button').first().click();
  await page.getByRole('button', { name: 'Movies', exact: true }).click();
  await warning.waitFor();
  await page.screenshot({ path: join(SHOTS, 'single-copy-warning-phone.png'), fullPage: true });
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  assert.equal(overflow, 0, 'nothing wider than a phone');
  assert.deepEqual(errors, []);
  await context.close();
});
