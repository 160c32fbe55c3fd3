import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const PRELOAD = pathToFileURL(fileURLToPath(new URL('./net-bytes-preload.mjs', import.meta.url)));

/**
 * The environment for a `cli` run whose every network byte is counted (to the hub, to hosts,
 * anywhere): read the sums with clientNetworkBytes once the command has exited.
 */
export function countingClientEnv(env: Record<string, string>, dir: string, name: string) {
  const file = join(dir, `${name}.net-bytes.json`);
  return {
    env: {
      ...env,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${PRELOAD.href}`.trim(),
      COFFER_TEST_NET_BYTES: file,
    },
    file,
  };
}

/** What a counted CLI run sent and received, over how many connections. */
export async function clientNetworkBytes(
  file: string,
): Promise<{ read: number; written: number; connections: number }> {
  return JSON.parse(await readFile(file, 'utf8'));
}
