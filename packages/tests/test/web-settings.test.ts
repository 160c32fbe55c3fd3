import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CofferClient, formatBytes } from '@coffer/sdk';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, type Network, screenshotDir, startNetwork } from '../src/index.ts';

/** "278.3 KiB" as the French page says it: "278,3 Kio". */
const inFrench = (size: string) =>
  size
    .replace('.', ',')
    .replace(/ (K|M|G|T)?i?B$/, (_, p: string | undefined) => ` ${p ? `${p}io` : 'o'}`);

// The Settings page, on a network whose operator set a quota and a donation link: storage used
// against the quota, the link, a theme that survives a reload, and an upload past the quota
// refused in the page's language ([Note: Account quota]).

const SHOTS = screenshotDir();
const EMAIL = 'settings@example.com';
const PASSWORD = 'a long web password';
const DONATE = 'https://example.org/support-coffer';
const bytes = (n: number, seed: number) => new Uint8Array(n).map((_, i) => (i * 31 + seed) % 251);
let net: Network;
let browser: Browser;
let usage: Awaited<ReturnType<CofferClient['account']['usage']>>;

before(async () => {
  net = await startNetwork({ hosts: 2, hubConfig: { accountQuota: '1MiB', donationUrl: DONATE } });
  browser = await launchChromium();
  // A file with an older version, and one in the trash: 900 kB of the 1 MiB.
  const { client } = await CofferClient.signup({
    hubUrl: net.hubUrl,
    email: EMAIL,
    password: PASSWORD,
  });
  await client.upload('/photo.bin', bytes(400_000, 1));
  await client.upload('/photo.bin', bytes(400_000, 2));
  await client.upload('/old.bin', bytes(100_000, 3));
  await client.trash('/old.bin');
  usage = await client.account.usage();
});

after(async () => {
  await browser?.close();
  await net?.close();
});

async function openSettings(
  viewport: { width: number; height: number },
  colorScheme: 'light' | 'dark' = 'light',
) {
  const context = await browser.newContext({ viewport, colorScheme });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(net.hubUrl);
  await page.getByRole('button', { name: 'I already have an account' }).click();
  await page.getByLabel('Email').fill(EMAIL);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await view(page, 'Settings').click({ timeout: 60_000 });
  return { context, page, errors };
}

const view = (page: Page, name: string) =>
  page.getByRole('navigation', { name: /Views|Vues/ }).getByRole('button', { name });

