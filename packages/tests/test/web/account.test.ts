import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { CofferClient } from '@coffer/sdk';
import type { Page } from 'playwright-core';
import { browser, net, SHOTS } from './fixture.ts';

// The account in the web app: sign-up refuses weak and mistyped passwords, the recovery key
// screen copies and downloads the key, "Forgot password?" recovers with it, and Change
// password works; both of the last end the account's other sessions. At a desktop and a phone
// viewport.

const VIEWPORTS = [
  ['desktop', { width: 1280, height: 800 }],
  ['phone', { width: 390, height: 844 }],
] as const;

type Viewport = (typeof VIEWPORTS)[number][1];

async function newPage(viewport: Viewport, permissions: string[] = []) {
  const context = await browser.newContext({ viewport, acceptDownloads: true, permissions });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { context, page, errors };
}

async function logIn(page: Page, email: string, password: string) {
  await page.goto(net.hubUrl);
  await page.getByRole('button', { name: 'I already have an account' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

const loggedIn = (page: Page) =>
  page
    .getByRole('navigation', { name: 'Views' })
    .getByRole('button', { name: 'Sessions' })
    .waitFor({ timeout: 60_000 });

/** A reload resumes a live session; one that was ended lands on the sign-up screen. */
async function sessionEnded(page: Page) {
  await page.reload();
  await page.getByRole('button', { name: 'Create account' }).waitFor({ timeout: 60_000 });
}

for (const [name, viewport] of VIEWPORTS) {
  test(`${name}: sign-up refuses a weak password and a mistyped confirmation; the recovery key copies and downloads`, async () => {
    const email = `signup-${name}@example.com`;
    const { context, page, errors } = await newPage(viewport, [
      'clipboard-read',
      'clipboard-write',
    ]);
    await page.goto(net.hubUrl);
    await page.getByLabel('Email').fill(email);
    const password = page.getByLabel('Password', { exact: true });
    const confirm = page.getByLabel('Confirm password');
    const alert = page.getByRole('alert');

    await password.fill('password1');
    await page.getByText('Strength: very weak').waitFor();
    await confirm.fill('password1');
    await page.getByRole('button', { name: 'Create account' }).click();
    await alert.waitFor();
    assert.match(
      (await alert.textContent()) ?? '',
      /^Password: too weak\. This is a commonly used/,
    );
    assert.equal(await password.getAttribute('aria-invalid'), 'true');
    await page.screenshot({ path: join(SHOTS, `signup-weak-${name}.png`) });

    await password.fill('a long signup phrase');
    await page.getByText(/Strength: (strong|very strong)/).waitFor();
    await confirm.fill('a long signup phrasr');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('Confirm password: the two passwords differ').waitFor();
    assert.equal(await confirm.getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByRole('heading', { name: 'Your recovery key' }).count(), 0);

    await confirm.fill('a long signup phrase');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Your recovery key' }).waitFor({ timeout: 60_000 });
    const key = (await page.getByLabel('Your recovery key').textContent()) ?? '';
    assert.match(key, /^[0-9A-Z]{4}(-[0-9A-Z]{4}){13}$/);
    // Each group of four stays on one line, however narrow the screen.
    const lines = await page
      .locator('.recovery-key .key-group')
      .evaluateAll((spans) => spans.map((s) => s.getClientRects().length));
    assert.equal(lines.length, 14);
    assert.ok(
      lines.every((n) => n === 1),
      `groups broken across lines: ${lines}`,
    );
    await page.screenshot({ path: join(SHOTS, `recovery-key-${name}.png`) });

    await page.getByRole('button', { name: 'Copy' }).click();
    await page.getByRole('status').filter({ hasText: 'Copied' }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), key);

    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Download recovery key' }).click();
    const text = await readFile(await (await download).path(), 'utf8');
    assert.ok(text.includes(key), 'the file holds the key');
    assert.ok(text.includes(`Account: ${email}`), 'the file names the account');
    assert.ok(text.includes(`Network (hub): ${net.hubUrl}`), 'the file names the hub');
    assert.ok(text.includes('Forgot password?'), 'the file says how to recover in a browser');
    assert.ok(text.includes(`coffer recover ${email} --hub ${net.hubUrl}`), 'and with the CLI');
    assert.match(text, /Created: \w{3} \d{1,2}, \d{4}/);

    await page.getByRole('button', { name: /continue/ }).click();
    await page.getByText('This folder is empty').waitFor();
    assert.deepEqual(errors, []);
    await context.close();
  });

  test(`${name}: "Forgot password?" recovers with the key, ends other sessions, and the new password works`, async () => {
    const email = `recover-${name}@example.com`;
    const { client, recoveryKey } = await CofferClient.signup({
      hubUrl: net.hubUrl,
      email,
      password: 'the forgotten password',
    });
    await client.mkdir('/kept across recovery');
    const other = await CofferClient.signup({
      hubUrl: net.hubUrl,
      email: `other-${name}@example.com`,
      password: 'another long password',
    });

    // Another browser, signed in with the old password.
    const elsewhere = await newPage(viewport);
    await logIn(elsewhere.page, email, 'the forgotten password');
    await loggedIn(elsewhere.page);

    const { context, page, errors } = await newPage(viewport);
    await page.goto(net.hubUrl);
    await page.getByRole('button', { name: 'I already have an account' }).click();
    await page.getByRole('button', { name: 'Forgot password?' }).click();
    await page.getByRole('heading', { name: 'Recover your account' }).waitFor();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
    await page.getByLabel('Confirm new password').fill('a brand new passphrase');
    const key = page.getByLabel('Recovery key');
    const submit = page.getByRole('button', { name: 'Set new password' });
    const alert = page.getByRole('alert');

    // Another account's key, well formed: refused, nothing changed.
    await key.fill(other.recoveryKey);
    await submit.click();
    await alert.filter({ hasText: 'Recovery key: this key does not open the account' }).waitFor({
      timeout: 60_000,
    });
    assert.equal(await key.getAttribute('aria-invalid'), 'true');
    // A mistyped key: its checksum catches it.
    await key.fill(recoveryKey.replace(/^(.)/, (c) => (c === 'A' ? 'B' : 'A')));
    await submit.click();
    await alert.filter({ hasText: 'Recovery key: a character is missing or mistyped' }).waitFor();
    await CofferClient.login({ hubUrl: net.hubUrl, email, password: 'the forgotten password' });

    // The right key, in lower case with spaces for dashes.
    await key.fill(recoveryKey.toLowerCase().replaceAll('-', ' '));
    await submit.click();
    await page.getByText('kept across recovery').waitFor({ timeout: 60_000 });
    await page.screenshot({ path: join(SHOTS, `recovered-${name}.png`) });

    // The other browser's session was ended; the old password fails there, the new one works.
    await sessionEnded(elsewhere.page);
    await logIn(elsewhere.page, email, 'the forgotten password');
    await elsewhere.page.getByRole('alert').filter({ hasText: 'Log in failed' }).waitFor({
      timeout: 60_000,
    });
    await elsewhere.page.getByLabel('Password').fill('a brand new passphrase');
    await elsewhere.page.getByRole('button', { name: 'Log in' }).click();
    await loggedIn(elsewhere.page);
    await elsewhere.page.getByText('kept across recovery').waitFor();
    assert.deepEqual([...errors, ...elsewhere.errors], []);
    await elsewhere.context.close();
    await context.close();
  });

  test(`${name}: change password needs the current one, ends other sessions and keeps this one`, async () => {
    const email = `change-${name}@example.com`;
    await CofferClient.signup({ hubUrl: net.hubUrl, email, password: 'my old long password' });
    const elsewhere = await newPage(viewport);
    await logIn(elsewhere.page, email, 'my old long password');
    await loggedIn(elsewhere.page);

    const { context, page, errors } = await newPage(viewport);
    await logIn(page, email, 'my old long password');
    await loggedIn(page);
    await page
      .getByRole('navigation', { name: 'Views' })
      .getByRole('button', { name: 'Settings' })
      .click();
    const form = page.getByRole('form', { name: 'Change password' });
    const current = form.getByLabel('Current password');
    const alert = form.getByRole('alert');
    await current.fill('not my password');
    await form.getByLabel('New password', { exact: true }).fill('my new long password');
    await form.getByLabel('Confirm new password').fill('my new long password');
    await form.getByRole('button', { name: 'Change password' }).click();
    await alert.filter({ hasText: 'Current password: this is not your current password' }).waitFor({
      timeout: 60_000,
    });
    assert.equal(await current.getAttribute('aria-invalid'), 'true');

    await current.fill('my old long password');
    await form.getByLabel('New password', { exact: true }).fill('qwerty123');
    await form.getByLabel('Confirm new password').fill('qwerty123');
    await form.getByRole('button', { name: 'Change password' }).click();
    await alert.filter({ hasText: /^Password: too weak/ }).waitFor();

    await form.getByLabel('New password', { exact: true }).fill('my new long password');
    await form.getByLabel('Confirm new password').fill('my new long password');
    await form.getByRole('button', { name: 'Change password' }).click();
    await form
      .getByRole('status')
      .filter({ hasText: 'Password changed. Your other sessions were ended.' })
      .waitFor({ timeout: 60_000 });
    await page.screenshot({ path: join(SHOTS, `change-password-${name}.png`), fullPage: true });

    // This session stays (a reload resumes it); the other browser's ended.
    await page.reload();
    await loggedIn(page);
    await sessionEnded(elsewhere.page);
    await logIn(elsewhere.page, email, 'my old long password');
    await elsewhere.page.getByRole('alert').filter({ hasText: 'Log in failed' }).waitFor({
      timeout: 60_000,
    });
    await elsewhere.page.getByLabel('Password').fill('my new long password');
    await elsewhere.page.getByRole('button', { name: 'Log in' }).click();
    await loggedIn(elsewhere.page);
    assert.deepEqual([...errors, ...elsewhere.errors], []);
    await elsewhere.context.close();
    await context.close();
  });
}
