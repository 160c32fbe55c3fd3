#!/usr/bin/env node
// `npm test`: lint and format check, type check, import boundaries, then every test file
// (packages/*/test/**/*.test.ts and scripts/*.test.ts) under Node's test runner.
// `npm run test:fast` (--fast): the same checks, then only the unit tests: every package's
// own tests, which start no hub or host, and the scripts' tests; packages/tests (the
// integration tests, with real processes and browsers) is left out.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
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

function testFiles() {
  const files = [];
  for (const pkg of readdirSync(join(root, 'packages'))) {
    if (fast && pkg === INTEGRATION) continue;
    const dir = join(root, 'packages', pkg, 'test');
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir, { recursive: true })) {
      if (String(f).endsWith('.test.ts')) files.push(join('packages', pkg, 'test', String(f)));
    }
  }
  for (const f of readdirSync(join(root, 'scripts')))
    if (f.endsWith('.test.ts')) files.push(join('scripts', f));
  return files.sort();
}

run('biome (format and lint)', bin('biome'), ['check', '.']);
run('tsc (types)', bin('tsc'), ['-p', '.']);
run('import boundaries', process.execPath, ['scripts/check-boundaries.mjs']);
const files = testFiles();
// Node runs one file at a time on two cores (its default is one fewer than the cores). Most
// integration tests spend their time waiting on the processes they start, so two at a time
// halve the run (36 to 18 minutes here) and stay within what the tests must bear anyway:
// they hold on a shared, loaded machine.
const concurrency = Math.max(2, availableParallelism() - 1);
run(`${fast ? 'unit tests' : 'tests'} (${files.length} files)`, process.execPath, [
  '--import',
  'tsx',
  '--test',
  `--test-concurrency=${concurrency}`,
  '--test-reporter=spec',
  ...files,
]);
