#!/usr/bin/env node
// Runs the test files named on the command line under Node's test runner, --concurrency=N at a
// time, starting them in the order given: `node --test FILE…` sorts them by path, and then a long
// file named late starts late and runs alone at the end. scripts/test.mjs starts this as
// `node --import tsx scripts/run-test-files.mjs`; each file's process inherits `--import tsx`.
import { run } from 'node:test';
import { spec } from 'node:test/reporters';

const args = process.argv.slice(2);
const concurrency = Number(args.find((a) => a.startsWith('--concurrency='))?.slice(14) ?? 1);
const files = args.filter((a) => !a.startsWith('--'));
const stream = run({ files, concurrency });
stream.on('test:fail', () => {
  process.exitCode = 1;
});
stream.compose(spec).pipe(process.stdout);
