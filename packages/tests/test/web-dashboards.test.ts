import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { formatBytes } from '@coffer/sdk';
import type { Browser, Page } from 'playwright-core';
import { writeRandomFile } from '../src/files.ts';
import {
  cli,
  foreignRequests,
  launchChromium,
  type Network,
  screenshotDir,
  signUpInPage,
  startNetwork,
  unnamedControls,
  until,
} from '../src/index.ts';

// The hoster's Hosting view and the operator's network dashboard (world map, figures, charts
// over time, hosts), in headless Chromium against a real hub and hosts in five countries.

const SHOTS = screenshotDir();
const EMAIL = 'hoster@example.com';
const PASSWORD = 'a long hoster password';
const COUNTRIES = ['FR', 'DE', 'US', 'BR', 'JP'];
const NAMES: Record<string, string> = {
  FR: 'France',
  DE: 'Germany',
  US: 'United States',
  BR: 'Brazil',
  JP: 'Japan',
};
let browser: Browser;
let net: Network;
let env: Record<string, string>;

before(async () => {
  net = await startNetwork({
    hosts: COUNTRIES.length,
    countries: COUNTRIES,
    hubConfig: {
      // A sample every half second, so the charts have points within the test.
      history: { intervalMs: 500 },
      // Audits often enough that some hosts pass vetting while the test runs.
      audit: { intervalMs: 500, perHost: 1 },
      vetting: { audits: 3, share: 0.05 },
      // One copy per round: with two or more chunks to repair, some stay below target for
      // more than a history sample, so the chart sees them.
      repair: { intervalMs: 1500, lostAfterMs: 2500, batch: 1 },
    },
  });
  env = { ...net.env, COFFER_PASSWORD: PASSWORD, COFFER_ADMIN_TOKEN: net.operatorToken };
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await net?.close();
});

function watch(page: Page) {
  const requests: URL[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(new URL(r.url())));
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return { requests, errors };
}

/**
 * The operator dashboard, shown with the operator token: on a desktop in English, or on a
 * phone in French; with the requests the page makes and its errors.
 */
async function operatorView(on: 'desktop' | 'phone') {
  const phone = on === 'phone';
  const context = await browser.newContext(
    phone
      ? { viewport: { width: 390, height: 844 }, locale: 'fr-FR', isMobile: true, hasTouch: true }
      : { viewport: { width: 1280, height: 900 } },
  );
  const page = await context.newPage();
  const seen = watch(page);
  await page.goto(`${net.hubUrl}/#operator`);
  await page.getByLabel(phone ? "Jeton d'opérateur" : 'Operator token').fill(net.operatorToken);
  const show = page.getByRole('button', {
    name: phone ? 'Afficher le réseau' : 'Show the network',
  });
  await (phone ? show.tap() : show.click());
  return { context, page, ...seen };
}

async function admin<T>(path: string): Promise<T> {
  const res = await fetch(`${net.hubUrl}${path}`, {
    headers: { authorization: `Bearer ${net.operatorToken}` },
  });
  assert.equal(res.status, 200, path);
  return (await res.json()) as T;
}

interface HostFigures {
  id: string;
  url: string;
  country: string;
  state: string;
  capacity: number;
  usedBytes: number;
  chunks: number;
  audits: { passed: number; failed: number };
  vetted: boolean;
  uptime: number;
  bytesIn: number;
  bytesOut: number;
}
interface Stats {
  accounts: number;
  files: number;
  chunks: number;
  storedBytes: number;
  capacity: number;
  hosts: number;
  hostsOnline: number;
  disk: { freeBytes: number; sizeBytes: number; reporting: number; overcommitted: number };
}
interface HistoryPoint {
  at: number;
  underReplicated: number;
  repairQueue: number;
}

async function myHostsFromCli(): Promise<HostFigures[]> {
  const r = await cli(['hosts', '--json'], env);
  assert.equal(r.code, 0, r.stderr);
  return r.json<{ hosts: HostFigures[] }>().hosts;
}

const hostIds: string[] = [];
/** "1 chunk", "3 chunks", "1,024 chunks". */
const count = (n: number, word: string) => `${n.toLocaleString('en')} ${word}${n === 1 ? '' : 's'}`;

