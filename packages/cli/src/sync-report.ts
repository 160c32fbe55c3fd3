import type { CofferClient } from '@coffer/sdk';
import type { PassResult } from '@coffer/sync';
import { debugLogging } from './log.ts';

// After each pass, `coffer sync` tells the account's other devices how this root is doing
// ([Note: Sync state in the client]): the Sessions page shows it. Best effort: a report that
// fails (an older hub, the network) is a line in the debug log, never a failed pass.

export async function reportPass(
  client: CofferClient,
  root: { local: string; remote: string; device: string },
  r: PassResult,
): Promise<void> {
  try {
    await client.syncState.report([
      {
        localPath: root.local,
        remotePath: root.remote,
        deviceName: root.device,
        lastPassAt: r.at,
        state: r.state !== 'synced' ? 'stopped' : r.errors.length > 0 ? 'error' : 'synced',
        conflicts: r.counts.conflicts,
        errors: r.errors.length,
      },
    ]);
  } catch (e) {
    if (debugLogging())
      process.stderr.write(`coffer: debug: sync state not reported: ${(e as Error).message}\n`);
  }
}
