#!/usr/bin/env node
// Runs the bundled CLI (dist/coffer.mjs, built by scripts/build-cli.mjs on npm install) when
// it is at least as new as every source file; otherwise the TypeScript sources through tsx.
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

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