test('Hosting: the empty state explains coffer host claim, then the claimed hosts show their state, storage, audits, vetting, uptime and traffic', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  const { requests, errors } = watch(page);
  await signUpInPage(page, net.hubUrl, EMAIL, PASSWORD);

  await page
    .getByRole('navigation', { name: 'Views' })
    .getByRole('button', { name: 'Hosting' })
    .click();
  const empty = page.getByRole('region', { name: 'No hosts yet' });
  await empty.getByText('coffer host claim --data DIR').waitFor();
  await page.screenshot({ path: join(SHOTS, 'hosting-empty-desktop.png') });

  // The hoster logs in with the CLI, stores some files, and claims two of the hosts.
  assert.equal((await cli(['login', EMAIL], env)).code, 0);
  for (let i = 0; i < 3; i++) {
    const file = join(net.dir, `data-${i}.bin`);
    await writeRandomFile(file, 9 * 1024 * 1024 + i * 1000, 40 + i);
    const put = await cli(['put', file, `/data-${i}.bin`], env);
    assert.equal(put.code, 0, put.stderr);
  }
  for (const h of net.hosts.slice(0, 2)) {
    const claimed = await cli(['host', 'claim', '--data', h.dir, '--json'], env);
    assert.equal(claimed.code, 0, claimed.stderr);
    hostIds.push(claimed.json<{ hostId: string }>().hostId);
  }

  // Back to Files and to Hosting again: the view loads the hosts at once.
  const views = page.getByRole('navigation', { name: 'Views' });
  await views.getByRole('button', { name: 'Files', exact: true }).click();
  await views.getByRole('button', { name: 'Hosting' }).click();
  const card = (id: string) => page.getByRole('article', { name: `Host ${id.slice(0, 12)}` });
  for (const id of hostIds) await card(id).waitFor();
  assert.equal(await page.getByRole('article').count(), 2);

  // What the page shows is what the hub says (figures that move, between two readings).
  const before = await myHostsFromCli();
  await views.getByRole('button', { name: 'Files', exact: true }).click();
  await views.getByRole('button', { name: 'Hosting' }).click();
  await card(hostIds[0] as string).waitFor();
  const shown = new Map<string, string>();
  for (const id of hostIds) shown.set(id, (await card(id).textContent()) ?? '');
  const afterwards = await myHostsFromCli();
  for (const id of hostIds) {
    const text = shown.get(id) as string;
    const h = before.find((x) => x.id === id) as HostFigures;
    const h2 = afterwards.find((x) => x.id === id) as HostFigures;
    assert.ok(h && h2, `the CLI lists ${id}`);
    assert.match(text, new RegExp(`${NAMES[h.country]} \\(${h.country}\\)`));
    assert.ok(text.includes(h.url), 'the host URL');
    assert.ok(text.includes(h.state), `state ${h.state}`);
    // Stored bytes and chunks move too (repair, audits on a loaded machine): either reading.
    assert.ok(
      [h, h2].some((x) =>
        text.includes(`${formatBytes(x.usedBytes)} / ${formatBytes(x.capacity)}`),
      ),
      text,
    );
    assert.ok(
      [h, h2].some((x) => text.includes(count(x.chunks, 'chunk'))),
      `${h.chunks} or ${h2.chunks} chunks in ${text}`,
    );
    const passed = Number(/(\d+) passed/.exec(text)?.[1]);
    assert.ok(passed >= h.audits.passed && passed <= h2.audits.passed, `audits passed ${passed}`);
    assert.match(text, new RegExp(`${h.audits.failed} failed`));
    assert.ok(text.includes(h.vetted || h2.vetted ? 'vetted' : 'not vetted yet'), 'vetted or not');
    const uptime = Number(/Uptime\s*([\d.]+)%/.exec(text)?.[1]);
    // The page shows the hub's figure, read between the two API calls around it.
    const [lo, hi] = [h.uptime, h2.uptime].map((u) => u * 100).sort((a, b) => a - b);
    assert.ok(uptime >= (lo as number) - 0.1 && uptime <= (hi as number) + 0.1, `uptime ${uptime}`);
    assert.ok(uptime > 50, `uptime ${uptime}`);
    assert.ok(
      [h.bytesIn, h2.bytesIn].some((b) => text.includes(`received ${formatBytes(b)}`)),
      `bytes in: ${text}`,
    );
    assert.match(text, /Last seen.*(now|second)/);
  }
  assert.deepEqual(await unnamedControls(page), [], 'every control has an accessible name');
  await page.screenshot({ path: join(SHOTS, 'hosting-desktop.png') });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: join(SHOTS, 'hosting-dark-desktop.png') });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(SHOTS, 'hosting-phone.png'), fullPage: true });
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  assert.equal(overflow, 0, 'nothing wider than a phone');

  assert.deepEqual(errors, []);
  assert.deepEqual(
    foreignRequests(net, requests),
    [],
    'the page talks only to the hub and its hosts',
  );
  await context.close();
});

