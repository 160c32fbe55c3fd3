import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CofferClient } from '@coffer/sdk';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { noiseBytes } from '../src/files.ts';
import {
  launchChromium,
  type Network,
  screenshotDir,
  signedUpPeople,
  signUpInPage,
  startNetwork,
  unnamedControls,
  until,
} from '../src/index.ts';

// The Feed page and copies from the Catalog in the web app (issue 15), in headless Chromium,
// with a real hub and hosts. Alice publishes through the CLI into a group Bob is in; Bob, in the
// browser, sees the unread badge, rates an entry (and Alice sees it), keeps one (it lands in
// his Files under /Groups/<group>), discards one, marks the rest seen, and copies another from
// the Catalog with a progress bar that reaches its end.

const SHOTS = screenshotDir();
const BOB = 'bob@example.com';
const PASSWORD = 'a long feed password';
const CLUB = 'Film club';
const FILM = 'Le Samouraï (1967).mkv';
/** What Alice publishes, oldest first: name, size and tags. */
const SHELF = [
  [FILM, 6 * 1024 * 1024, ['noir', 'melville']],
  ['Alphaville.mp4', 40_000, ['godard']],
  ['Poster.png', 30_000, []],
  ['Reading list.txt', 2_000, []],
] as const;
const NAMES = SHELF.map(([name]) => name);

let net: Network;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let people: Awaited<ReturnType<typeof signedUpPeople>>;
const errors: string[] = [];

before(async () => {
  net = await startNetwork({ hosts: 2 });
  browser = await launchChromium();
  people = await signedUpPeople(net, ['alice']);
  // Alice's files live on her own server, so a copy to Bob's side moves every byte host to host.
  const server = await net.addHost('NL', ['--personal']);
  await people.run('alice', ['host', 'claim', '--data', server.dir]);
  context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  await signUpInPage(page, net.hubUrl, BOB, PASSWORD);
});

after(async () => {
  await context?.close();
  await browser?.close();
  await net?.close();
});

const views = () => page.getByRole('navigation', { name: 'Views' });
const go = (view: string) => views().getByRole('button', { name: view, exact: true }).click();
const entry = (name: string) => page.getByRole('article', { name, exact: true });
const feedNames = () => page.locator('.entry-name > span[id]').allTextContents();
/** Nothing is wider than the window (a phone scrolls only down). */
const overflow = () =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

interface Listed {
  name: string;
  rating?: { average: number | null; count: number; mine: number | null };
}

test('the feed: the bar shows how many are new; newest first, marked new, with an empty state before', async () => {
  await people.run('alice', ['group', 'create', CLUB, '--invite', BOB]);
  await go('Groups');
  await page.getByRole('button', { name: `Accept: ${CLUB}` }).click();
  await page.getByText('Your role: member').waitFor();
  await go('Feed');
  await page.getByText('Nothing in your feed yet').waitFor();
  await page.getByText('Nothing new since you last looked.').waitFor();

  const dir = join(net.dir, 'alice-files');
  await mkdir(dir, { recursive: true });
  for (const [i, [name, size]] of SHELF.entries())
    await writeFile(join(dir, name), noiseBytes(size, i + 1));
  await people.run('alice', ['put', dir, '/Club']);
  for (const [name, , tags] of SHELF)
    await people.run('alice', [
      'publish',
      `/Club/${name}`,
      CLUB,
      ...tags.flatMap((t) => ['--tag', t]),
    ]);

  // The badge comes on its own (the app asks every so often), and says what it counts.
  const feedButton = views().getByRole('button', { name: 'Feed', exact: true });
  await views().locator('.badge').getByText('4', { exact: true }).waitFor({ timeout: 120_000 });
  assert.equal(
    await feedButton.evaluate(
      (b) => document.getElementById(b.getAttribute('aria-describedby') ?? '')?.textContent,
    ),
    '4 new',
  );
  await go('Feed');
  await page.getByRole('status').getByText('4 new').waitFor();
  await entry(FILM).waitFor();
  assert.deepEqual(await feedNames(), [...NAMES].reverse(), 'newest first');
  assert.equal(await page.locator('.entry.unread').count(), 4);
  for (const name of NAMES) await entry(name).getByText('New', { exact: true }).waitFor();
  assert.deepEqual(await unnamedControls(page), [], 'every control has an accessible name');
  await page.screenshot({ path: join(SHOTS, 'feed-desktop.png') });
  // The dark theme while every entry is still new.
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: join(SHOTS, 'feed-dark.png') });
  await page.emulateMedia({ colorScheme: 'light' });
});

test('Bob rates with the keyboard and Alice sees 4.0 from 1 rating', async () => {
  const card = entry('Alphaville.mp4');
  const stars = card.getByRole('group', { name: 'Your rating of Alphaville.mp4' });
  await stars.getByRole('button', { name: '1 star', exact: true }).focus();
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  assert.equal(
    await page.evaluate(() => document.activeElement?.getAttribute('aria-label')),
    '4 stars',
  );
  await page.keyboard.press('Enter');
  await card.getByText('4.0 from 1 rating').waitFor();
  assert.equal(
    await stars.getByRole('button', { name: '4 stars' }).getAttribute('aria-pressed'),
    'true',
  );
  const seen = await until('Alice to see Bob’s rating', async () => {
    const { value } = await people.run<{ entries: Listed[] }>('alice', ['catalog', CLUB]);
    const r = value.entries.find((e) => e.name === 'Alphaville.mp4')?.rating;
    return r?.count ? r : null;
  });
  assert.deepEqual(seen, { average: 4, count: 1, mine: null });
});

