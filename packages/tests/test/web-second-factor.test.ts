import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { totpCode } from '@coffer/crypto/server';
import { CofferClient, connectApp } from '@coffer/sdk';
import type { Browser, Page } from 'playwright-core';
import {
  accessibilityViolations,
  launchChromium,
  logInInPage,
  type Network,
  screenshotDir,
  startNetwork,
} from '../src/index.ts';

// Two-step verification in the web app: enrolment in Settings (the QR code of the otpauth://
// URI, the secret as text, a first code, the recovery codes shown once), then a login that asks
// for the code after the password, refuses a wrong one and lets the right one in.

const SHOTS = screenshotDir();
const EMAIL = 'web-2fa@example.com';
const PASSWORD = 'a long web password for 2fa';
let net: Network;
let browser: Browser;

before(async () => {
  // One account logs in more than the 10 times in 15 minutes a single email is allowed.
  net = await startNetwork({
    hosts: 0,
    waitReady: false,
    hubConfig: { login: { perEmail: 100, perAddress: 100, windowSeconds: 900 } },
  });
  browser = await launchChromium();
  await CofferClient.signup({ hubUrl: net.hubUrl, email: EMAIL, password: PASSWORD });
});
after(async () => {
  await browser?.close();
  await net?.close();
});

const logIn = (page: Page) => logInInPage(page, net.hubUrl, EMAIL, PASSWORD);

const views = (page: Page) => page.getByRole('navigation', { name: 'Views' });

/** A desktop page logged in with the password, then `code`; page errors collected. */
async function loggedInWithCode(code: string) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await logIn(page);
  const form = page.getByRole('form', { name: 'Two-step verification' });
  await form.getByLabel('Code from your authenticator app').fill(code);
  await form.getByRole('button', { name: 'Verify' }).click();
  await views(page).waitFor({ timeout: 60_000 });
  return { context, page, errors };
}

let secret = '';
let recoveryCodes: string[] = [];

