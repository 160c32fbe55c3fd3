import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CofferClient } from '@coffer/sdk';
import type { Browser } from 'playwright-core';
import {
  foreignRequests,
  launchChromium,
  type Network,
  screenshotDir,
  signUpInPage,
  startNetwork,
  unnamedControls,
} from '../src/index.ts';

// Contacts in the web app, in headless Chromium: add a contact, compare the safety number
// (digits and QR code), verify, and the loud warning when the contact's keys change.

const SHOTS = screenshotDir();
const PASSWORD = 'a long contacts password';
let browser: Browser;
let net: Network;
let bob: CofferClient;

before(async () => {
  net = await startNetwork({ hosts: 2 });
  browser = await launchChromium();
  ({ client: bob } = await CofferClient.signup({
    hubUrl: net.hubUrl,
    email: 'bob@example.com',
    password: PASSWORD,
  }));
});

after(async () => {
  await browser?.close();
  await net?.close();
});

test('contacts: add by email, compare the safety number by digits or QR code, verify; a key change is a loud warning', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  const requests: URL[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(new URL(r.url())));
  page.on('pageerror', (e) => errors.push(e.message));
  await signUpInPage(page, net.hubUrl, 'alice@example.com', PASSWORD);

  const views = page.getByRole('navigation', { name: 'Views' });
  await views.getByRole('button', { name: 'Contacts' }).click();
  await page.getByText('No contacts yet').waitFor();

  // A typo, then the real address.
  await page.getByLabel('Their email').fill('nobody@example.com');
  await page.getByRole('button', { name: 'Add contact' }).click();
  await page
    .getByRole('alert')
    .getByText(/no account uses nobody@example.com/i)
    .waitFor();
  await page.getByRole('button', { name: 'Dismiss' }).click();
  await page.getByLabel('Their email').fill('bob@example.com');
  await page.getByRole('button', { name: 'Add contact' }).click();

  // The safety number opens at once, as 12 groups and as a QR code; Bob sees the same digits.
  const safety = page.getByRole('region', { name: 'Safety number bob@example.com' });
  await safety.waitFor();
  const fromBob = await bob.contacts.add('alice@example.com');
  const shown = (await safety.locator('.safety-digits code').allTextContents()).join(' ');
  assert.equal(shown, fromBob.safetyNumber);
  assert.equal(await safety.getByRole('img', { name: /Safety number/ }).count(), 1);
  const item = page.getByRole('listitem').filter({ hasText: 'bob@example.com' });
  await item.getByText('Not verified').waitFor();
  assert.deepEqual(await unnamedControls(page), [], 'every control has an accessible name');
  await page.screenshot({ path: join(SHOTS, 'contacts-desktop.png') });

  await safety.getByRole('button', { name: /mark as verified/ }).click();
  await item.getByText('Verified', { exact: true }).waitFor();

  // Bob makes new keys: opening Contacts again shows the warning, and the badge.
  await bob.rotateKeys();
  await views.getByRole('button', { name: 'Files', exact: true }).click();
  await views.getByRole('button', { name: 'Contacts' }).click();
  await page
    .getByRole('alert')
    .getByText(/bob@example.com’s keys changed/)
    .waitFor();
  await item.getByText('Keys changed').waitFor();
  await item.getByRole('button', { name: 'Safety number bob@example.com' }).click();
  const renewed = (await safety.locator('.safety-digits code').allTextContents()).join(' ');
  assert.notEqual(renewed, shown);
  assert.equal(renewed, (await bob.contacts.refresh('alice@example.com')).safetyNumber);
  await page.screenshot({ path: join(SHOTS, 'contacts-key-changed-desktop.png') });
  await safety.getByRole('button', { name: /mark as verified/ }).click();
  await item.getByText('Verified', { exact: true }).waitFor();
  assert.equal(await page.getByText(/keys changed since/).count(), 0);

  // The same view on a phone, in the dark.
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(SHOTS, 'contacts-dark-phone.png') });

  await item.getByRole('button', { name: 'Remove bob@example.com' }).click();
  await page.getByText('No contacts yet').waitFor();
  assert.deepEqual(foreignRequests(net, requests), [], 'the page talks only to the hub and hosts');
  assert.deepEqual(errors, []);
  await context.close();
});

