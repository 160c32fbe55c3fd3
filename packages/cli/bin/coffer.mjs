#!/usr/bin/env node
// Runs the TypeScript CLI directly; tsx compiles it on the fly.
import { register } from 'tsx/esm/api';

register();
// `coffer ls | head` closes stdout early; that is not an error.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
