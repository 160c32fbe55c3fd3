#!/usr/bin/env node
// `npm start`. Today Coffer is its crypto package; the hub, hosts and web app that `coffer up`
// will start are the next milestones. Until then this says so, and shows the crypto working.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

console.log(`Coffer ${process.env.npm_package_version ?? ''}

What exists today: @coffer/crypto, every key and every encrypted format (see docs/security.md).
Not yet: the hub, the storage hosts, the CLI and the web app. When they land, \`npm start\`
runs a whole local network and prints its URL.

Meanwhile, a demonstration of the crypto package on this machine:
`);
const demo = fileURLToPath(new URL('./demo.ts', import.meta.url));
const r = spawnSync(process.execPath, ['--import', 'tsx', demo], { stdio: 'inherit' });
process.exit(r.status ?? 1);
