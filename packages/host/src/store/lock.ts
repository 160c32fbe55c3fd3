import { readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConflictError } from '@coffer/errors';
import { errno } from './io.ts';

/** One process per data directory: two writers appending to the same segments would corrupt them. */
export async function lockDir(dir: string): Promise<() => Promise<void>> {
  const path = join(dir, 'store.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(path, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      return async () => {
        await unlink(path).catch(() => undefined);
      };
    } catch (e) {
      if (errno(e) !== 'EEXIST') throw e;
    }
    const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
    if (Number.isSafeInteger(pid) && pid > 0 && processAlive(pid)) {
      throw new ConflictError(`dataDir: ${dir} is in use by process ${pid}`);
    }
    await unlink(path).catch(() => undefined); // stale: its process is gone
  }
  throw new ConflictError(`dataDir: cannot lock ${dir}`);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errno(e) === 'EPERM';
  }
}
