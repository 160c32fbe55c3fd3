import { statfs } from 'node:fs/promises';
import { formatBytes, type HostDisk } from '@coffer/protocol';

// The filesystem under the store, reported in every hello ([Note: Declared and real space] in
// the protocol's signed.ts).

/** Free space (what this process may still write) and size; null if the system will not say. */
export async function diskSpace(dir: string): Promise<HostDisk | null> {
  try {
    const s = await statfs(dir);
    const sizeBytes = s.blocks * s.bsize;
    const freeBytes = Math.min(s.bavail * s.bsize, sizeBytes);
    if (!Number.isSafeInteger(sizeBytes) || !Number.isSafeInteger(freeBytes)) return null;
    return { freeBytes, sizeBytes };
  } catch {
    return null;
  }
}

/** The line a host logs at start when it declares more than its disk has; null when it does not. */
export function overcommitWarning(
  capacity: number,
  usedBytes: number,
  disk: HostDisk | null,
  dir: string,
): string | null {
  if (!disk || capacity - usedBytes <= disk.freeBytes) return null;
  return `host: WARNING: --capacity ${formatBytes(capacity)} is more than the disk has: ${formatBytes(disk.freeBytes)} free (of ${formatBytes(disk.sizeBytes)}) under ${dir}, ${formatBytes(usedBytes)} already stored. The hub places data by --capacity, so uploads here will fail once the disk is full: lower it.`;
}
