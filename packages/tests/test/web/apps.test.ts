import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { CofferClient } from '@coffer/sdk';
import type { Page } from 'playwright-core';
import { until } from '../../src/index.ts';
import { freshAccount, net, SHOTS } from './fixture.ts';

// An app asks for one folder through the device flow and the person allows it in the web app
// ([Note: App tokens]): the code typed on "Connect an app", what the app asks shown, the folder
// confirmed, Allow; the app then writes into that folder and the page lists what it wrote. Under
// Sessions, Apps lists it and revokes it, and the app's next call is refused. A second request is
// denied, and the app is told so.

/** Starts an app's request; resolves with the code it would show and its pending connection. */
function appAsks(name: string, access: 'read' | 'readwrite', folder?: string) {
  let shown: (code: { userCode: string; fingerprint: string }) => void = () => {};
  const code = new Promise<{ userCode: string; fingerprint: string }>((resolve) => {
    shown = resolve;
  });
  const connected = CofferClient.connectApp({
    hub: net.hubUrl,
    name,
    access,
    ...(folder ? { folder } : {}),
    onCode: ({ userCode, fingerprint }) => shown({ userCode, fingerprint }),
  });
  // Awaited by the test; a rejection before then must not go unhandled.
  connected.catch(() => {});
  return { code, connected };
}

const openSessions = (page: Page) =>
  page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Sessions' }).click();

test('an app asks for a folder, is allowed in the web app, writes there, and is revoked; another is denied', async () => {
  const { page, errors } = await freshAccount('apps-web@example.com', { width: 1280, height: 800 });
  const app = appAsks('Photo uploader', 'readwrite', 'Photos');
  const { userCode: code, fingerprint } = await app.code;

  // Typed as people type codes: lower case, a space instead of the dash.
  await openSessions(page);
  await page.getByRole('link', { name: 'Connect an app' }).click();
  await page.getByLabel('Code shown by the app').fill('BCDA-1234');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page
    .getByRole('alert')
    .filter({ hasText: /^Code: enter the 8 letters/ })
    .waitFor();
  await page.getByLabel('Code shown by the app').fill(code.toLowerCase().replace('-', ' '));
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByText('“Photo uploader” asks to use one of your folders.').waitFor();
  await page.getByText('See, download, add, change and delete the files in the folder').waitFor();
  // The fingerprint of the keys the folder key is sealed to is the one the app shows.
  await page.locator('.app-fingerprint').filter({ hasText: fingerprint }).waitFor();
  const folder = page.getByLabel('Folder it may use');
  assert.equal(await folder.inputValue(), '/Photos', 'the folder the app suggests');
  await page.screenshot({ path: join(SHOTS, 'apps-approve-desktop.png') });
  // The whole account is not a folder an app may have.
  await folder.fill('/');
  await page.getByRole('button', { name: 'Allow' }).click();
  await page
    .getByRole('alert')
    .filter({ hasText: /^Folder: pick a folder/ })
    .waitFor();
  await folder.fill('/Photos');
  await page.getByRole('button', { name: 'Allow' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: '“Photo uploader” may now use /Photos.' })
    .waitFor({ timeout: 60_000 });

  // The app holds a client confined to /Photos; what it writes shows in the folder.
  const client = await app.connected;
  await client.upload('/beach.jpg', new TextEncoder().encode('not really a photo'));
  await page.goto(`${net.hubUrl}/#/files/Photos`);
  await page.getByRole('main').getByText('beach.jpg', { exact: true }).waitFor({ timeout: 60_000 });

  // Sessions → Apps lists it, with its folder and rights; Revoke asks first, then it is gone.
  await openSessions(page);
  const row = page.getByRole('row').filter({ hasText: 'Photo uploader' });
  await row.filter({ hasText: '/Photos' }).filter({ hasText: 'Read and write' }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'apps-list-desktop.png') });
  await row.getByRole('button', { name: 'Revoke Photo uploader' }).click();
  const confirm = page.getByRole('dialog', { name: 'Revoke this app?' });
  await confirm.getByText(/the folder’s keys change too/).waitFor();
  await confirm.getByRole('button', { name: 'Revoke' }).click();
  await page.getByText(/^No app is connected/).waitFor({ timeout: 60_000 });
  await until('the revoked app is refused', async () => {
    try {
      await client.list('/');
      return false;
    } catch (e) {
      return (e as { code?: string }).code !== undefined;
    }
  });

  // A second app, on a phone: its link carries the code; Deny.
  await page.setViewportSize({ width: 390, height: 844 });
  const other = appAsks('Backup tool', 'read');
  await page.goto(`${net.hubUrl}/#/approve?code=${(await other.code).userCode}`);
  await page.getByText('“Backup tool” asks to use one of your folders.').waitFor();
  await page.getByText('See and download the files in the folder').waitFor();
  assert.equal(await page.getByLabel('Folder it may use').inputValue(), '/Apps/Backup tool');
  await page.screenshot({ path: join(SHOTS, 'apps-approve-phone.png') });
  await page.getByRole('button', { name: 'Deny' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: 'You refused the request of “Backup tool”.' })
    .waitFor();
  await assert.rejects(other.connected, /refused this app/);
  assert.deepEqual(errors, []);
  await page.context().close();
});
