import { readdirSync } from 'node:fs';

// Every file in web/ in one process, one after another, sharing the hub, hosts and browser that
// web/fixture.ts starts once: each file's tests use their own accounts, so they need no network
// of their own, and a process with a network and Chromium costs about 9 CPU-seconds to start
// and stop. `npm test` (scripts/test.mjs) leaves the files in web/ to this one; each still runs
// alone with `node --import tsx --test packages/tests/test/web/FILE.test.ts`.

const files = readdirSync(new URL('./web/', import.meta.url))
  .filter((f) => f.endsWith('.test.ts'))
  .sort();
for (const file of files) await import(`./web/${file}`);
