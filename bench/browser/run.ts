// `npm run bench:browser`: encrypt and upload one file (256 MiB unless BENCH_BROWSER_MB says
// otherwise) from the web app in headless Chromium, and the same file with the CLI, into the
// same local network (a hub and 3 hosts, 2 replicas), alternating, BENCH_REPEAT times each;
// then a folder of BENCH_BROWSER_FILES (2,000) files of 4 KiB the same way. Prints the best
// rate of each and their ratio; the goal is the browser at half the CLI or more.
import { link, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, launchChromium, startNetwork } from '@coffer/tests';
import { writeRandomFile } from '@coffer/tests/files';

const MB = Number(process.env.BENCH_BROWSER_MB ?? 256);
const FILES = Number(process.env.BENCH_BROWSER_FILES ?? 2000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 2);
const bytes = MB * 1024 * 1024;
const dir = await mkdtemp(join(tmpdir(), 'coffer-bench-browser-'));
const net = await startNetwork({ hosts: 3 });
const browser = await launchChromium();
try {
  const file = join(dir, 'big.bin');
  await writeRandomFile(file, bytes, 42);
  const env = { ...net.env, COFFER_PASSWORD: 'a long bench password' };
  const signup = await cli(['signup', 'cli@bench.example', '--json'], env);
  if (signup.code !== 0) throw new Error(signup.stderr);

  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(net.hubUrl);
  await page.getByLabel('Email').fill('web@bench.example');
  await page.getByLabel('Password', { exact: true }).fill('a long bench password');
  await page.getByLabel('Confirm password').fill('a long bench password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('button', { name: /continue/ }).click({ timeout: 60_000 });
  await page.getByText('This folder is empty').waitFor();

  const cliRuns: number[] = [];
  const webRuns: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    let t = performance.now();
    const put = await cli(['put', file, `/run${i}.bin`, '--json'], env);
    if (put.code !== 0) throw new Error(put.stderr);
    cliRuns.push((performance.now() - t) / 1000);

    // From the file handed to the page to its row in the listing: encryption in the worker,
    // upload to the hosts, commit, and the refresh of the folder.
    const copy = join(dir, `run${i}.bin`);
    await link(file, copy);
    t = performance.now();
    await page.getByLabel('Upload files').setInputFiles(copy);
    await page
      .getByRole('button', { name: `Actions for run${i}.bin`, exact: true })
      .waitFor({ timeout: 30 * 60_000 });
    webRuns.push((performance.now() - t) / 1000);
    process.stderr.write(
      `run ${i + 1}: cli ${cliRuns.at(-1)?.toFixed(2)} s, web ${webRuns.at(-1)?.toFixed(2)} s\n`,
    );
  }
  // A folder of small files (4 KiB each), by the folder picker and by `coffer put DIR`.
  const cliTree: number[] = [];
  const webTree: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const tree = join(dir, `tree${i}`);
    await mkdir(tree);
    for (let f = 0; f < FILES; f++) await writeRandomFile(join(tree, `f${f}.txt`), 4096, f);
    let t = performance.now();
    const put = await cli(['put', tree, `/cli-tree${i}`, '--json'], env);
    if (put.code !== 0) throw new Error(put.stderr);
    cliTree.push((performance.now() - t) / 1000);
    t = performance.now();
    await page.getByLabel('Upload a folder').setInputFiles(tree);
    await page.getByRole('region', { name: 'Uploads' }).waitFor();
    await page
      .getByRole('region', { name: 'Uploads' })
      .waitFor({ state: 'detached', timeout: 30 * 60_000 });
    webTree.push((performance.now() - t) / 1000);
    process.stderr.write(
      `tree ${i + 1}: cli ${cliTree.at(-1)?.toFixed(2)} s, web ${webTree.at(-1)?.toFixed(2)} s\n`,
    );
  }
  const rate = (s: number) => bytes / 1e6 / s;
  const cliBest = rate(Math.min(...cliRuns));
  const webBest = rate(Math.min(...webRuns));
  const ratio = webBest / cliBest;
  console.log(
    `# ${MB} MiB upload into a local network (hub + 3 hosts, 2 replicas), best of ${REPEAT}`,
  );
  console.log('| client | MB/s | ÷ CLI |');
  console.log('|---|---|---|');
  console.log(`| coffer CLI | ${cliBest.toFixed(1)} | 1.00× |`);
  console.log(
    `| web app (Chromium ${browser.version()}) | ${webBest.toFixed(1)} | ${ratio.toFixed(2)}× |`,
  );
  console.log(`goal: web ≥ 0.5× CLI: ${ratio >= 0.5 ? 'met' : 'missed'}`);
  const files = (s: number[]) => FILES / Math.min(...s);
  console.log(`\n# a folder of ${FILES} files of 4 KiB, best of ${REPEAT}`);
  console.log('| client | files/s | ÷ CLI |');
  console.log('|---|---|---|');
  console.log(`| coffer CLI | ${files(cliTree).toFixed(0)} | 1.00× |`);
  console.log(
    `| web app | ${files(webTree).toFixed(0)} | ${(files(webTree) / files(cliTree)).toFixed(2)}× |`,
  );
} finally {
  await browser.close();
  await net.close();
  await rm(dir, { recursive: true, force: true });
}
