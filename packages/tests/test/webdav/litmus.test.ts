import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { type Network, startNetwork } from '../../src/index.ts';
import { type Gateway, signedUp, startWebdav } from '../../src/webdav.ts';

// litmus (the WebDAV test suite, from Debian) against `coffer webdav`: every test of the
// basic, copymove, props, locks and http groups passes. Its summary is printed.

const GROUPS = ['basic', 'copymove', 'props', 'locks', 'http'];
const hasLitmus = spawnSync('litmus', ['--version']).error === undefined;
const skip =
  !hasLitmus && !process.env.CI ? 'litmus is not installed (apt-get install litmus)' : false;

let net: Network;
let dav: Gateway;

before(async () => {
  if (skip) return;
  net = await startNetwork({ hosts: 2 });
  dav = await startWebdav(await signedUp(net, 'lit'));
});

after(async () => {
  await dav?.stop();
  await net?.close();
});

function litmus(url: string, user: string, password: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('litmus', [url, user, password], {
      cwd: net.dir, // its debug.log
      env: { ...process.env, TESTS: GROUPS.join(' ') },
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', () => resolve(out));
  });
}

test('litmus: basic, copymove, props, locks and http all pass', { skip }, async () => {
  const out = await litmus(dav.url, dav.user, dav.password);
  const summary = out.split('\n').filter((l) => /^<- summary|^-> running/.test(l));
  console.log(`litmus summary:\n${summary.join('\n')}`);
  const warnings = out.split('\n').filter((l) => /WARNING/.test(l));
  if (warnings.length) console.log(`litmus warnings:\n${warnings.join('\n')}`);
  const failures = out.split('\n').filter((l) => /FAIL|SKIPPED|ABORTED/.test(l));
  assert.deepEqual(failures, [], out);
  for (const g of GROUPS) assert.match(out, new RegExp(`-> running \`${g}':`), out);
  assert.equal(
    out.match(/<- summary for `[a-z]+': of \d+ tests run: \d+ passed, 0 failed\. 100\.0%/g)?.length,
    GROUPS.length,
    out,
  );
  assert.equal(dav.run.child.exitCode, null, 'the gateway still runs');
});