test('shared folders: Shared with me lists a folder a contact shares, to browse and download; Share on a folder shares one of yours', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await signUpInPage(page, net.hubUrl, 'carol@example.com', PASSWORD);

  // Bob shares a folder with Carol, read-only.
  await bob.upload('/photos/2026/notes.txt', new TextEncoder().encode('summer notes'), {
    parents: true,
  });
  await bob.shares.share('/photos', 'carol@example.com', 'read');

  const views = page.getByRole('navigation', { name: 'Views' });
  await views.getByRole('button', { name: 'Shared' }).click();
  const mine = page.getByRole('region', { name: 'Shared with me' });
  await mine.getByText('from bob@example.com · can view').waitFor();
  await page.screenshot({ path: join(SHOTS, 'shared-desktop.png') });
  await mine.getByRole('button', { name: 'photos' }).click();
  await page.getByRole('button', { name: '2026', exact: true }).click();
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Actions for notes.txt', exact: true }).click();
  await page.getByRole('menuitem', { name: 'Download', exact: true }).click();
  const file = await downloading;
  assert.equal(file.suggestedFilename(), 'notes.txt');
  const got = await readFile((await file.path()) as string, 'utf8');
  assert.equal(got, 'summer notes');

  // Carol shares a folder of hers with Bob, who can edit it, from the folder's Share action
  // (test/web/sharing.test.ts covers the dialog; this file keeps its own network, so it clicks
  // the action as itemAction does).
  const carol = await CofferClient.login({
    hubUrl: net.hubUrl,
    email: 'carol@example.com',
    password: PASSWORD,
  });
  await carol.mkdir('/plans');
  await views.getByRole('button', { name: 'Files', exact: true }).click();
  await page.getByRole('button', { name: 'Actions for plans', exact: true }).click();
  await page.getByRole('menuitem', { name: 'Share', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Share “plans”' });
  await dialog.getByLabel('Access for people you add').selectOption('write');
  await dialog.getByLabel('Their email').fill('bob@example.com');
  await dialog.getByRole('button', { name: 'Add', exact: true }).click();
  await dialog.getByText('bob@example.com now has access (can edit).').waitFor();
  await dialog.getByRole('button', { name: 'Done' }).click();
  await views.getByRole('button', { name: 'Shared' }).click();
  const form = page.getByRole('region', { name: 'Folders you share' });
  await form.getByText('bob@example.com (can edit)', { exact: true }).waitFor();
  const [plans] = (await bob.shares.incoming()).filter((x) => x.folder.meta.name === 'plans');
  assert.equal(plans?.role, 'write');

  // Bob shares a folder Carol may write to: she uploads into it from the Shared view.
  await bob.mkdir('/inbox');
  await bob.shares.share('/inbox', 'carol@example.com', 'write');
  await views.getByRole('button', { name: 'Files', exact: true }).click();
  await views.getByRole('button', { name: 'Shared' }).click();
  await mine.getByRole('button', { name: 'inbox' }).click();
  await page.getByText('This shared folder is empty.').waitFor();
  await page.getByLabel('Upload files').setInputFiles({
    name: 'report.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('report from carol'),
  });
  await page.getByRole('button', { name: 'Actions for report.txt', exact: true }).waitFor();
  const report = await bob.resolve('/inbox/report.txt');
  assert.equal(report.info.authorId, carol.keys.accountId);
  await page.getByRole('button', { name: /Shared with me/ }).click();
  assert.deepEqual(await unnamedControls(page), [], 'every control has an accessible name');
  await page.screenshot({ path: join(SHOTS, 'shared-by-me-desktop.png') });
  assert.deepEqual(errors, []);
  await context.close();
});

test('public links: a visitor with no account opens a folder link, types its password, browses, previews and downloads; a revoked link says so', async () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  await bob.upload('/trip/itinerary.txt', enc('day 1: Lisbon\nday 2: Porto'), { parents: true });
  await bob.upload('/trip/tickets/train.txt', enc('seat 42'), { parents: true });
  const folderLink = await bob.links.create('/trip', {
    password: 'pastel de nata',
    maxDownloads: 10,
  });
  const fileLink = await bob.links.create('/trip/tickets/train.txt');

  // A fresh browser: no account, no session.
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  const requests: URL[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(new URL(r.url())));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(folderLink.url);
  const form = page.getByRole('form', { name: 'This link is protected by a password' });
  await form.getByLabel('Password').fill('not it');
  await form.getByRole('button', { name: 'Open' }).click();
  await page
    .getByRole('alert')
    .getByText(/wrong password/)
    .waitFor();
  await page.screenshot({ path: join(SHOTS, 'link-password.png') });
  await form.getByLabel('Password').fill('pastel de nata');
  await form.getByRole('button', { name: 'Open' }).click();
  const folder = page.getByRole('region', { name: 'trip' });
  await folder.getByText('10 downloads left').waitFor();
  await folder.getByRole('button', { name: 'Preview itinerary.txt' }).click();
  await page
    .getByRole('region', { name: 'Preview: itinerary.txt' })
    .getByText(/day 2: Porto/)
    .waitFor();
  assert.deepEqual(await unnamedControls(page), [], 'every control has an accessible name');
  await page.screenshot({ path: join(SHOTS, 'link-folder.png') });
  await folder.getByRole('button', { name: 'tickets' }).click();
  const downloading = page.waitForEvent('download');
  await folder.getByRole('button', { name: 'Download train.txt' }).click();
  const file = await downloading;
  assert.equal(file.suggestedFilename(), 'train.txt');
  assert.equal(await readFile((await file.path()) as string, 'utf8'), 'seat 42');
  // The secret after # never reached the hub, nor anything else.
  const secret = folderLink.url.split('#')[1] as string;
  assert.ok(requests.every((u) => !u.href.includes(secret)));
  assert.deepEqual(foreignRequests(net, requests), [], 'the page talks only to the hub and hosts');

  // A file link; then Bob revokes it and the page says so.
  await page.goto(fileLink.url);
  await page
    .getByRole('region', { name: 'train.txt' })
    .getByRole('button', { name: 'Download' })
    .waitFor();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(SHOTS, 'link-file-phone.png') });
  await bob.links.revoke(fileLink.id);
  await page.reload();
  await page
    .getByRole('alert')
    .getByText(/cannot be opened: The owner revoked this link/)
    .waitFor();
  // The preview of itinerary.txt used up no download; train.txt's download one.
  const uses = (await bob.links.list()).find((l) => l.id === folderLink.id);
  assert.equal(uses?.downloads, 1);
  assert.deepEqual(errors, []);
  await context.close();
});

