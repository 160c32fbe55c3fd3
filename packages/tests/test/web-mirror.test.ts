import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  cli,
  launchChromium,
  type Network,
  screenshotDir,
  signedUpPeople,
  signUpInPage,
  startNetwork,
  unnamedControls,
  until,
} from '../src/index.ts';

// Auto-mirror in the web app (issue 15; [Note: Auto-mirror in the client]), in headless
// Chromium. Bob uses the browser and the CLI: without a personal server the switch stays off
// and the hub's message says how to set one up; once he claimed one, a bad budget is named at
// its field, and a good one with Alice's shelf turns mirroring on from the keyboard. Alice
// publishes from the CLI, and the file lands on Bob's server with no action from him; turning
// the switch off asks first, then unsubscribes.

const SHOTS = screenshotDir();
const BOB = 'bob@example.com';
const PASSWORD = 'a long mirror password';
const CLUB = 'Film club';
const SWITCH = 'Mirror new files to my server';

type Subscriptions = {
  subscriptions: {
    group: string;
    memberEmail: string | null;
    budget: number;
    mirrors: { state: string }[];
  }[];
};

let net: Network;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let people: Awaited<ReturnType<typeof signedUpPeople>>;
const errors: string[] = [];
const bobEnv = () => ({
  ...net.env,
  COFFER_PASSWORD: PASSWORD,
  COFFER_CONFIG_DIR: join(net.dir, 'bob-config'),
});
const bob = async <T>(args: string[]) => {
  const r = await cli([...args, '--json'], bobEnv());
  assert.equal(r.code, 0, `bob: ${args.join(' ')}: ${r.stderr}`);
  return r.json<T>();
};

before(async () => {
  net = await startNetwork({
    hosts: 2,
    hubConfig: {
      vetting: { audits: 0, share: 1 },
      heartbeatMs: 200,
      copies: { intervalMs: 200, nudgeMs: 1_000 },
      mirrors: { intervalMs: 200 },
    },
  });
  browser = await launchChromium();
  people = await signedUpPeople(net, ['alice', 'carol']);
  context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  await signUpInPage(page, net.hubUrl, BOB, PASSWORD);
  assert.equal((await cli(['login', BOB], bobEnv())).code, 0);
  await people.run('alice', [
    'group',
    'create',
    CLUB,
    '--invite',
    BOB,
    '--invite',
    'carol@example.com',
  ]);
  await people.run('carol', ['group', 'accept', CLUB]);
  await bob(['group', 'accept', CLUB]);
});

after(async () => {
  await context?.close();
  await browser?.close();
  await net?.close();
});

const views = () => page.getByRole('navigation', { name: 'Views' });
const toggle = () => page.getByRole('switch', { name: SWITCH });
const checked = async () => (await toggle().getAttribute('aria-checked')) === 'true';
const overflow = () =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

test('without a personal server the switch stays off, and the page says how to set one up', async () => {
  await views().getByRole('button', { name: 'Groups', exact: true }).click();
  await page.getByRole('button', { name: CLUB }).click();
  await page.getByRole('heading', { name: CLUB }).waitFor();
  await until('the switch to be ready', () => toggle().isEnabled());
  assert.equal(await checked(), false);
  await toggle().click();
  await page
    .getByRole('alert')
    .getByText(/you have none yet\. Start one with “coffer host --personal”/)
    .waitFor();
  assert.equal(await checked(), false);
  assert.deepEqual((await bob<Subscriptions>(['subscriptions'])).subscriptions, []);
});

