import type { PlacementPolicy } from '@coffer/protocol';
import type { HostRow } from '../db/schema.ts';

// [Note: Placement]
// A chunk needs `replicas` copies on hosts in distinct countries, each allowed by the policy,
// online, and with room for it. Among eligible hosts we prefer the emptiest (by share of
// capacity used), with a little randomness so equal hosts share the load. Hosts already holding
// the chunk count toward the target and their countries are taken.

export interface Candidate extends HostRow {
  online: boolean;
}

export const allowedBy = (policy: PlacementPolicy, country: string) =>
  (!policy.allowCountries || policy.allowCountries.includes(country)) &&
  !policy.excludeCountries?.includes(country);

export function choosePlacement(
  hosts: readonly Candidate[],
  policy: PlacementPolicy,
  size: number,
  have: readonly { hostId: string; country: string }[],
  exclude: ReadonlySet<string>,
  reservedBytes: ReadonlyMap<string, number> = new Map(),
): Candidate[] | null {
  const takenCountries = new Set(
    have.filter((h) => allowedBy(policy, h.country)).map((h) => h.country),
  );
  const needed = policy.replicas - takenCountries.size;
  if (needed <= 0) return [];
  const holding = new Set(have.map((h) => h.hostId));
  const free = (h: Candidate) =>
    h.capacity - Math.max(h.used_bytes, h.stored_bytes) - (reservedBytes.get(h.id) ?? 0);
  const eligible = hosts
    .filter(
      (h) =>
        h.online &&
        !exclude.has(h.id) &&
        !holding.has(h.id) &&
        !takenCountries.has(h.country) &&
        allowedBy(policy, h.country) &&
        free(h) >= size,
    )
    .map((h) => ({ h, score: free(h) / Math.max(1, h.capacity) + Math.random() * 0.05 }))
    .sort((a, b) => b.score - a.score);
  const chosen: Candidate[] = [];
  const countries = new Set(takenCountries);
  for (const { h } of eligible) {
    if (countries.has(h.country)) continue;
    chosen.push(h);
    countries.add(h.country);
    if (chosen.length === needed) return chosen;
  }
  return null;
}
