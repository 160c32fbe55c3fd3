import type { RouteResponse } from '@coffer/protocol';
import type { Network } from './network.ts';

/** One host's bytes three ways ([Note: Accounting] in the hub's services/accounting.ts). */
export interface HostFigures {
  id: string;
  country: string;
  /** The hub's running stored bytes. */
  hub: number;
  /** The sum of the hub's replica records on the host. */
  replicas: number;
  /** What the host reported holding in its last hello. */
  host: number;
  agree: boolean;
}

/**
 * Every host's three figures, from `coffer admin stats`' source (GET /api/admin/stats), and
 * whether all agree. The host's figure is as of its last heartbeat, so wait for agreement with
 * until() after uploads settle rather than asserting it at once.
 */
export async function accountingDrift(
  network: Pick<Network, 'hubUrl' | 'operatorToken'>,
): Promise<{ agree: boolean; hosts: HostFigures[] }> {
  const res = await fetch(`${network.hubUrl}/api/admin/stats`, {
    headers: { authorization: `Bearer ${network.operatorToken}` },
  });
  if (!res.ok) throw new Error(`admin stats: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as RouteResponse<'adminStats'>;
  const hosts = body.accounting.map((h) => ({
    id: h.id,
    country: h.country,
    hub: h.storedBytes,
    replicas: h.replicaBytes,
    host: h.reportedBytes,
    agree: h.agrees,
  }));
  return { agree: hosts.every((h) => h.agree), hosts };
}

/**
 * Hub settings under which what an interrupted upload leaves behind is gone within a test:
 * uploads expire `uploadTtlSeconds` after they open, garbage is collected every 300 ms, hosts
 * sweep for orphans every half second.
 */
export const quickCleanup = (uploadTtlSeconds: number) => ({
  uploadTtlHours: uploadTtlSeconds / 3600,
  gc: { intervalMs: 300 },
  orphans: { intervalMs: 500, graceMs: 200 },
});
