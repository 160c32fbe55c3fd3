import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { totpCode } from '@coffer/crypto/server';
import { AuthError } from '@coffer/errors';
import { CofferClient } from '@coffer/sdk';
import type { Browser } from 'playwright-core';
import {
  accessibilityViolations,
  launchChromium,
  logInInPage,
  type Network,
  screenshotDir,
  startNetwork,
} from '../src/index.ts';

// Settings → Delete account ([Note: Account deletion]): a danger zone, a dialog that asks the
// email typed again and the password, a wrong password refused in the dialog (nothing
// deleted), then the account gone and the page back at the login.

const SHOTS = screenshotDir();
const EMAIL = 'leaving@example.com';
const PASSWORD = 'a long web password';
let net: Network;
let browser: Browser;

before(async () => {
  net = await startNetwork({ hosts: 2 });
  browser = await launchChromium();
  const { client } = await CofferClient.signup({
    hubUrl: net.hubUrl,
    email: EMAIL,
    password: PASSWORD,
  });
  await client.upload('/notes.txt', new TextEncoder().encode('goodbye'));
});

after(async () => {
  await browser?.close();
  await net?.close();
});

test('Settings → Delete account: confirm in a dialog, then back at the login page', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await logInInPage(page, net.hubUrl, EMAIL, PASSWORD);
  await page
    .getByRole('navigation', { name: 'Views' })
    .getByRole('button', { name: 'Settings' })
    .click({ timeout: 60_000 });

  const zone = page.getByRole('region', { name: 'Delete account' });
  await zone.getByRole('button', { name: 'Delete account…' }).click({ timeout: 60_000 });
  const dialog = page.getByRole('dialog', { name: 'Delete account' });
  const confirm = dialog.getByRole('button', { name: 'Delete for good' });
  // Until the email is typed exactly and a password given, the button stays off.
  assert.equal(await confirm.isDisabled(), true);
  await dialog.getByLabel(`Type your email, ${EMAIL}, to confirm`).fill('someone@example.com');
  await dialog.getByLabel('Your password').fill(PASSWORD);
  assert.equal(await confirm.isDisabled(), true);
  await dialog.getByLabel(`Type your email, ${EMAIL}, to confirm`).fill(EMAIL);
  await dialog.getByLabel('Your password').fill('not the password');
  await confirm.click();
  await dialog.getByRole('alert').waitFor({ timeout: 60_000 });
  assert.match((await dialog.getByRole('alert').textContent()) ?? '', /password/i);
  // Nothing was deleted: the account still logs in.
  await CofferClient.login({ hubUrl: net.hubUrl, email: EMAIL, password: PASSWORD });

  await dialog.getByLabel('Your password').fill(PASSWORD);
  assert.deepEqual(await accessibilityViolations(page), []);
  await page.screenshot({ path: join(SHOTS, 'settings-delete-account.png') });
  await confirm.click();
  // The page the app opens with, signed out: sign up, or log in.
  await page
    .getByRole('button', { name: 'I already have an account' })
    .waitFor({ timeout: 60_000 })
    .catch(async (e) => {
      await page.screenshot({ path: join(SHOTS, 'settings-delete-account-failed.png') });
      throw e;
    });
  await page.screenshot({ path: join(SHOTS, 'settings-delete-account-done.png') });
  await assert.rejects(
    CofferClient.login({ hubUrl: net.hubUrl, email: EMAIL, password: PASSWORD }),
    AuthError,
  );
  assert.deepEqual(errors, []);
  console.log(`screenshots in ${SHOTS}`);
  await context.close();
});

test('with 2FA on, the dialog asks for a code once the hub says it is due', async () => {
  const email = 'leaving-2fa@example.com';
  const { client } = await CofferClient.signup({ hubUrl: net.hubUrl, email, password: PASSWORD });
  const { secret } = await client.secondFactor.start();
  const [forLogin, forDelete] = await client.secondFactor.enable(
    totpCode(secret, Date.now()),
    PASSWORD,
  );
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await logInInPage(page, net.hubUrl, email, PASSWORD);
  const second = page.getByRole('form', { name: 'Two-step verification' });
  await second.getByLabel('Code from your authenticator app').fill(String(forLogin));
  await second.getByRole('button', { name: 'Verify' }).click();
  await page
    .getByRole('navigation', { name: 'Views' })
    .getByRole('button', { name: 'Settings' })
    .click({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Delete account…' }).click({ timeout: 60_000 });
  const dialog = page.getByRole('dialog', { name: 'Delete account' });
  await dialog.getByLabel(`Type your email, ${email}, to confirm`).fill(email);
  await dialog.getByLabel('Your password').fill(PASSWORD);
  await dialog.getByRole('button', { name: 'Delete for good' }).click();
  const code = dialog.getByLabel('Code from your authenticator app');
  await code.waitFor({ timeout: 60_000 });
  await page.screenshot({ path: join(SHOTS, 'settings-delete-account-code-phone.png') });
  await code.fill(String(forDelete));
  await dialog.getByRole('button', { name: 'Delete for good' }).click();
  await page
    .getByRole('button', { name: 'I already have an account' })
    .waitFor({ timeout: 60_000 });
  await assert.rejects(
    CofferClient.login({ hubUrl: net.hubUrl, email, password: PASSWORD }),
    AuthError,
  );
  assert.deepEqual(errors, []);
  await context.close();
});
