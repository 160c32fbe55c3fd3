import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  fromBase64Url,
  type SigningPublicKey,
  type SigningSecretKey,
  signingPublicKey,
  toBase64Url,
} from '@coffer/crypto';
import { type Capability, signCapability } from '@coffer/protocol';
import Database from 'better-sqlite3';

// A real hub for the host's HTTP tests (project rule: never mock the hub in host tests). It
// runs the hub's own entry point in a child process:
//
//   node packages/cli/bin/coffer.mjs hub --port 0 --data <tmp>
//
// or, when COFFER_TEST_HUB_CMD is set, that command with the same two flags appended.
// What it relies on from the hub:
//  - it prints its URL (the first http:// URL on stdout or stderr) once it serves;
//  - GET /api/info gives its public key;
//  - its signing key is the `signing_key` row of `hub_secrets` in <data>/hub.sqlite (as
//    packages/hub/src/index.ts keeps it today), so tests can sign capability tokens. `sign`
//    checks that this key matches /api/info, so a change on the hub's side fails loudly here.

const root = fileURLToPath(new URL('../../../', import.meta.url));
const COFFER = join(root, 'packages/cli/bin/coffer.mjs');
const COMMAND = process.env.COFFER_TEST_HUB_CMD;

export const hubAvailable = COMMAND !== undefined || existsSync(COFFER);

export interface TestHub {
  url: string;
  hubKey: SigningPublicKey;
  /** Signs a capability token as the hub does. */
  sign(c: Capability): string;
  /** The operator token (for /api/admin routes), from <data>/operator-token. */
  operatorToken(): Promise<string>;
  close(): Promise<void>;
}

export async function startTestHub(): Promise<TestHub> {
  const data = await mkdtemp(join(tmpdir(), 'coffer-test-hub-'));
  const [cmd, ...args] = COMMAND
    ? COMMAND.split(/\s+/).filter(Boolean)
    : [process.execPath, COFFER, 'hub'];
  const child = spawn(cmd as string, [...args, '--port', '0', '--data', data], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(data, { recursive: true, force: true });
  };
  try {
    const url = await urlFrom(child);
    const info = (await (await fetch(`${url}/api/info`)).json()) as { hubPublicKey: string };
    const hubKey = fromBase64Url(info.hubPublicKey, 'hubPublicKey', 32) as SigningPublicKey;
    let secret: SigningSecretKey | null = null;
    return {
      url,
      hubKey,
      sign(c) {
        secret ??= readSigningKey(data, info.hubPublicKey);
        return signCapability(c, secret);
      },
      operatorToken: async () => (await readFile(join(data, 'operator-token'), 'utf8')).trim(),
      close: stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

function urlFrom(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => fail(new Error('the hub did not print its URL in 30 s')),
      30_000,
    );
    const onData = (b: Buffer) => {
      seen += b.toString('utf8');
      const m = /https?:\/\/[^\s"'<>]+/.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolve(m[0].replace(/\/+$/, ''));
      }
    };
    const fail = (e: Error) => {
      clearTimeout(timer);
      reject(new Error(`${e.message}\n${seen}`));
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => fail(new Error(`the hub exited with ${code}`)));
    child.once('error', fail);
  });
}

function readSigningKey(data: string, expectedPublic: string): SigningSecretKey {
  const db = new Database(join(data, 'hub.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare("SELECT value FROM hub_secrets WHERE name = 'signing_key'").get() as
      | { value: string }
      | undefined;
    if (!row) throw new Error('the test hub has no signing_key in hub_secrets');
    const key = fromBase64Url(row.value, 'signing_key', 32) as SigningSecretKey;
    if (toBase64Url(signingPublicKey(key)) !== expectedPublic) {
      throw new Error('the signing key in hub.sqlite is not the key the hub announces');
    }
    return key;
  } finally {
    db.close();
  }
}
