import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { CofferClient } from '@coffer/sdk';
import type { Page } from 'playwright-core';
import { unnamedControls } from '../../src/index.ts';
import {
  crumb,
  freshAccount,
  itemAction,
  itemMenuButton,
  net,
  newFolder,
  SHOTS,
} from './fixture.ts';

// Sharing a folder from the folder itself, in two browsers: Alice picks Bob from her contacts
// (after comparing safety numbers), as a viewer, then an editor, then takes him off; Bob sees the
// folder in Shared with me as a file view, with sizes, previews and a zip, and write controls
// only while he may write. A contact added by email shows as not verified.

const VIEWPORTS = [
  { tag: 'desktop', viewport: { width: 1280, height: 800 } },
  { tag: 'phone', viewport: { width: 390, height: 844 } },
];

/** Opens a view from the bar (on a phone, wherever the bar puts it). */
async function view(page: Page, name: string) {
  await page
    .getByRole('navigation', { name: 'Views' })
    .getByRole('button', { name, exact: true })
    .click();
}

/**
 * An item's action. On a phone the rows show no buttons: the user ticks the item and the
 * selection bar offers its actions.
 */
async function act(page: Page, _phone: boolean, name: string, action: string) {
  await itemAction(page, name, action);
}

for (const { tag, viewport } of VIEWPORTS) {
  test(`share from the item (${tag}): viewer, then editor, then removed; an unverified contact shows as such`, async () => {
    const phone = tag === 'phone';
    const aliceEmail = `alice-${tag}@example.com`;
    const bobEmail = `bob-${tag}@example.com`;
    const carolEmail = `carol-${tag}@example.com`;
    await CofferClient.signup({ hubUrl: net.hubUrl, email: carolEmail, password: 'carol pass 1' });
    const alice = await freshAccount(aliceEmail);
    const bob = await freshAccount(bobEmail);
    const a = alice.page;
    const b = bob.page;
    await a.setViewportSize(viewport);
    await b.setViewportSize(viewport);

    // Alice's folder, with a picture and a note.
    await newFolder(a, 'Project');
    await a.getByRole('button', { name: 'Project', exact: true }).click();
    const png = await a.screenshot({ clip: { x: 0, y: 0, width: 320, height: 200 } });
    await a.getByLabel('Upload files').setInputFiles([
      { name: 'cover.png', mimeType: 'image/png', buffer: png },
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('meeting notes\n') },
    ]);
    await a.getByRole('button', { name: 'Preview notes.txt' }).waitFor({ timeout: 60_000 });
    await a.getByRole('button', { name: 'Preview cover.png' }).locator('img').waitFor();
    await crumb(a, 'Files').click();

    // Bob is a contact of Alice's already; he shows in the dialog's list, not verified.
    await view(a, 'Contacts');
    await a.getByLabel('Their email').fill(bobEmail);
    await a.getByRole('button', { name: 'Add contact' }).click();
    await a.getByRole('region', { name: `Safety number ${bobEmail}` }).waitFor();
    await view(a, 'Files');

    await act(a, phone, 'Project', 'Share');
    const dialog = a.getByRole('dialog', { name: 'Share “Project”' });
    await dialog.getByText('Only you can see this folder.').waitFor();
    const contacts = dialog.getByRole('list', { name: 'Your contacts' });
    const bobContact = contacts.getByRole('listitem').filter({ hasText: bobEmail });
    await bobContact.getByText('Not verified', { exact: true }).waitFor();
    // The safety number Alice compares is the one Bob's own account computes.
    await bobContact
      .getByRole('button', { name: `Compare safety numbers with ${bobEmail}` })
      .click();
    const safety = bobContact.getByRole('region', { name: `Safety number ${bobEmail}` });
    const shown = (await safety.locator('.safety-digits code').allTextContents()).join(' ');
    const bobClient = await CofferClient.login({
      hubUrl: net.hubUrl,
      email: bobEmail,
      password: 'a long web password',
    });
    assert.equal(shown, (await bobClient.contacts.add(aliceEmail)).safetyNumber);
    await safety.getByRole('button', { name: /mark as verified/ }).click();
    await bobContact.getByText('Verified', { exact: true }).waitFor();
    await bobContact.getByRole('button', { name: `Add ${bobEmail}` }).click();
    await dialog.getByRole('status').getByText(`${bobEmail} now has access (can view).`).waitFor();
    const members = dialog.getByRole('list', { name: 'People with access' });
    const bobMember = members.getByRole('listitem').filter({ hasText: bobEmail });
    await bobMember.getByText('Verified', { exact: true }).waitFor();
    assert.equal(await bobMember.getByLabel(`Access for ${bobEmail}`).inputValue(), 'read');

    // Carol, added by email, is pinned on first use: shown as not verified until compared.
    await dialog.getByLabel('Their email').fill(carolEmail);
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    const carolMember = members.getByRole('listitem').filter({ hasText: carolEmail });
    await carolMember.getByText('Not verified', { exact: true }).waitFor();
    await carolMember
      .getByRole('button', { name: `Compare safety numbers with ${carolEmail}` })
      .waitFor();
    assert.deepEqual(await unnamedControls(a), [], 'every control has an accessible name');
    await a.screenshot({ path: join(SHOTS, `share-dialog-${tag}.png`) });
    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'detached' });

    // Bob, a viewer: sizes, thumbnails, a preview and a zip; nothing that changes the folder.
    await view(b, 'Shared');
    await b
      .getByRole('region', { name: 'Shared with me' })
      .getByRole('button', { name: 'Project' })
      .click();
    const notes = b.getByRole('row', { name: 'notes.txt' });
    await notes.getByRole('cell', { name: '14 B' }).waitFor();
    await b.getByRole('button', { name: 'Preview cover.png' }).locator('img').waitFor();
    await b.getByText(`Shared by ${aliceEmail} · can view`).waitFor();
    for (const name of [
      'Upload files',
      'New folder',
      'Rename notes.txt',
      'Move to trash notes.txt',
    ])
      assert.equal(await b.getByRole('button', { name, exact: true }).count(), 0, name);
    assert.equal(await b.getByLabel('Upload files').count(), 0);
    await itemMenuButton(b, 'notes.txt').click();
    assert.deepEqual(
      (await b.getByRole('menu').getByRole('menuitem').allTextContents()).map((x) => x.trim()),
      ['Preview', 'Download'],
      'a viewer’s menu has nothing that changes the folder',
    );
    await b.keyboard.press('Escape');
    await b.getByRole('button', { name: 'Preview notes.txt' }).click();
    const preview = b.getByRole('dialog', { name: 'Preview: notes.txt' });
    await preview.getByText('meeting notes').waitFor();
    await preview.getByRole('button', { name: 'Close' }).click();
    const zipping = b.waitForEvent('download');
    await b.getByRole('button', { name: 'Download as zip' }).click();
    const zip = await zipping;
    assert.equal(zip.suggestedFilename(), 'Project.zip');
    const bytes = await readFile((await zip.path()) as string);
    assert.equal(bytes.subarray(0, 2).toString(), 'PK');
    assert.ok(bytes.includes('meeting notes'), 'the zip holds the note (stored, not deflated)');
    assert.deepEqual(await unnamedControls(b), [], 'every control has an accessible name');
    await b.screenshot({ path: join(SHOTS, `shared-view-${tag}.png`) });

    // Alice makes Bob an editor: his view gains the write controls, and they work.
    await act(a, phone, 'Project', 'Share');
    await bobMember.getByLabel(`Access for ${bobEmail}`).selectOption('write');
    await dialog.getByRole('status').getByText(`Access for ${bobEmail}: can edit.`).waitFor();
    await dialog.getByRole('button', { name: 'Done' }).click();
    await view(b, 'Files');
    await view(b, 'Shared');
    await b
      .getByRole('region', { name: 'Shared with me' })
      .getByRole('button', { name: 'Project' })
      .click();
    await b.getByText(`Shared by ${aliceEmail} · can edit`).waitFor();
    await b.getByRole('button', { name: 'New folder' }).click();
    await b.getByLabel('Folder name').fill('from Bob');
    await b.getByRole('button', { name: 'Create' }).click();
    await b.getByRole('button', { name: 'from Bob', exact: true }).waitFor();
    await act(b, phone, 'notes.txt', 'Rename');
    await b.getByLabel('New name').fill('minutes.txt');
    await b.getByRole('button', { name: 'Save' }).click();
    await b.getByRole('button', { name: 'Preview minutes.txt' }).waitFor();
    await b.getByRole('button', { name: 'from Bob', exact: true }).click();
    await crumb(b, 'from Bob').waitFor();
    await crumb(b, 'Project').click();
    await b.getByRole('button', { name: 'Preview minutes.txt' }).waitFor();
    // Alice sees what Bob did, signed with his keys.
    await a.getByRole('button', { name: 'Project', exact: true }).click();
    await a.getByRole('button', { name: 'Preview minutes.txt' }).waitFor();
    await a.getByRole('button', { name: 'from Bob', exact: true }).waitFor();
    await crumb(a, 'Files').click();

    // Alice takes Bob off: the folder leaves his Shared with me.
    await act(a, phone, 'Project', 'Share');
    await bobMember.getByRole('button', { name: `Remove ${bobEmail}` }).click();
    await dialog
      .getByRole('status')
      .getByText(`${bobEmail} no longer has access.`, { exact: false })
      .waitFor({ timeout: 60_000 });
    await members.getByRole('listitem').filter({ hasText: carolEmail }).waitFor();
    assert.equal(await members.getByRole('listitem').filter({ hasText: bobEmail }).count(), 0);
    // Escape closes the dialog: the focus stayed inside it when Bob's row went.
    await a.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await view(b, 'Files');
    await view(b, 'Shared');
    await b.getByText('No folder is shared with you yet.').waitFor();
    assert.equal((await bobClient.shares.incoming()).length, 0);

    assert.deepEqual(alice.errors, []);
    assert.deepEqual(bob.errors, []);
    await alice.context.close();
    await bob.context.close();
  });
}
