#!/usr/bin/env node
// Bundles the `coffer` CLI and the workspace packages it uses into one plain-JavaScript file,
// packages/cli/dist/coffer.mjs, so running a command needs no TypeScript loader (about 30 MB
// less memory and half a second less start-up). Third-party packages stay in node_modules.
// Runs on `npm install` (the `prepare` script); bin/coffer.mjs falls back to the sources
// through tsx whenever the bundle is missing or older than them.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = `${root}packages/cli/dist`;
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

// Native addons, packages that find their own files at run time, CommonJS packages that require
// Node built-ins (prom-client), and the TypeScript loader stay in node_modules; everything else
// (zod, hono, kysely, noble, the workspace) is bundled.
const external = [
  'better-sqlite3',
  'prom-client',
  'pg',
  'pg-native',
  'swagger-ui-dist',
  'tsx',
  '@serenity-kit/opaque',
  '@parcel/watcher',
];

await build({
  entryPoints: { coffer: `${root}packages/cli/src/main.ts` },
  outdir: dist,
  // The hub and host load in their own chunk, only for `coffer up`, `hub` and `host`.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  conditions: ['node'],
  external,
  logLevel: 'warning',
});
// The chunk worker is loaded by URL next to the bundle, as it is next to node.ts in the sources.
mkdirSync(`${dist}/chunks`, { recursive: true });
for (const dir of [dist, `${dist}/chunks`]) {
  for (const f of ['chunk-worker.mjs', 'node-chunk.mjs']) {
    copyFileSync(`${root}packages/crypto/src/platform/${f}`, `${dir}/${f}`);
  }
}
