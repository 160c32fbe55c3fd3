import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ConflictError } from '@coffer/errors';
import { STATE_DIR } from './names.ts';

// One process at a time on a folder: a file holding the owner's pid, made with O_EXCL. A lock
// whose process is gone (killed, the machine restarted) is taken over; one whose process runs
// is refused with the error `busy` makes from its pid.

/** Takes `file` for this process; returns the release. */
export async function pidLock(
  file: string,
  busy: (pid: number) => Error,
): Promise<() => Promise<void>> {
  await mkdir(dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, String(process.pid), { flag: 'wx' });
      return () => rm(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(await readFile(file, 'utf8').catch(() => ''));
      if (pid && pid !== process.pid && alive(pid)) throw busy(pid);
      await rm(file, { force: true });
    }
  }
  throw new ConflictError(`${file}: could not be locked; try again`);
}

/**
 * Takes `.coffer/lock` for this process (its pid inside): a second `coffer sync` on the same
 * folder is refused while the first runs.
 */
export const lockRoot = (root: string) =>
  pidLock(
    join(root, STATE_DIR, 'lock'),
    (pid) => new ConflictError(`local: another coffer sync (pid ${pid}) is syncing ${root}`),
  );

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
