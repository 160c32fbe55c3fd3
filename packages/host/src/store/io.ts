import { type FileHandle, open } from 'node:fs/promises';
import { QuotaError } from '@coffer/errors';

export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export const errno = (e: unknown) => (e as NodeJS.ErrnoException | null)?.code;

/** A full disk is the host being full (507), not a server fault. */
export function storageError(e: unknown): unknown {
  const code = errno(e);
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL') {
    return new QuotaError('host: the disk is full', { cause: e });
  }
  return e;
}

export async function writeAll(fh: FileHandle, buffers: Buffer[], position: number): Promise<void> {
  const total = buffers.reduce((n, b) => n + b.length, 0);
  const { bytesWritten } =
    buffers.length === 1
      ? await fh.write(buffers[0] as Buffer, 0, total, position)
      : await fh.writev(buffers, position);
  if (bytesWritten !== total) throw new Error('short write to segment');
}
