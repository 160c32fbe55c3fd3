#!/usr/bin/env node
// `npm start`: a whole Coffer network on this machine (`coffer up`), with its data in
// ./coffer-data. Extra arguments go to `coffer up` (`npm start -- --port 0 --hosts 4`).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const coffer = fileURLToPath(new URL('../packages/cli/bin/coffer.mjs', import.meta.url));
const child = spawn(
  process.execPath,
  [coffer, 'up', '--data', 'coffer-data', ...process.argv.slice(2)],
  {
    stdio: 'inherit',
  },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 1)));
