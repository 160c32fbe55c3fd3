#!/usr/bin/env node
// Runs the test files named on the command line under Node's test runner, --concurrency=N at a
// time, starting them in the order given: `node --test FILE…` sorts them by path, and then a long
// file named late starts late and runs alone at the end. scripts/test.mjs starts this as
// `node --import tsx scripts/run-test-files.mjs`; each file's process inherits `--import tsx`.
// At the end it prints the slowest files, to know where the run's time goes.
import { relative } from 'node:path';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';

const args = process.argv.slice(2);
const concurrency = Number(args.find((a) => a.startsWith('--concurrency='))?.slice(14) ?? 1);
const files = args.filter((a) => !a.startsWith('--'));
const stream = run({ files, concurrency });
/** Seconds spent in each file's top-level tests. */
const seconds = new Map();
const count = (data) => {
  const { file, nesting, details } = data;
  if (!file || nesting !== 0 || typeof details?.duration_ms !== 'number') return;
  const name = relative(process.cwd(), file);
  seconds.set(name, (seconds.get(name) ?? 0) + details.duration_ms / 1000);
};
stream.on('test:pass', count);
stream.on('test:fail', (data) => {
  process.exitCode = 1;
  count(data);
});
const report = stream.compose(spec);
report.on('end', () => {
  const slowest = [...seconds].sort((a, b) => b[1] - a[1]).slice(0, 20);
  if (slowest.length === 0) return;
  console.log('\nslowest test files (seconds in their top-level tests):');
  for (const [name, s] of slowest) console.log(`${s.toFixed(1).padStart(8)}  ${name}`);
});
report.pipe(process.stdout);
