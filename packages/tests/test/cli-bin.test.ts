import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../src/index.ts';

// `npx coffer`, an installed bin and a global install all run a link to bin/coffer.mjs, such as
// node_modules/.bin/coffer, not the file itself. What `coffer up` and `coffer hub` serve must
// not depend on that.

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const LINKED_BIN = join(ROOT, 'node_modules', '.bin', 'coffer');
const WEB_APP = join(ROOT, 'packages', 'web', 'dist', 'index.html');

/** Starts `node_modules/.bin/coffer <args>` and resolves with the hub URL it prints when ready. */
function startLinked(args: string[], ready: RegExp): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [LINKED_BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`coffer ${args[0]} did not start in 90 s:\n${out}`));
    }, 90_000);
    const read = (d: Buffer) => {
      out += d;
      const url = /Hub:\s+(http\S+)/.exec(out)?.[1];
      if (url && ready.test(out)) {
        clearTimeout(timer);
        resolve({ child, url });
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`coffer ${args[0]} exited (${code}) before it was ready:\n${out}`));
    });
  });
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

for (const [command, extra, ready] of [
  ['hub', [], /Operator token:/],
  ['up', ['--hosts', '2'], /Stop with Ctrl-C/],
] as const) {
  test(`coffer ${command} started through node_modules/.bin/coffer serves the web app at /`, async (t) => {
    const dir = await tempDir('coffer-bin-');
    const { child, url } = await startLinked(
      [command, '--data', join(dir, 'data'), '--port', '0', ...extra],
      ready,
    );
    t.after(async () => {
      await stop(child);
      await rm(dir, { recursive: true, force: true });
    });
    const res = await fetch(`${url}/`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), await readFile(WEB_APP, 'utf8'), 'not the web app');
  });
}