test('Settings shows storage used against the quota and the donation link; the dark theme survives a reload; an upload past the quota is refused in the page’s language', async () => {
  const { context, page, errors } = await openSettings({ width: 1280, height: 800 });
  const storage = page.getByRole('region', { name: 'Storage' });
  for (const [name, value] of [
    ['Files', usage.files],
    ['Older versions', usage.versions],
    ['In the trash', usage.trash],
    ['Total', usage.total],
  ] as const) {
    await storage.getByText(name, { exact: true }).waitFor({ timeout: 60_000 });
    const figure = storage.locator('div').filter({ has: page.getByText(name, { exact: true }) });
    assert.equal(await figure.locator('dd').textContent(), formatBytes(value));
  }
  assert.deepEqual(
    [usage.files > 0, usage.versions > 0, usage.trash > 0, usage.quota],
    [true, true, true, 1024 * 1024],
  );
  await storage.getByText(`${formatBytes(usage.total)} of 1.0 MiB used`).waitFor();
  const meter = storage.getByRole('meter', { name: 'Storage used of the quota' });
  assert.equal(Number(await meter.getAttribute('value')), usage.total);
  assert.equal(Number(await meter.getAttribute('max')), 1024 * 1024);
  const support = page.getByRole('link', { name: 'Support this network' });
  assert.equal(await support.getAttribute('href'), DONATE);
  // The sessions, and the place kept for changing the password.
  await page.getByRole('region', { name: 'Sessions' }).getByRole('table').waitFor();
  await page.getByRole('heading', { name: 'Password', exact: true }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'settings-desktop.png'), fullPage: true });

  // The theme: the device's by default, dark by choice, still dark after a reload.
  const theme = page.getByRole('radiogroup', { name: 'Theme' });
  assert.equal(await theme.getByRole('radio', { name: 'Same as the device' }).isChecked(), true);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), undefined);
  await theme.getByRole('radio', { name: 'Dark' }).check();
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  assert.equal(await background(), 'rgb(20, 20, 22)');
  await page.reload();
  await view(page, 'Settings').click({ timeout: 60_000 });
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  assert.equal(await background(), 'rgb(20, 20, 22)');
  assert.equal(await page.getByRole('radio', { name: 'Dark' }).isChecked(), true);
  await page.getByRole('region', { name: 'Storage' }).getByRole('meter').waitFor();
  await page.screenshot({ path: join(SHOTS, 'settings-desktop-dark.png'), fullPage: true });

  // An upload past the quota: refused with the figures, in the page's language.
  await view(page, 'Files').click();
  await page.getByLabel('Upload files').setInputFiles({
    name: 'too-much.bin',
    mimeType: 'application/octet-stream',
    buffer: Buffer.from(bytes(300_000, 4)),
  });
  const uploads = page.getByRole('region', { name: 'Uploads' });
  await uploads
    .getByText(`Your storage is full: ${formatBytes(usage.total)} of 1.0 MiB used.`)
    .waitFor({ timeout: 60_000 });
  await view(page, 'Settings').click();
  await page.getByRole('region', { name: 'Language' }).getByRole('combobox').selectOption('fr');
  await view(page, 'Fichiers').click();
  await page
    .getByRole('region', { name: 'Envois' })
    .getByText(
      `Votre espace de stockage est plein : ${inFrench(formatBytes(usage.total))} utilisés sur 1,0 Mio.`,
    )
    .waitFor();
  await page.screenshot({ path: join(SHOTS, 'settings-quota-refused-fr.png') });
  assert.deepEqual(errors, []);
  await context.close();
});

test('Settings at phone size, on a device in dark mode: the default theme follows it', async () => {
  const { context, page, errors } = await openSettings({ width: 390, height: 844 }, 'dark');
  await page.getByRole('link', { name: 'Support this network' }).waitFor({ timeout: 60_000 });
  await page.getByRole('meter', { name: 'Storage used of the quota' }).waitFor();
  await page.getByRole('region', { name: 'Storage' }).getByText('Older versions').waitFor();
  assert.equal(await page.getByRole('radio', { name: 'Same as the device' }).isChecked(), true);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), undefined);
  assert.equal(
    await page.evaluate(() => getComputedStyle(document.body).backgroundColor),
    'rgb(20, 20, 22)',
  );
  // Nothing wider than the screen.
  assert.equal(
    await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
    true,
  );
  await page.screenshot({ path: join(SHOTS, 'settings-phone-dark.png'), fullPage: true });
  // Light by choice, on a device in dark mode.
  await page.getByRole('radio', { name: 'Light' }).check();
  assert.equal(
    await page.evaluate(() => getComputedStyle(document.body).backgroundColor),
    'rgb(250, 250, 250)',
  );
  await page.screenshot({ path: join(SHOTS, 'settings-phone.png'), fullPage: true });
  await view(page, 'Files').click();
  await page.getByLabel('Upload files').setInputFiles({
    name: 'too-much-too.bin',
    mimeType: 'application/octet-stream',
    buffer: Buffer.from(bytes(300_000, 5)),
  });
  await page
    .getByRole('region', { name: 'Uploads' })
    .getByText(/^Your storage is full: /)
    .waitFor({ timeout: 60_000 });
  await page.screenshot({ path: join(SHOTS, 'settings-quota-refused-phone.png') });
  assert.deepEqual(errors, []);
  await context.close();
});
