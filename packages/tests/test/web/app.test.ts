import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { foreignRequests } from '../../src/index.ts';
import { browser, net, SHOTS, watchRequests } from './fixture.ts';

// The operator view, the Content-Security-Policy, languages, and the phone layout.

test('the operator view shows the hosts, their countries and the stored bytes', async () => {
  const page = await browser.newPage();
  await page.goto(`${net.hubUrl}/#operator`);
  await page.getByLabel('Operator token').fill('not-the-token-at-all');
  await page.getByRole('button', { name: 'Show the network' }).click();
  await page.getByRole('alert').waitFor();
  await page.getByLabel('Operator token').fill(net.operatorToken);
  await page.getByRole('button', { name: 'Show the network' }).click();
  const hosts = page.getByRole('table', { name: 'Hosts' });
  await hosts.waitFor();
  assert.equal(await hosts.getByRole('row').count(), 1 + net.hosts.length);
  for (const country of ['FR', 'DE', 'ES']) {
    await hosts.getByRole('cell', { name: country, exact: true }).waitFor();
  }
  await page.getByText('3 countries: DE, ES, FR').waitFor();
  await page.screenshot({ path: join(SHOTS, 'operator-desktop.png') });
  await page.close();
});

test('the page is served with a strict Content-Security-Policy and no inline script', async () => {
  const res = await fetch(net.hubUrl);
  const csp = res.headers.get('content-security-policy') ?? '';
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'(;|$)/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  for (const h of net.hosts)
    assert.ok(csp.includes(new URL(h.url).origin), 'hosts are allowed to connect');
  const html = await res.text();
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline <script>');
  // The page's own script carries no crypto: every key operation is in the worker's bundle.
  const src = /<script[^>]*src="([^"]+)"/.exec(html)?.[1];
  assert.ok(src);
  const main = await (await fetch(new URL(src, net.hubUrl))).text();
  assert.doesNotMatch(main, /coffer\/v1\//, 'no crypto labels on the main thread');
});

test('the app installs to a home screen: a manifest with its icons, served by the hub', async () => {
  const page = await browser.newPage();
  await page.goto(net.hubUrl);
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  assert.equal(href, '/manifest.webmanifest');
  const res = await fetch(new URL(href, net.hubUrl));
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/manifest+json');
  const manifest = (await res.json()) as {
    name: string;
    display: string;
    start_url: string;
    icons: { src: string; sizes: string; type: string; purpose?: string }[];
  };
  assert.equal(manifest.name, 'Coffer');
  assert.equal(manifest.display, 'standalone');
  assert.equal(manifest.start_url, '/#/files');
  // Chromium installs an app with a 192 and a 512 px PNG icon; the icons are real PNGs.
  for (const size of ['192x192', '512x512']) {
    const icon = manifest.icons.find((i) => i.sizes === size && i.type === 'image/png');
    assert.ok(icon, `a ${size} PNG icon`);
    const png = Buffer.from(await (await fetch(new URL(icon.src, net.hubUrl))).arrayBuffer());
    assert.equal(png.subarray(1, 4).toString(), 'PNG');
    assert.equal(png.readUInt32BE(16), Number(size.split('x')[0]), 'the width it says');
  }
  // Nothing else is served at the top level under a name the app does not have.
  assert.equal((await fetch(new URL('/package.json', net.hubUrl))).status, 404);
  await page.close();
});

test('Spanish and Brazilian Portuguese are offered and remembered', async () => {
  const context = await browser.newContext({ locale: 'pt-BR' });
  const page = await context.newPage();
  await page.goto(net.hubUrl);
  await page.getByRole('button', { name: 'Criar conta' }).waitFor();
  await page.getByLabel('Idioma').selectOption('es');
  await page.getByRole('button', { name: 'Crear cuenta' }).waitFor();
  await page.reload();
  await page.getByRole('button', { name: 'Crear cuenta' }).waitFor();
  await context.close();
});