test('the operator dashboard: a world map of the hosts, the figures of /api/admin/stats, charts over time with the repair after a host is lost, and every host with tags, confirmation, vetting, uptime and traffic', async () => {
  assert.ok(hostIds.length > 0, 'runs after the Hosting test');
  const hosts = () =>
    admin<{ hosts: (HostFigures & { tags: Record<string, string> })[] }>('/api/admin/hosts');
  // The operator confirms the first host's country and tags.
  const first = hostIds[0] as string;
  const set = await cli(
    [
      'admin',
      'hosts',
      'set',
      first,
      '--country',
      'FR',
      '--tag',
      'power=solar',
      '--tag',
      'tier=home',
    ],
    env,
  );
  assert.equal(set.code, 0, set.stderr);

  // The busiest host nobody claimed dies for good: its chunks fall below target, and repair
  // copies them back.
  const all = (await hosts()).hosts;
  const victim = all
    .filter((h) => !hostIds.includes(h.id))
    .sort((a, b) => b.chunks - a.chunks)[0] as HostFigures;
  assert.ok(victim.chunks >= 2, `the victim holds ${victim.chunks} chunks`);
  await net.hosts.find((h) => h.url === victim.url)?.kill();
  const history = () => admin<{ points: HistoryPoint[] }>('/api/admin/history');
  await until('chunks under-replicated', async () =>
    (await history()).points.some((p) => p.underReplicated > 0),
  );
  await until('repair done', async () => {
    const last = (await history()).points.at(-1);
    return last && last.underReplicated === 0 && last.repairQueue === 0;
  });

  const { context, page, requests, errors } = await operatorView('desktop');
  const map = page.getByRole('group', { name: 'Hosts by country' });
  await map.waitFor();

  // The map marks exactly the countries that have hosts, the victim's with its host offline.
  const marked = await map
    .locator('[data-country]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-country')).sort());
  assert.deepEqual(marked, [...COUNTRIES].sort());
  for (const c of COUNTRIES) {
    const online = c === victim.country ? 0 : 1;
    await map.getByRole('img', { name: `${NAMES[c]}: 1 host, ${online} online` }).waitFor();
  }
  assert.equal(await map.locator('[data-country="GB"]').count(), 0);
  await map.locator('[data-country="BR"]').hover();
  await page.locator('.map-tip').getByText('Brazil').waitFor();
  await page.mouse.move(0, 0);
  await map.locator('[data-country="DE"]').focus();
  await page.locator('.map-tip').getByText('Germany').waitFor();
  // The table beside the map says the same, for screen readers and for small screens.
  const byCountry = page.getByRole('table', { name: 'By country' });
  assert.equal(await byCountry.getByRole('row').count(), 1 + COUNTRIES.length);
  await byCountry
    .getByRole('rowheader', { name: `${NAMES[victim.country]} ${victim.country}` })
    .waitFor();

  // The figures are those of /api/admin/stats (read again until a refresh agrees with it).
  const figures = page.getByRole('list', { name: 'Network figures' });
  const stat = async (name: string) =>
    ((await figures.locator(`[data-stat="${name}"]`).textContent()) ?? '').replace(/\s+/g, ' ');
  await until('the figures of /api/admin/stats', async () => {
    const s = await admin<Stats>('/api/admin/stats');
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.waitForTimeout(400);
    const want = [
      ['hosts', `${s.hostsOnline} / ${s.hosts} hosts online`],
      ['accounts', count(s.accounts, 'account')],
      ['files', count(s.files, 'file')],
      ['chunks', count(s.chunks, 'chunk')],
      [
        'capacity',
        `${formatBytes(s.storedBytes)} stored / ${formatBytes(s.capacity)} declared${formatBytes(s.capacity - s.storedBytes)} free${formatBytes(s.disk.freeBytes)} free on disk, of ${formatBytes(s.disk.sizeBytes)}`,
      ],
    ] as const;
    for (const [name, text] of want) {
      const got = await stat(name);
      if (!got.startsWith(text)) throw new Error(`${name}: "${got}" lacks "${text}"`);
    }
    return true;
  });
  assert.match(await stat('countries'), /5 countries: BR, DE, FR, JP, US/);
  // A host slow to check in on a loaded machine counts as lost for a moment, and the network
  // settles back: wait for the figure to say so.
  await until(
    'no chunk under-replicated in the figures',
    async () => {
      await page.getByRole('button', { name: 'Refresh' }).click();
      return /^0 under-replicated chunks/.test(await stat('underReplicated'));
    },
    60_000,
    500,
  );
  assert.match(await stat('underReplicated'), /^0 under-replicated chunks/);

  // Charts over time, with at least two points each; the repair chart's peak is the history's.
  const points = (await history()).points;
  const peak = Math.max(...points.map((p) => p.underReplicated));
  const charts = page.locator('figure.chart svg[role="img"]');
  assert.equal(await charts.count(), 4);
  for (const svg of await charts.all()) {
    const n = Number(await svg.getAttribute('data-points'));
    assert.ok(n >= 2, `a chart with ${n} points`);
    const segments = await svg
      .locator('path.line')
      .first()
      .evaluate((p) => (p.getAttribute('d') ?? '').split('L').length - 1);
    assert.ok(segments >= 1, 'the line joins its points');
  }
  // On a loaded machine a slow heartbeat can make a host count as lost for a moment: read the
  // chart again (after a refresh) until the network has settled back to 0.
  const repair = page.getByRole('img', { name: /^Under-replicated chunks and repair\./ });
  await until('the repair chart shows the history, back at 0', async () => {
    const top = Math.max(peak, ...(await history()).points.map((p) => p.underReplicated));
    const label = (await repair.getAttribute('aria-label')) ?? '';
    if (
      new RegExp(
        `under-replicated chunks: 0 now, lowest 0, highest ${top.toLocaleString('en')}\\.`,
      ).test(label)
    )
      return true;
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.waitForTimeout(400);
    return false;
  });

  // The charts step through samples with the keyboard, and show the last hour on request.
  await repair.focus();
  await page.keyboard.press('Home');
  await page.locator('.chart-time').waitFor();
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Last hour' }).click();
  assert.equal(
    await page.getByRole('button', { name: 'Last hour' }).getAttribute('aria-pressed'),
    'true',
  );
  await until(
    'the last hour charted',
    async () => Number(await charts.first().getAttribute('data-points')) >= 2,
  );

  // Every host, with its tags, the operator's confirmation, vetting, uptime and traffic.
  const table = page.getByRole('table', { name: 'Hosts' });
  assert.equal(await table.getByRole('row').count(), 1 + COUNTRIES.length);
  const row = table.getByRole('row').filter({ hasText: first.slice(0, 12) });
  await row.getByRole('list', { name: 'Tags' }).getByText('power=solar').waitFor();
  assert.match((await row.textContent()) ?? '', /confirmed by the operator/);
  assert.equal(
    await row.locator('abbr').getAttribute('title'),
    'France · confirmed by the operator',
  );
  assert.match((await row.textContent()) ?? '', /\d+(\.\d)?%/);
  assert.match((await row.textContent()) ?? '', /received \d/);
  const victimRow = table.getByRole('row').filter({ hasText: victim.id.slice(0, 12) });
  assert.match((await victimRow.textContent()) ?? '', /offline/);

  assert.deepEqual(await unnamedControls(page), [], 'every control has an accessible name');
  await page.mouse.move(0, 0);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SHOTS, 'operator-dashboard-desktop.png'), fullPage: true });
  // Keyboard focus shows a country's tooltip too.
  await map.locator('[data-country="BR"]').focus();
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: join(SHOTS, 'operator-dashboard-dark.png'), fullPage: true });
  assert.deepEqual(errors, []);
  assert.deepEqual(
    foreignRequests(net, requests),
    [],
    'the page talks only to the hub and its hosts',
  );
  await context.close();

  // On a phone, in French: the same dashboard, one column, nothing wider than the screen.
  const { context: phone, page: p, ...seen } = await operatorView('phone');
  await p.getByRole('group', { name: 'Hébergeurs par pays' }).waitFor();
  await p.getByRole('img', { name: 'France : 1 hébergeur, 1 en ligne' }).waitFor();
  await p.getByRole('heading', { name: 'Blocs sous-répliqués et réparation' }).waitFor();
  const overflow = await p.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  assert.equal(overflow, 0, 'nothing wider than a phone');
  await p.screenshot({ path: join(SHOTS, 'operator-dashboard-phone-fr.png'), fullPage: true });
  assert.deepEqual(seen.errors, []);
  assert.deepEqual(foreignRequests(net, seen.requests), []);
  await phone.close();
});

