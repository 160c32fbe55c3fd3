#!/usr/bin/env node
// `npm test`: lint and format check, type check, import boundaries, then every test file
// (packages/*/test/**/*.test.ts, scripts/*.test.ts and bench/*/*.test.ts) under Node's test
// runner.
// `npm run test:fast` (--fast): the same checks, then only the unit tests: every package's
// own tests, which start no hub or host, and the scripts' and benchmarks' tests; packages/tests (the
// integration tests, with real processes and browsers) is left out.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => join(root, 'node_modules', '.bin', name);

function run(title, cmd, args) {
  console.log(`\n== ${title}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`\n${title} failed`);
    process.exit(r.status ?? 1);
  }
}

const fast = process.argv.includes('--fast');
const INTEGRATION = 'tests';

/**
 * A test file `X.test.ts` beside a folder `X/` runs the files in that folder itself, in its one
 * process (packages/tests/test/web.test.ts: the browser tests share one network and browser).
 */
function runByItsFolder(dir, f) {
  const folder = dirname(f);
  return folder !== '.' && existsSync(join(dir, `${folder}.test.ts`));
}

function testFiles() {
  const files = [];
  for (const pkg of readdirSync(join(root, 'packages'))) {
    if (fast && pkg === INTEGRATION) continue;
    const dir = join(root, 'packages', pkg, 'test');
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir, { recursive: true })) {
      if (String(f).endsWith('.test.ts') && !runByItsFolder(dir, String(f)))
        files.push(join('packages', pkg, 'test', String(f)));
    }
  }
  for (const f of readdirSync(join(root, 'scripts')))
    if (f.endsWith('.test.ts')) files.push(join('scripts', f));
  // A benchmark's own logic (bench/sim's model) is tested beside it.
  for (const d of readdirSync(join(root, 'bench'), { withFileTypes: true })) {
    if (!d.isDirectory()) continue;
    for (const f of readdirSync(join(root, 'bench', d.name)))
      if (f.endsWith('.test.ts')) files.push(join('bench', d.name, f));
  }
  return files.sort((a, b) => startOrder(a) - startOrder(b) || a.localeCompare(b));
}

/**
 * Files start in this order, the long ones first, so that no long file starts last and runs
 * alone at the end while the other lanes are idle: a file that runs a folder (several minutes),
 * then the integration tests (tens of seconds to minutes each), then the unit tests (seconds),
 * which fill the gaps at the end.
 */
function startOrder(file) {
  const folder = join(root, file.replace(/\.test\.ts$/, ''));
  if (existsSync(folder) && readdirSync(folder).some((f) => f.endsWith('.test.ts'))) return 0;
  return file.startsWith(join('packages', INTEGRATION, '')) ? 1 : 2;
}

run('biome (format and lint)', bin('biome'), ['check', '.']);
run('tsc (types)', bin('tsc'), ['-p', '.']);
run('import boundaries', process.execPath, ['scripts/check-boundaries.mjs']);
const files = testFiles();
// Node runs one file at a time on two cores (its default is one fewer than the cores). Most
// integration tests spend their time waiting on the processes they start: two at a time halved
// the run (36 to 18 minutes here), and a browser test file alone keeps 0.4 to 0.9 of a core
// busy, so three at a time on two cores still finds idle CPU. The tests must bear that anyway:
// they hold on a shared, loaded machine (they pass here at a load average of 30).
const concurrency = Math.max(3, availableParallelism());
run(`${fast ? 'unit tests' : 'tests'} (${files.length} files)`, process.execPath, [
  '--import',
  'tsx',
  'scripts/run-test-files.mjs',
  `--concurrency=${concurrency}`,
  ...files,
]);