test('keep copies the file into Files under /Groups/<group>; discard takes an entry out of the feed', async () => {
  const poster = entry('Poster.png');
  await poster.getByRole('button', { name: 'Keep Poster.png (copy it to my server)' }).click();
  await poster
    .getByRole('status')
    .getByText(`Kept, copied to /Groups/${CLUB}/Poster.png.`)
    .waitFor({ timeout: 120_000 });
  await poster.getByText('Kept', { exact: false }).first().waitFor();

  await entry('Reading list.txt').getByRole('button', { name: 'Discard Reading list.txt' }).click();
  await page
    .getByRole('status')
    .getByText('Reading list.txt is discarded: it no longer shows in your feed.')
    .waitFor();
  await entry('Reading list.txt').waitFor({ state: 'detached' });

  await page.getByRole('button', { name: 'Mark all seen' }).click();
  await page.getByText('Nothing new since you last looked.').waitFor();
  assert.equal(await page.locator('.entry.unread').count(), 0);
  await views().locator('.badge').waitFor({ state: 'detached' });
  // A reload keeps all of it: the marks are the account's, not the page's.
  await go('Feed');
  await entry('Poster.png').getByText('✓ Kept').waitFor();
  assert.deepEqual(await feedNames(), ['Poster.png', 'Alphaville.mp4', FILM]);
  await entry('Alphaville.mp4').getByText('4.0 from 1 rating').waitFor();
});

test('the catalog copies an entry to my server with a progress bar that reaches its end', async () => {
  await go('Catalog');
  const film = entry(FILM);
  await film.getByText('Not rated yet').waitFor();
  // Every value the bar takes, as it takes it.
  await page.evaluate(() => {
    const w = window as unknown as { bars: string[][] };
    w.bars = [];
    new MutationObserver(() => {
      for (const b of document.querySelectorAll('[role=progressbar]'))
        w.bars.push(['aria-valuenow', 'aria-valuemax'].map((a) => b.getAttribute(a) ?? ''));
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
  });
  await film.getByRole('button', { name: `Copy ${FILM} to my server` }).click();
  await film
    .getByRole('status')
    .getByText(`Copied to /Groups/${CLUB}/${FILM}.`)
    .waitFor({ timeout: 180_000 });
  const bar = film.getByRole('progressbar', { name: `Copying ${FILM}` });
  const [now, max] = await Promise.all([
    bar.getAttribute('aria-valuenow'),
    bar.getAttribute('aria-valuemax'),
  ]);
  assert.ok(Number(max) >= 6 * 1024 * 1024, `the bar counts the file's bytes (max ${max})`);
  assert.equal(now, max, 'the bar ends full');
  const bars = await page.evaluate(() => (window as unknown as { bars: string[][] }).bars);
  assert.ok(bars.length > 0, 'the bar showed while copying');
  assert.deepEqual(await unnamedControls(page), [], 'every control has an accessible name');
  await page.screenshot({ path: join(SHOTS, 'catalog-copy-desktop.png') });

  await go('Files');
  await page.getByRole('main').getByRole('button', { name: 'Groups', exact: true }).click();
  await page.getByRole('button', { name: CLUB, exact: true }).click();
  for (const name of ['Poster.png', FILM]) await page.getByText(name, { exact: true }).waitFor();
});

test('phone: the feed and the catalog fit a phone', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await go('Feed');
  await entry(FILM).waitFor();
  assert.equal(await overflow(), 0, 'the feed fits a phone');
  await page.screenshot({ path: join(SHOTS, 'feed-phone.png'), fullPage: true });
  // The catalog too, with its copy and rating controls under each entry.
  await go('Catalog');
  await entry(FILM).waitFor();
  assert.equal(await overflow(), 0, 'the catalog fits a phone');
  await page.setViewportSize({ width: 1280, height: 860 });
  assert.deepEqual(errors, []);
});

test('an entry whose file has a thumbnail shows it in the catalog', async () => {
  // A 1×1 WebP, as the web app makes for images it uploads.
  const webp = Buffer.from('UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==', 'base64');
  const alice = await CofferClient.login({
    hubUrl: net.hubUrl,
    email: 'alice@example.com',
    password: 'pw',
  });
  await alice.upload('/Club/Still.png', noiseBytes(5_000, 9), { thumbnail: webp });
  await alice.shelves.publish('/Club/Still.png', CLUB);
  await go('Feed');
  await go('Catalog');
  const still = entry('Still.png');
  await still.waitFor({ timeout: 60_000 });
  const src = await still.locator('img.entry-thumb').getAttribute('src');
  assert.equal(src, `data:image/webp;base64,${webp.toString('base64')}`);
  assert.equal(await entry(FILM).locator('img.entry-thumb').count(), 0, 'no thumbnail: the icon');
});