test('a bad budget is named at its field; a good one mirrors Alice’s new files to my server, and off asks first', async () => {
  const server = await net.addHost('BE', ['--personal']);
  await bob(['host', 'claim', '--data', server.dir]);

  const budget = page.getByLabel('Budget', { exact: true });
  await budget.fill('lots');
  await toggle().click();
  await page.getByText('Write a size such as 200 GiB, 500 MB or 2 TB.').waitFor();
  assert.equal(await budget.getAttribute('aria-invalid'), 'true');
  assert.equal(await checked(), false);
  assert.equal(await page.getByRole('alert').count(), 0, 'the hub’s message is gone');

  await budget.fill('200 GiB');
  assert.equal(await budget.getAttribute('aria-invalid'), null, 'typing clears the error');
  await page.getByLabel('Whose files').selectOption({ label: 'alice@example.com' });
  // Carol is a choice, and I am not (one does not mirror oneself).
  assert.deepEqual(await page.getByLabel('Whose files').locator('option').allTextContents(), [
    'Everyone',
    'alice@example.com',
    'carol@example.com',
  ]);
  // The keyboard: Space on the focused switch.
  await toggle().focus();
  await page.keyboard.press('Space');
  await page
    .getByRole('status')
    .getByText(`New files in ${CLUB} are mirrored to your server.`)
    .waitFor();
  assert.equal(await checked(), true);
  await page.getByText('0 B of 200.0 GiB used').waitFor();
  assert.equal(await budget.inputValue(), '200 GiB', 'the budget reads as typed');
  assert.equal(await page.getByRole('button', { name: 'Save' }).count(), 0);
  const [mine] = (await bob<Subscriptions>(['subscriptions'])).subscriptions;
  assert.equal(mine?.group, CLUB);
  assert.equal(mine?.memberEmail, 'alice@example.com');
  assert.equal(mine?.budget, 200 * 2 ** 30);

  // Alice publishes; it lands on Bob's server with no action from him, and the page says so.
  const local = join(net.dir, 'Le Samouraï (1967).mkv');
  await writeFile(local, Buffer.alloc(300_000, 5));
  await people.run('alice', ['put', local, '/Club/Le Samouraï (1967).mkv']);
  await people.run('alice', ['publish', '/Club/Le Samouraï (1967).mkv', CLUB]);
  await until(
    'the file to be mirrored to bob’s server',
    async () =>
      (await bob<Subscriptions>(['subscriptions'])).subscriptions[0]?.mirrors[0]?.state === 'ready',
    180_000,
    500,
  );
  await page.getByText('1 item mirrored').waitFor({ timeout: 60_000 });
  assert.deepEqual(await unnamedControls(page), [], 'every control has an accessible name');
  await page.screenshot({ path: join(SHOTS, 'group-mirror-desktop.png'), fullPage: true });

  // A phone, and the dark.
  await page.setViewportSize({ width: 390, height: 844 });
  await toggle().scrollIntoViewIfNeeded();
  assert.equal(await overflow(), 0, 'the group fits a phone');
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: join(SHOTS, 'group-mirror-phone.png'), fullPage: true });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1280, height: 860 });

  // A new budget, saved with Enter.
  await budget.fill('1 TiB');
  await page.getByRole('button', { name: 'Save' }).waitFor();
  await budget.press('Enter');
  await page.getByRole('status').getByText(`Mirroring of ${CLUB} is updated.`).waitFor();
  await page.getByText('of 1.0 TiB used').waitFor();
  assert.equal((await bob<Subscriptions>(['subscriptions'])).subscriptions[0]?.budget, 2 ** 40);

  // Off asks first: Escape keeps it on; "Stop mirroring" unsubscribes.
  await toggle().click();
  const confirm = page.getByRole('dialog', { name: `Stop mirroring ${CLUB}?` });
  await confirm
    .getByText('Mirrored items you did not keep are removed from your server.')
    .waitFor();
  await page.keyboard.press('Escape');
  await confirm.waitFor({ state: 'detached' });
  assert.equal(await checked(), true);
  await toggle().click();
  await confirm.getByRole('button', { name: 'Stop mirroring', exact: true }).click();
  await page
    .getByRole('status')
    .getByText(`New files in ${CLUB} are no longer mirrored.`)
    .waitFor();
  assert.equal(await checked(), false);
  assert.equal(await page.getByText('1 item mirrored').count(), 0);
  assert.deepEqual((await bob<Subscriptions>(['subscriptions'])).subscriptions, []);
  assert.deepEqual(errors, []);
});
