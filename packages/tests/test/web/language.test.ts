import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { freshAccount, SHOTS } from './fixture.ts';

// The French interface says its dates, sizes, counts and errors in French: "3 déc. 2026",
// "48 o", "2,0 Mio", "1 fichier" / "2 fichiers", and the worker's errors in French words.

const VIEWPORTS = [
  ['desktop', { width: 1280, height: 800 }],
  ['phone', { width: 390, height: 844 }],
] as const;

const MiB = 2 ** 20;

for (const [name, viewport] of VIEWPORTS) {
  test(`${name}: in French, dates, sizes, plurals and errors are French`, async () => {
    const { context, page, errors } = await freshAccount(`langue-${name}@example.com`, viewport);
    await page.evaluate(() => localStorage.setItem('coffer.lang', 'fr'));
    await page.reload();
    await page.getByText('Ce dossier est vide', { exact: false }).waitFor({ timeout: 60_000 });

    const upload = page.getByLabel('Envoyer des fichiers');
    await upload.setInputFiles({
      name: 'note.txt',
      mimeType: 'text/plain',
      buffer: Buffer.alloc(48, 'a'),
    });
    await page.getByText('✓ 1 fichier envoyé (48 o)').waitFor({ timeout: 60_000 });
    await page
      .getByRole('button', { name: 'Fermer le message' })
      .click()
      .catch(() => {});
    await upload.setInputFiles([
      { name: 'un.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(MiB, 1) },
      { name: 'deux.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(MiB, 2) },
    ]);
    await page.getByText('✓ 2 fichiers envoyés (2,0 Mio)').waitFor({ timeout: 120_000 });

    // The list: the file's date as French says it, and its size in octets.
    if (name === 'desktop') {
      const row = page.getByRole('row').filter({ hasText: 'note.txt' });
      // The file's date (uploaded just now) as Node's Intl says it in French: "4 déc. 2026".
      const today = new Intl.DateTimeFormat('fr', { dateStyle: 'medium' }).format(new Date());
      await row.getByText(today, { exact: false }).waitFor();
      await row.getByText('48 o', { exact: true }).waitFor();
      await page
        .getByRole('row')
        .filter({ hasText: 'un.bin' })
        .getByText('1,0 Mio', { exact: true })
        .waitFor();
      assert.match(today, /déc\.|janv\.|févr\.|mars|avr\.|mai|juin|juil\.|août|sept\.|oct\.|nov\./);
    } else {
      await page.getByText('48 o', { exact: true }).waitFor();
      await page.getByText('1,0 Mio', { exact: true }).first().waitFor();
    }
    await page.screenshot({ path: join(SHOTS, `french-files-${name}.png`) });

    // An error from the worker, said in French: no account uses that email.
    await page
      .getByRole('navigation', { name: /Vues/ })
      .getByRole('button', { name: 'Contacts' })
      .click();
    await page.getByLabel('Son e-mail').fill('personne@example.com');
    await page.getByRole('button', { name: 'Ajouter', exact: true }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'personne@example.com' });
    await alert.waitFor({ timeout: 30_000 });
    assert.match((await alert.textContent()) ?? '', /Aucun compte n’utilise personne@example\.com/);
    assert.doesNotMatch((await alert.textContent()) ?? '', /no account|email:/);
    // French puts a space before a colon.
    await page.getByText(/^Votre empreinte\s:/).waitFor();
    await page.screenshot({ path: join(SHOTS, `french-error-${name}.png`) });

    // This browser's session is named in French, not "web browser".
    await page
      .getByRole('navigation', { name: /Vues/ })
      .getByRole('button', { name: 'Sessions' })
      .click();
    await page.getByRole('cell', { name: /^navigateur web \(cet appareil\)/ }).waitFor();
    assert.equal(await page.getByText('web browser').count(), 0);

    assert.deepEqual(errors, []);
    await context.close();
  });
}