test('enrolment in Settings: QR code and secret, a first code, 10 recovery codes once', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await logIn(page);
  await views(page).getByRole('button', { name: 'Settings' }).click({ timeout: 60_000 });
  const section = page.getByRole('region', { name: 'Two-step verification' });
  await section.getByText(/^Off\./).waitFor({ timeout: 60_000 });
  await section.getByRole('button', { name: 'Turn on' }).click();
  await section.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();
  secret = (await section.locator('.totp-secret').textContent()) ?? '';
  assert.match(secret, /^[A-Z2-7]{32}$/);
  await page.screenshot({ path: join(SHOTS, 'second-factor-enrol.png'), fullPage: true });
  assert.deepEqual(await accessibilityViolations(page), []);
  // The password too: a session alone cannot turn it on. A wrong code first: refused.
  await section.getByLabel('Current password').fill(PASSWORD);
  const field = section.getByLabel('Code from your authenticator app');
  await field.fill(totpCode(secret, Date.now() + 10 * 30_000));
  await section.getByRole('button', { name: 'Turn on' }).click();
  await section.getByRole('alert').filter({ hasText: 'wrong' }).waitFor();
  await field.fill(totpCode(secret, Date.now()));
  await section.getByRole('button', { name: 'Turn on' }).click();
  const codes = section.getByRole('listitem');
  await section.getByRole('heading', { name: 'Your recovery codes' }).waitFor();
  assert.equal(await codes.count(), 10);
  recoveryCodes = await codes.allTextContents();
  for (const c of recoveryCodes) assert.match(c, /^[0-9a-z]{4}(-[0-9a-z]{4}){3}$/);
  await page.screenshot({ path: join(SHOTS, 'second-factor-recovery-codes.png'), fullPage: true });
  await section.getByRole('button', { name: 'I have stored them' }).click();
  await section.getByText('On. Recovery codes left: 10.').waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('login asks for the code after the password; a wrong one is refused, the right one lets in', async () => {
  assert.ok(secret, 'enrolled by the test before');
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await logIn(page);
  const form = page.getByRole('form', { name: 'Two-step verification' });
  await form.waitFor({ timeout: 60_000 });
  await form
    .getByLabel('Code from your authenticator app')
    .fill(totpCode(secret, Date.now() + 10 * 30_000));
  await form.getByRole('button', { name: 'Verify' }).click();
  await form.getByRole('alert').waitFor();
  assert.match((await form.getByRole('alert').textContent()) ?? '', /wrong or was used/);
  await page.screenshot({ path: join(SHOTS, 'second-factor-login.png'), fullPage: true });
  assert.deepEqual(await accessibilityViolations(page), []);
  // The next step's code: enrolment used this one.
  await form
    .getByLabel('Code from your authenticator app')
    .fill(totpCode(secret, Date.now() + 30_000));
  await form.getByRole('button', { name: 'Verify' }).click();
  await page.getByRole('navigation', { name: 'Views' }).waitFor({ timeout: 60_000 });
  assert.deepEqual(errors, []);
  await context.close();
});

test('Connect an app asks for a code before it allows the app', async () => {
  assert.ok(recoveryCodes.length === 10, 'enrolled by the first test');
  // A recovery code logs in as well as a code from the app.
  const { context, page, errors } = await loggedInWithCode(recoveryCodes[0] as string);

  let shown: (code: string) => void = () => {};
  const userCode = new Promise<string>((r) => {
    shown = r;
  });
  const connected = connectApp({
    hub: net.hubUrl,
    name: 'Photo uploader',
    access: 'read',
    folder: '/Photos',
    onCode: ({ userCode }) => shown(userCode),
  });
  connected.catch(() => {});
  await page.goto(`${net.hubUrl}/#/approve?code=${await userCode}`);
  await page.getByRole('button', { name: 'Allow' }).click({ timeout: 60_000 });
  const field = page.getByLabel('Code from your authenticator app');
  await field.waitFor();
  await page.getByRole('alert').filter({ hasText: 'This needs a code' }).waitFor();
  await field.fill(recoveryCodes[1] as string);
  await page.screenshot({ path: join(SHOTS, 'second-factor-approve.png'), fullPage: true });
  await page.getByRole('button', { name: 'Allow' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: '“Photo uploader” may now use /Photos.' })
    .waitFor({ timeout: 60_000 });
  const app = await connected;
  assert.deepEqual(await app.list('/'), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('Sessions shows a sign-in that has the password and waits for its code', async () => {
  assert.ok(recoveryCodes.length === 10, 'enrolled by the first test');
  const stranger = await CofferClient.beginLogin({
    hubUrl: net.hubUrl,
    email: EMAIL,
    password: PASSWORD,
    deviceName: 'unknown laptop',
  });
  assert.ok('secondFactorRequired' in stranger);
  const { context, page, errors } = await loggedInWithCode(recoveryCodes[2] as string);
  await views(page).getByRole('button', { name: 'Sessions' }).click({ timeout: 60_000 });
  const row = page.getByRole('row').filter({ hasText: 'unknown laptop' });
  await row
    .getByText(
      'Signed in with your password, waiting for its 2FA code. If this is not you, change your password.',
    )
    .waitFor({ timeout: 60_000 });
  // Only that one: this browser's session gave its code.
  assert.equal(await page.getByText('waiting for its 2FA code').count(), 1);
  await page.screenshot({ path: join(SHOTS, 'second-factor-sessions.png'), fullPage: true });
  assert.deepEqual(await accessibilityViolations(page), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('Settings makes new recovery codes with a code; few left is said; the old ones stop working', async () => {
  assert.ok(recoveryCodes.length === 10, 'enrolled by the first test');
  // Codes 0 to 2 were used by the tests before; three more here leave 4, then this login 3.
  for (const code of recoveryCodes.slice(3, 6)) {
    const step = await CofferClient.beginLogin({
      hubUrl: net.hubUrl,
      email: EMAIL,
      password: PASSWORD,
    });
    assert.ok('secondFactorRequired' in step);
    await step.submit(code);
  }
  const { context, page, errors } = await loggedInWithCode(recoveryCodes[6] as string);
  await views(page).getByRole('button', { name: 'Settings' }).click({ timeout: 60_000 });
  const section = page.getByRole('region', { name: 'Two-step verification' });
  await section.getByText('On. Recovery codes left: 3.').waitFor({ timeout: 60_000 });
  await section
    .getByText('Few recovery codes are left: make new ones before they run out.')
    .waitFor();
  await page.screenshot({ path: join(SHOTS, 'second-factor-few-codes.png'), fullPage: true });
  assert.deepEqual(await accessibilityViolations(page), []);
  // New codes ask for a code and the password: a wrong code first, then a wrong password.
  await section.getByRole('button', { name: 'New recovery codes' }).click();
  const form = section.getByRole('form', { name: 'Make new codes' });
  const field = form.getByLabel('Code from your authenticator app');
  const password = form.getByLabel('Current password');
  await field.fill(totpCode(secret, Date.now() + 10 * 30_000));
  await password.fill(PASSWORD);
  await field.press('Enter');
  await form.getByRole('alert').filter({ hasText: 'wrong' }).waitFor();
  await field.fill(recoveryCodes[7] as string);
  await password.fill('not the password');
  await form.getByRole('button', { name: 'Make new codes' }).click();
  await form
    .getByRole('alert')
    .filter({ hasText: /password/i })
    .waitFor();
  await page.screenshot({ path: join(SHOTS, 'second-factor-renew.png'), fullPage: true });
  assert.deepEqual(await accessibilityViolations(page), []);
  // The wrong password spent no code: the same one works with the right password.
  await field.fill(recoveryCodes[7] as string);
  await password.fill(PASSWORD);
  await form.getByRole('button', { name: 'Make new codes' }).click();
  await section.getByRole('heading', { name: 'Your recovery codes' }).waitFor();
  await section.getByText('The recovery codes you had before no longer work.').waitFor();
  const fresh = await section.getByRole('listitem').allTextContents();
  assert.equal(fresh.length, 10);
  assert.equal(new Set([...fresh, ...recoveryCodes]).size, 20);
  await page.screenshot({ path: join(SHOTS, 'second-factor-new-codes.png'), fullPage: true });
  assert.deepEqual(await accessibilityViolations(page), []);
  await section.getByRole('button', { name: 'I have stored them' }).click();
  await section.getByText('On. Recovery codes left: 10.').waitFor();
  // The old ones are gone; a new one logs in.
  const stale = await CofferClient.beginLogin({
    hubUrl: net.hubUrl,
    email: EMAIL,
    password: PASSWORD,
  });
  assert.ok('secondFactorRequired' in stale);
  await assert.rejects(stale.submit(recoveryCodes[8] as string), /not one of your unused/);
  await stale.submit(fresh[0] as string);
  recoveryCodes = fresh.slice(1);
  assert.deepEqual(errors, []);
  await context.close();
});
