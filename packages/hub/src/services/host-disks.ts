import type { HostRow } from '../db/schema.ts';

// The real disks under the hosts, beside the space they declare ([Note: Declared and real
// space] in the protocol's signed.ts).

type DiskFields = Pick<
  HostRow,
  'capacity' | 'used_bytes' | 'stored_bytes' | 'disk_free_bytes' | 'disk_size_bytes' | 'state'
>;

export const diskOf = (h: DiskFields) =>
  h.disk_free_bytes === null || h.disk_size_bytes === null
    ? null
    : { freeBytes: Number(h.disk_free_bytes), sizeBytes: Number(h.disk_size_bytes) };

/** What it stores: its own report, or the hub's count when that is higher. */
export const storedOn = (h: DiskFields) => Math.max(h.used_bytes, h.stored_bytes);

/**
 * The space it declares and does not use yet is more than its disk has free. An exited host
 * takes nothing more, so it is never flagged; a host that does not report its disk cannot be.
 */
export function isOvercommitted(h: DiskFields): boolean {
  const disk = diskOf(h);
  if (!disk || h.state === 'exited') return false;
  return h.capacity - storedOn(h) > disk.freeBytes;
}

/**
 * The network's disks: free space and size summed over the hosts that report them, each disk
 * once. Hosts on one machine (the same host name in their URLs) that report a disk of the same
 * size are taken to share it, as the hosts `coffer up` starts do; the newest report counts.
 */
export function diskTotals(hosts: (DiskFields & Pick<HostRow, 'url' | 'last_seen_at'>)[]) {
  const disks = new Map<string, { freeBytes: number; sizeBytes: number; at: number }>();
  let reporting = 0;
  let overcommitted = 0;
  for (const h of hosts) {
    const disk = diskOf(h);
    if (!disk || h.state === 'exited') continue;
    reporting++;
    if (isOvercommitted(h)) overcommitted++;
    const key = `${machineOf(h.url)} ${disk.sizeBytes}`;
    const seen = disks.get(key);
    if (!seen || seen.at < h.last_seen_at) disks.set(key, { ...disk, at: h.last_seen_at });
  }
  let freeBytes = 0;
  let sizeBytes = 0;
  for (const d of disks.values()) {
    freeBytes += d.freeBytes;
    sizeBytes += d.sizeBytes;
  }
  return { freeBytes, sizeBytes, reporting, overcommitted };
}

function machineOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}
