import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { NotFoundError } from '@coffer/errors';
import { CofferClient } from '@coffer/sdk';
import type { Page } from 'playwright-core';
import { until } from '../../src/index.ts';
import { freshAccount, itemAction, net, SHOTS } from './fixture.ts';

// An app asks for one folder through the device flow and the person allows it in the web app
// ([Note: App tokens]): the code typed on "Connect an app", what the app asks shown, the folder
// confirmed, Allow; the app then writes into that folder and the page lists what it wrote. Under
// Sessions, Apps lists it and revokes it, and the app's next call is refused. A second request is
// denied, and the app is told so. When a rotation of a folder's keys (a writing app revoked, a
// share member taken off) gives the other apps there the new keys, the page names them.

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

/** An app `name` that the account `alice` allowed `folder` (through the SDK, as on another device). */
async function allowedApp(
  alice: CofferClient,
  name: string,
  access: 'read' | 'readwrite',
  folder: string,
) {
  const app = appAsks(name, access, folder);
  await alice.apps.approve((await app.code).userCode, folder);
  return app.connected;
}

test('revoking a writing app, and taking a member off a share, name the apps that keep working with the new keys', async () => {
  const email = 'apps-rotate@example.com';
  const { page, errors } = await freshAccount(email, { width: 1280, height: 800 });
  const alice = await CofferClient.login({
    hubUrl: net.hubUrl,
    email,
    password: 'a long web password',
  });
  const bobEmail = 'apps-rotate-bob@example.com';
  await CofferClient.signup({ hubUrl: net.hubUrl, email: bobEmail, password: 'bob pass 1' });
  await alice.mkdir('/Album/Trips', { parents: true });
  await alice.upload('/Album/Trips/beach.txt', new TextEncoder().encode('a day at the beach'));
  const uploader = await allowedApp(alice, 'Album uploader', 'readwrite', '/Album');
  const frame = await allowedApp(alice, 'Photo frame', 'read', '/Album');
  const slideshow = await allowedApp(alice, 'Trip slideshow', 'read', '/Album/Trips');
  await uploader.upload('/from-uploader.txt', new TextEncoder().encode('uploaded'));

  // The writer revoked: the folder's keys change, and the two readers are given the new ones.
  await openSessions(page);
  const row = page.getByRole('row').filter({ hasText: 'Album uploader' });
  await row.getByRole('button', { name: 'Revoke Album uploader' }).click();
  await page
    .getByRole('dialog', { name: 'Revoke this app?' })
    .getByRole('button', { name: 'Revoke' })
    .click();
  const told = page.getByRole('status').filter({ hasText: '“Album uploader” is revoked' });
  await told.waitFor({ timeout: 60_000 });
  assert.equal(
    await told.textContent(),
    '“Album uploader” is revoked, and /Album has new keys: nothing added there from now on opens for it. “Photo frame” and “Trip slideshow” keep working: they were given the new keys.',
  );
  await page.getByRole('row').filter({ hasText: 'Album uploader' }).waitFor({ state: 'detached' });
  // Nothing went wrong beside it (the page lists the folder while the keys change).
  assert.deepEqual(await page.getByRole('alert').allTextContents(), []);
  await page.screenshot({ path: join(SHOTS, 'apps-revoked-writer-desktop.png') });
  // They do: each reads its folder with the new keys, the file the revoked app wrote too.
  const text = async (app: typeof frame, path: string) =>
    new Response((await app.download(path)).stream).text();
  assert.equal(await text(frame, '/from-uploader.txt'), 'uploaded');
  assert.equal(await text(slideshow, '/beach.txt'), 'a day at the beach');

  // A read-only app revoked rotates nothing, and the page says only that.
  await page
    .getByRole('row')
    .filter({ hasText: 'Trip slideshow' })
    .getByRole('button', { name: 'Revoke Trip slideshow' })
    .click();
  await page
    .getByRole('dialog', { name: 'Revoke this app?' })
    .getByRole('button', { name: 'Revoke' })
    .click();
  await page
    .getByRole('status')
    .filter({ hasText: /^“Trip slideshow” is revoked: it can no longer reach your files\.$/ })
    .waitFor({ timeout: 60_000 });

  // Bob taken off /Album in its share dialog: its keys change again, and the frame keeps them.
  await alice.shares.share('/Album', bobEmail, 'read');
  await page.goto(`${net.hubUrl}/#/files`);
  await itemAction(page, 'Album', 'Share');
  const dialog = page.getByRole('dialog', { name: /Album/ });
  await dialog.getByRole('button', { name: `Remove ${bobEmail}` }).click();
  await dialog
    .getByRole('status')
    .filter({
      hasText: `${bobEmail} no longer has access. New files in the folder use new keys. “Photo frame” keeps working: it was given the new keys.`,
    })
    .waitFor({ timeout: 60_000 });
  assert.deepEqual(await dialog.getByRole('alert').allTextContents(), []);
  await page.screenshot({ path: join(SHOTS, 'share-removed-apps-desktop.png') });
  await alice.upload('/Album/after.txt', new TextEncoder().encode('after both rotations'));
  // A name not found makes an app ask for its grant at most once a second: it reads it soon.
  await until('the frame reads what was added after both rotations', async () => {
    try {
      return (await text(frame, '/after.txt')) === 'after both rotations';
    } catch (e) {
      if (e instanceof NotFoundError) return false;
      throw e;
    }
  });
  assert.deepEqual(errors, []);
  await page.context().close();
});
