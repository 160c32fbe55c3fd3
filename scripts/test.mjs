#!/usr/bin/env node
// `npm test`: lint and format check, type check, import boundaries, then every test file
// (packages/*/test/**/*.test.ts and scripts/*.test.ts) under Node's test runner.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
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

function testFiles() {
  const files = [];
  for (const pkg of readdirSync(join(root, 'packages'))) {
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
run(`tests (${files.length} files)`, process.execPath, [
  '--import',
  'tsx',
  '--test',
  '--test-reporter=spec',
  ...files,
]);