test('file requests: the owner makes one in the web app; a visitor with no account sends files and sees nothing else; they arrive when the owner opens the app', async () => {
  const owner = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await owner.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await signUpInPage(page, net.hubUrl, 'dora@example.com', PASSWORD);
  const dora = await CofferClient.login({
    hubUrl: net.hubUrl,
    email: 'dora@example.com',
    password: PASSWORD,
  });
  await dora.mkdir('/Inbox');

  await page
    .getByRole('navigation', { name: 'Views' })
    .getByRole('button', { name: 'Shared' })
    .click();
  const panel = page.getByRole('region', { name: 'File requests' });
  const form = panel.getByRole('form', { name: 'New file request' });
  await form.getByLabel('Folder, e.g. /Inbox').fill('/Nope');
  await form.getByRole('button', { name: 'New file request' }).click();
  await page.getByRole('alert').getByText(/Nope/).waitFor();
  await form.getByLabel('Folder, e.g. /Inbox').fill('/Inbox');
  await form.getByLabel('What you ask for (shown to senders)').fill('Scans of your passport');
  await form.getByRole('button', { name: 'New file request' }).click();
  const url = await panel.getByRole('status').getByLabel('Link').inputValue();
  assert.match(url, /\/r\/[0-9a-f]{32}#[A-Za-z0-9_-]{43}$/);
  await panel.getByText('/Inbox · open · 0 received').waitFor();
  assert.deepEqual(await unnamedControls(page), [], 'every control has an accessible name');
  await page.screenshot({ path: join(SHOTS, 'requests-owner.png') });

  // A fresh browser: no account, no session.
  const visitor = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const vpage = await visitor.newPage();
  const requests: URL[] = [];
  vpage.on('request', (r) => requests.push(new URL(r.url())));
  vpage.on('pageerror', (e) => errors.push(e.message));
  await vpage.goto(url);
  await vpage.getByRole('heading', { name: 'dora@example.com asks you for files' }).waitFor();
  await vpage.getByText('Scans of your passport').waitFor();
  await vpage.getByLabel('Choose files').setInputFiles([
    { name: 'passport.txt', mimeType: 'text/plain', buffer: Buffer.from('P<UTOERIKSSON') },
    { name: 'visa.txt', mimeType: 'text/plain', buffer: Buffer.from('valid until 2030') },
  ]);
  const sent = vpage.getByRole('region', { name: 'Your files' });
  await sent.getByText('2 files sent. Only dora@example.com can open them.').waitFor();
  assert.deepEqual(await unnamedControls(vpage), [], 'every control has an accessible name');
  await vpage.screenshot({ path: join(SHOTS, 'request-visitor.png') });
  await vpage.setViewportSize({ width: 390, height: 844 });
  await vpage.screenshot({ path: join(SHOTS, 'request-phone.png') });
  // The key after # never reached the hub, and the page asked for nothing but sending.
  const key = url.split('#')[1] as string;
  assert.ok(requests.every((u) => !u.href.includes(key)));
  assert.deepEqual(foreignRequests(net, requests), [], 'the page talks only to the hub and hosts');
  const hubPaths = requests.filter(
    (u) => u.origin === new URL(net.hubUrl).origin && u.pathname.startsWith('/api/'),
  );
  assert.ok(
    hubPaths.every((u) => u.pathname.startsWith('/api/r/')),
    hubPaths.map((u) => u.pathname).join(),
  );

  // The owner opens the app again (a reload keeps the view it was on): the files come in,
  // decrypted and in the folder.
  await page.reload();
  await page.getByRole('status').getByText('2 files arrived through your file requests.').waitFor();
  await page
    .getByRole('navigation', { name: 'Views' })
    .getByRole('button', { name: 'Files' })
    .click();
  await page.getByRole('button', { name: 'Inbox', exact: true }).click();
  await page.getByRole('button', { name: 'Preview passport.txt' }).waitFor();
  const { stream } = await dora.download('/Inbox/visa.txt');
  assert.equal(await new Response(stream).text(), 'valid until 2030');

  // Closed: the visitor's page says so.
  const [made] = await dora.requests.list();
  await dora.requests.revoke(made?.id as string);
  await vpage.reload();
  await vpage
    .getByRole('alert')
    .getByText(/cannot be used: closed by its owner/)
    .waitFor();
  assert.deepEqual(errors, []);
  await owner.close();
  await visitor.close();
});