test('phone viewport, in French, by touch: sign up, upload, preview an image and a PDF, download, search, select, trash and restore', async () => {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    locale: 'fr-FR',
    isMobile: true,
    hasTouch: true,
  });
  const page = await context.newPage();
  const requests = watchRequests(page);
  await page.goto(net.hubUrl);
  await page.getByLabel('E-mail').fill('phone@example.com');
  await page.getByLabel('Mot de passe', { exact: true }).fill('un long mot de passe');
  await page.getByLabel('Confirmer le mot de passe').fill('un long mot de passe');
  await page.getByRole('button', { name: 'Créer un compte' }).tap();
  await page
    .getByRole('heading', { name: 'Votre clé de récupération' })
    .waitFor({ timeout: 60_000 });
  await page.screenshot({ path: join(SHOTS, 'recovery-phone-fr.png') });
  await page.getByRole('button', { name: /continuer/ }).tap();
  await page.getByText('Ce dossier est vide').waitFor();

  // The everyday flows by touch: upload, preview, download, search, select, trash, restore.
  const png = await page.screenshot({ clip: { x: 0, y: 0, width: 390, height: 300 } });
  await page.getByLabel('Envoyer des fichiers').setInputFiles([
    { name: 'plage.png', mimeType: 'image/png', buffer: png },
    { name: 'liste.txt', mimeType: 'text/plain', buffer: Buffer.from('pain, fromage') },
    { name: 'doc.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') },
  ]);
  await page.getByRole('button', { name: 'Aperçu plage.png' }).tap({ timeout: 60_000 });
  const dialog = page.getByRole('dialog', { name: 'Aperçu: plage.png' });
  await page.waitForFunction(
    () => (document.querySelector('.preview img') as HTMLImageElement | null)?.naturalWidth === 390,
  );
  await page.screenshot({ path: join(SHOTS, 'preview-phone-fr.png') });
  await dialog.getByRole('button', { name: 'Fermer' }).tap();
  // On a phone, a row's actions are in the selection bar: tick the row, then act.
  await page.getByLabel('Sélectionner liste.txt').tap({ timeout: 60_000 });
  const bar = page.getByRole('toolbar', { name: 'Sélection' });
  const download = page.waitForEvent('download');
  await bar.getByRole('button', { name: 'Télécharger' }).tap();
  assert.equal(await readFile(await (await download).path(), 'utf8'), 'pain, fromage');
  await bar.getByRole('button', { name: 'Renommer' }).tap();
  await page.getByLabel('Nouveau nom').fill('courses.txt');
  await page.getByLabel('Nouveau nom').press('Enter');
  await page.getByRole('button', { name: 'Aperçu courses.txt' }).waitFor();

  // A PDF is shown by the browser's own viewer, from the service worker, as a PDF and nothing else.
  await page.getByRole('button', { name: 'Aperçu doc.pdf' }).tap({ timeout: 60_000 });
  const frame = page.getByRole('dialog', { name: 'Aperçu: doc.pdf' }).locator('iframe.pdf');
  const pdf = await page.evaluate(
    async (src) => {
      const r = await fetch(src);
      return {
        type: r.headers.get('content-type'),
        nosniff: r.headers.get('x-content-type-options'),
        body: await r.text(),
      };
    },
    (await frame.getAttribute('src')) ?? '',
  );
  assert.deepEqual(pdf, { type: 'application/pdf', nosniff: 'nosniff', body: '%PDF-1.4\n%%EOF\n' });
  await page.getByRole('button', { name: 'Fermer', exact: true }).tap();

  // Search follows typing (no Enter), says where each hit lives, and opens its folder.
  await page.getByLabel('Rechercher dans tous les fichiers').fill('COURSES');
  const results = page.getByRole('list', { name: 'Résultats' });
  await results.getByRole('button', { name: 'dans Fichiers' }).waitFor();
  await results.getByRole('button', { name: 'courses.txt' }).tap();
  await page.getByLabel('Sélectionner courses.txt').tap();
  await page.getByLabel('Sélectionner plage.png').tap();
  await bar.getByText('2 sélectionnés').waitFor();
  await page.screenshot({ path: join(SHOTS, 'files-phone-fr.png') });
  await bar.getByRole('button', { name: 'Mettre à la corbeille' }).tap();
  await page.getByRole('button', { name: 'Aperçu courses.txt' }).waitFor({ state: 'detached' });
  await page.getByRole('button', { name: 'Corbeille', exact: true }).tap();
  await page.getByRole('button', { name: 'Restaurer courses.txt' }).tap();
  await page.getByRole('button', { name: 'Restaurer plage.png' }).tap();
  await page.getByText('La corbeille est vide.').waitFor();
  await page.screenshot({ path: join(SHOTS, 'trash-phone-fr.png') });
  await page.getByRole('button', { name: 'Fichiers', exact: true }).first().tap();
  await page.getByRole('button', { name: 'Aperçu plage.png' }).waitFor();
  assert.deepEqual(
    foreignRequests(net, requests),
    [],
    'the page talks only to the hub and its hosts',
  );
  await context.close();
});
