#!/usr/bin/env node
// Runs the bundled CLI (dist/coffer.mjs, built by scripts/build-cli.mjs on npm install) when
// it is at least as new as every source file; otherwise the TypeScript sources through tsx.
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// [Note: Freed memory stays in the process]
// glibc's malloc returns freed memory at the top of its heap to the kernel once more than its
// trim threshold (128 KiB at first) is free, and serves blocks above its mmap threshold with
// mmap and munmap. node:crypto allocates a fresh output buffer for every 64 KiB it encrypts, and
// node:http one for every piece of a body, so each transfer freed its memory and faulted it in
// again: on this project's VMs a fault cost more than encrypting the page. glibc raises both
// thresholds (to a freed mmap'd block's size, and twice that) when such a block up to 32 MiB is
// freed; this array, dropped at once and freed at the first collection, does that at start for
// every coffer process. The glibc tunables do the same, but must be set before the process
// starts. Measured (docs/benchmarks.md, "Issue 18: the closing run"): a 256 MiB upload with a
// collection per chunk (crypto's chunk-worker.mjs) at the same CPU as without, 45 MB less peak
// RSS, a third fewer page faults; a download with 60 % fewer faults. Other allocators ignore it.
new ArrayBuffer(30 * 1024 * 1024);

// `coffer ls | head` closes stdout early; that is not an error.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

const packages = fileURLToPath(new URL('../../', import.meta.url));
const bundle = fileURLToPath(new URL('../dist/coffer.mjs', import.meta.url));

function newestSource() {
  let newest = 0;
  for (const pkg of readdirSync(packages)) {
    const stack = [`${packages}${pkg}/src`];
    while (stack.length) {
      const dir = stack.pop();
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const e of entries) {
        const path = `${dir}/${e.name}`;
        if (e.isDirectory()) stack.push(path);
        else newest = Math.max(newest, statSync(path).mtimeMs);
      }
    }
  }
  return newest;
}

let fresh = false;
try {
  fresh = process.env.COFFER_FROM_SOURCE !== '1' && statSync(bundle).mtimeMs >= newestSource();
} catch {
  fresh = false;
}
let main;
if (fresh) {
  ({ main } = await import(bundle));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