test('the operator dashboard shows the real free disk beside the declared space, and warns about a host that declares more than its disk has, on a desktop and on a phone', async () => {
  const { context, page, requests, errors } = await operatorView('desktop');
  const figures = page.getByRole('list', { name: 'Network figures' });
  const capacity = figures.locator('[data-stat="capacity"]');
  const warning = capacity.getByRole('status');
  await capacity.getByText(/free on disk, of/).waitFor();
  const before = await admin<Stats>('/api/admin/stats');
  // The test's hosts declare 10 GiB each, which the disk of a machine running tests has.
  if (before.disk.overcommitted === 0)
    assert.equal(((await warning.textContent()) ?? '').trim(), '');

  // A host declaring 1000 TiB joins: far more than any disk it could be on.
  const big = await net.addHost('FR', ['--capacity', '1000TiB']);
  const bigHost = await until('the big host to report its disk', async () => {
    const { hosts } = await admin<{ hosts: (HostFigures & { overcommitted: boolean })[] }>(
      '/api/admin/hosts',
    );
    return hosts.find((h) => h.url === big.url && h.overcommitted);
  });
  const flagged = (await admin<Stats>('/api/admin/stats')).disk.overcommitted;
  assert.ok(flagged >= 1);
  const want =
    flagged === 1
      ? '1 host declares more space than its disk has'
      : `${flagged} hosts declare more space than their disks have`;
  await until('the warning in the network figures', async () => {
    await page.getByRole('button', { name: 'Refresh' }).click();
    return ((await warning.textContent()) ?? '').includes(want);
  });
  const table = page.getByRole('table', { name: 'Hosts' });
  const row = table.getByRole('row').filter({ hasText: bigHost.id.slice(0, 12) });
  await row.getByText('Declares more space than its disk has').waitFor();
  const storage = (await row.getByRole('cell').nth(3).textContent()) ?? '';
  assert.match(storage, /1000\.0 TiB declared/);
  assert.match(storage, /GiB free on disk, of \d/);
  // The other hosts fit their disks: no warning on their rows.
  const warned = table
    .getByRole('row')
    .filter({ hasText: 'Declares more space than its disk has' });
  assert.equal(await warned.count(), flagged);
  await page.getByText(/Data is placed by the declared space/).waitFor();
  assert.deepEqual(await unnamedControls(page), [], 'every control has an accessible name');
  await row.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, 'operator-disk-warning-desktop.png'), fullPage: true });
  assert.deepEqual(errors, []);
  assert.deepEqual(foreignRequests(net, requests), []);
  await context.close();

  // On a phone, in French: the same warning, in the figures and on the host's card.
  const { context: phone, page: p, ...seen } = await operatorView('phone');
  const chiffres = p.getByRole('list', { name: 'Chiffres du réseau' });
  await chiffres
    .getByRole('status')
    .getByText(
      flagged === 1
        ? '1 hébergeur déclare plus d’espace que son disque n’en offre'
        : `${flagged} hébergeurs déclarent plus d’espace que leurs disques n’en offrent`,
    )
    .waitFor();
  await chiffres.getByText(/libres sur disque, sur un total de/).waitFor();
  const card = p
    .getByRole('table', { name: 'Hébergeurs' })
    .getByRole('row')
    .filter({ hasText: bigHost.id.slice(0, 12) });
  await card.getByText('Déclare plus d’espace que son disque n’en offre').waitFor();
  assert.match((await card.textContent()) ?? '', /1000,0 Tio déclarés|1000\.0 TiB déclarés/);
  const overflow = await p.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  assert.equal(overflow, 0, 'nothing wider than a phone');
  await p.screenshot({ path: join(SHOTS, 'operator-disk-warning-phone-fr.png'), fullPage: true });
  await chiffres.screenshot({ path: join(SHOTS, 'operator-disk-warning-phone-figures.png') });
  await card.scrollIntoViewIfNeeded();
  await p.screenshot({ path: join(SHOTS, 'operator-disk-warning-phone-card.png') });
  assert.deepEqual(seen.errors, []);
  assert.deepEqual(foreignRequests(net, seen.requests), []);
  await phone.close();
});
