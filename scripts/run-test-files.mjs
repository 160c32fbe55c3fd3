#!/usr/bin/env node
// Runs the test files named on the command line under Node's test runner, --concurrency=N at a
// time, starting them in the order given: `node --test FILE…` sorts them by path, and then a long
// file named late starts late and runs alone at the end. scripts/test.mjs starts this as
// `node --import tsx scripts/run-test-files.mjs`; each file's process inherits `--import tsx`.
//
// Each file is a run of its own, so its report is printed whole when it ends (not interleaved
// with another file's), and its time is its own: Node names a test by the file that declared
// it, so tests declared through a helper (onEachDatabase, in packages/tests/src) would be
// counted under the helper's file. At the end: the counts, the failing tests with their files,
// and the slowest files.
import { relative } from 'node:path';
import { Transform } from 'node:stream';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';

const args = process.argv.slice(2);
const concurrency = Number(args.find((a) => a.startsWith('--concurrency='))?.slice(14) ?? 1);
const files = args.filter((a) => !a.startsWith('--'));

const totals = { tests: 0, pass: 0, fail: 0 };
/** Failing tests, as "file: name". */
const failures = [];
/** Each file's wall time, in seconds. */
const seconds = new Map();

/** A file's own summary lines (its counts and duration): the whole run's are printed at the end. */
const SUMMARY = /^(tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) /;
const withoutSummary = () =>
  new Transform({
    objectMode: true,
    transform(event, _encoding, done) {
      const summary =
        event.type === 'test:diagnostic' &&
        event.data.nesting === 0 &&
        SUMMARY.test(event.data.message);
      done(null, summary ? undefined : event);
    },
  });

function runFile(file) {
  const name = relative(process.cwd(), file);
  const started = performance.now();
  const stream = run({ files: [file] });
  const count = (failed) => (data) => {
    if (data.details?.type === 'suite') return;
    totals.tests++;
    if (!failed) return void totals.pass++;
    totals.fail++;
    failures.push(`${name}: ${data.name}`);
  };
  stream.on('test:pass', count(false));
  stream.on('test:fail', count(true));
  const chunks = [];
  const report = stream.pipe(withoutSummary()).pipe(new spec());
  report.on('data', (c) => chunks.push(c));
  return new Promise((resolve, reject) => {
    report.on('error', reject);
    report.on('end', () => {
      const took = (performance.now() - started) / 1000;
      seconds.set(name, took);
      process.stdout.write(`\n▶ ${name} (${took.toFixed(1)} s)\n${chunks.join('')}`);
      resolve();
    });
  });
}

const queue = [...files];
async function lane() {
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) await runFile(file);
}
await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));

console.log(`\nℹ files ${files.length}`);
for (const [k, v] of Object.entries(totals)) console.log(`ℹ ${k} ${v}`);
if (failures.length > 0) {
  process.exitCode = 1;
  console.log('\n✖ failing tests:');
  for (const f of failures) console.log(`  ${f}`);
}
const slowest = [...seconds].sort((a, b) => b[1] - a[1]).slice(0, 20);
console.log('\nslowest test files (seconds, wall time of each file):');
for (const [name, s] of slowest) console.log(`${s.toFixed(1).padStart(8)}  ${name}`);
