import type { Hub } from '../context.ts';
import type { HostRow, HostState } from '../db/schema.ts';

// What the rest of the hub asks about hosts: online or not, in good standing, vetted, their
// tags, and hosts as placement and repair see them.

export const isOnline = (hub: Hub, h: Pick<HostRow, 'last_seen_at'>) =>
  hub.now() - h.last_seen_at <= hub.config.offlineAfterMs;

type StateFields = Pick<HostRow, 'last_seen_at' | 'state'>;

/** The state people see: an active host is online or offline. */
export const displayState = (
  hub: Hub,
  h: StateFields,
): Exclude<HostState, 'active'> | 'online' | 'offline' =>
  h.state === 'active' ? (isOnline(hub, h) ? 'online' : 'offline') : h.state;

/** May receive new data: online and in good standing. */
export const placeable = (hub: Hub, h: StateFields) => isOnline(hub, h) && h.state === 'active';

/** Its replicas count toward targets (a suspended host keeps what it holds). */
export const inGoodStanding = (h: Pick<HostRow, 'state'>) =>
  h.state === 'active' || h.state === 'suspended';

export const isVetted = (hub: Hub, h: Pick<HostRow, 'audits_passed'>) =>
  Number(h.audits_passed) >= hub.config.vetting.audits;

export const tagsOf = (h: Pick<HostRow, 'tags'>): Record<string, string> => {
  try {
    return JSON.parse(h.tags) as Record<string, string>;
  } catch {
    return {};
  }
};

/** A host as placement and repair see it. */
export interface HostView extends HostRow {
  online: boolean;
  labels: Record<string, string>;
  vetted: boolean;
  isPersonal: boolean;
}

export async function hostViews(hub: Hub): Promise<HostView[]> {
  const rows = await hub.db.selectFrom('hosts').selectAll().execute();
  return rows.map((h) => ({
    ...h,
    online: placeable(hub, h),
    labels: tagsOf(h),
    vetted: isVetted(hub, h),
    isPersonal: Boolean(h.personal),
  }));
}

/**
 * How long a transfer of `size` bytes from or to these hosts may take: `floorMs`, or twice
 * what the slowest host's bandwidth limit needs, whichever is longer.
 */
export function transferTimeoutMs(
  floorMs: number,
  size: number,
  ...hosts: Pick<HostRow, 'bandwidth'>[]
): number {
  const slowest = Math.min(...hosts.map((h) => h.bandwidth ?? Number.POSITIVE_INFINITY));
  return Math.max(floorMs, Number.isFinite(slowest) ? (2000 * size) / slowest : 0);
}

export async function hostKeys(hub: Hub, ids: string[]): Promise<Map<string, HostRow>> {
  const out = new Map<string, HostRow>();
  if (ids.length === 0) return out;
  const rows = await hub.db.selectFrom('hosts').selectAll().where('id', 'in', ids).execute();
  for (const r of rows) out.set(r.id, r);
  return out;
}
