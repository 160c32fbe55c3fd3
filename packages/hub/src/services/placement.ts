import type { FolderPolicy, PlacementPolicy } from '@coffer/protocol';
import type { HostRow } from '../db/schema.ts';

// [Note: Placement]
// A chunk needs `replicas` copies on hosts in distinct countries, each allowed by the policy
// (country allowed and not excluded, every required tag present), placeable (online, in good
// standing) and with room for it. Among eligible hosts we prefer the emptiest (by share of
// capacity used), with a little randomness so equal hosts share the load. Hosts already holding
// the chunk count toward the target and their countries are taken.
//
// Vetting: a host that has not yet passed `vetting.audits` audits competes for a copy only
// with probability `vetting.share`, unless no vetted host can take it. A new host thus
// proves itself on a little data before it holds much, and a network of new hosts still works.
//
// The policy is the network's, tightened by the policies of the folders the chunk's files are
// in (see `tighten`).

/** What placement needs to know about a host. */
export interface Candidate
  extends Pick<HostRow, 'id' | 'country' | 'capacity' | 'used_bytes' | 'stored_bytes'> {
  /** May receive data now. */
  online: boolean;
  /** The host's tags as placement sees them; absent means none. */
  labels?: Readonly<Record<string, string>>;
  /** Passed vetting; absent counts as vetted. */
  vetted?: boolean;
}

export const allowedBy = (policy: PlacementPolicy, country: string) =>
  (!policy.allowCountries || policy.allowCountries.includes(country)) &&
  !policy.excludeCountries?.includes(country);

/** The host satisfies the policy: country and required tags. */
export const hostAllowed = (
  policy: PlacementPolicy,
  h: { country: string; labels?: Readonly<Record<string, string>> },
) =>
  allowedBy(policy, h.country) &&
  Object.entries(policy.requiredTags ?? {}).every(([k, v]) => h.labels?.[k] === v);

/**
 * `base` made stricter by `more`: the larger replica count, only countries both allow, every
 * country either excludes, every tag either requires. Two different values for one tag leave
 * no country allowed, so placement fails with a clear error rather than ignore one of them.
 */
export function tighten(base: PlacementPolicy, more: FolderPolicy): PlacementPolicy {
  const out: PlacementPolicy = { ...base };
  if (more.replicas !== undefined) out.replicas = Math.max(base.replicas, more.replicas);
  if (more.allowCountries) {
    out.allowCountries = base.allowCountries
      ? base.allowCountries.filter((c) => more.allowCountries?.includes(c))
      : [...more.allowCountries];
  }
  if (more.excludeCountries?.length) {
    out.excludeCountries = [
      ...new Set([...(base.excludeCountries ?? []), ...more.excludeCountries]),
    ];
  }
  if (more.requiredTags && Object.keys(more.requiredTags).length) {
    const tags = { ...(base.requiredTags ?? {}) };
    for (const [k, v] of Object.entries(more.requiredTags)) {
      if (tags[k] !== undefined && tags[k] !== v) out.allowCountries = [];
      tags[k] = v;
    }
    out.requiredTags = tags;
  }
  return out;
}

export function choosePlacement<C extends Candidate>(
  hosts: readonly C[],
  policy: PlacementPolicy,
  size: number,
  have: readonly { hostId: string; country: string; labels?: Readonly<Record<string, string>> }[],
  exclude: ReadonlySet<string>,
  reservedBytes: ReadonlyMap<string, number> = new Map(),
  unvettedShare = 1,
): C[] | null {
  const takenCountries = new Set(have.filter((h) => hostAllowed(policy, h)).map((h) => h.country));
  const needed = policy.replicas - takenCountries.size;
  if (needed <= 0) return [];
  const holding = new Set(have.map((h) => h.hostId));
  const free = (h: C) =>
    h.capacity - Math.max(h.used_bytes, h.stored_bytes) - (reservedBytes.get(h.id) ?? 0);
  const eligible = hosts
    .filter(
      (h) =>
        h.online &&
        !exclude.has(h.id) &&
        !holding.has(h.id) &&
        !takenCountries.has(h.country) &&
        hostAllowed(policy, h) &&
        free(h) >= size,
    )
    .map((h) => ({ h, score: free(h) / Math.max(1, h.capacity) + Math.random() * 0.05 }))
    .sort((a, b) => b.score - a.score)
    .map((e) => e.h);
  const chosen: C[] = [];
  const countries = new Set(takenCountries);
  const next = (vettedOnly: boolean) =>
    eligible.find((h) => !countries.has(h.country) && (!vettedOnly || h.vetted !== false));
  while (chosen.length < needed) {
    // Most copies go to the best vetted host; a `unvettedShare` of them to the best of all.
    const h = (Math.random() >= unvettedShare && next(true)) || next(false);
    if (!h) return null;
    chosen.push(h);
    countries.add(h.country);
  }
  return chosen;
}
