import type { EffectivePolicy, FolderPolicy, StorageSite } from '@coffer/protocol';
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
//
// [Note: Personal servers]
// A host started with `--personal` is a personal server: once claimed (`coffer host claim`), it
// takes its owner's data and nothing else, and never data from the public pool. A folder's
// policy says where its files live (`on`): on the network's hosts (`replicas` copies in
// distinct countries; the default), on the owner's personal servers (a copy on each), or both.
// Personal servers count toward the personal part only, never toward the network's countries,
// and country and tag rules do not apply to them: the owner chose them. An upload needs one
// personal copy; repair adds one on each other personal server of the owner as it comes
// online, and moves copies off personal servers only when the policy no longer keeps them
// there. An unclaimed personal server takes nothing.

/** A policy as the hub applies it: `owner` is the account whose personal servers `on` means. */
export interface Placement extends EffectivePolicy {
  owner?: string;
}

/** What placement needs to know about where a copy is or may go. */
export interface Site {
  country: string;
  /** The host's tags as placement sees them; absent means none. */
  labels?: Readonly<Record<string, string>>;
  /** A personal server (of `owner_account_id`, when claimed); absent means public. */
  isPersonal?: boolean;
  owner_account_id?: string | null;
}

/** What placement needs to know about a host. */
export interface Candidate
  extends Site,
    Pick<HostRow, 'id' | 'country' | 'capacity' | 'used_bytes' | 'stored_bytes'> {
  /** May receive data now. */
  online: boolean;
  /** Passed vetting; absent counts as vetted. */
  vetted?: boolean;
}

/** A copy of a chunk, where it is. */
export interface Holding extends Site {
  hostId: string;
}

export const onNetwork = (p: Placement) => p.on !== 'personal';
export const onPersonal = (p: Placement) => p.on === 'personal' || p.on === 'both';

export const allowedBy = (policy: Placement, country: string) =>
  (!policy.allowCountries || policy.allowCountries.includes(country)) &&
  !policy.excludeCountries?.includes(country);

/**
 * The host may hold data under the policy: a public host whose country and tags fit a policy
 * that keeps data on the network, or a personal server of the owner a policy keeps data with.
 */
export const hostAllowed = (policy: Placement, h: Site) =>
  h.isPersonal
    ? onPersonal(policy) && !!policy.owner && h.owner_account_id === policy.owner
    : onNetwork(policy) &&
      allowedBy(policy, h.country) &&
      Object.entries(policy.requiredTags ?? {}).every(([k, v]) => h.labels?.[k] === v);

/** Two folders' answers to "where": both must hold, so network and personal make both. */
const bothSites = (a?: StorageSite, b?: StorageSite): StorageSite | undefined =>
  !a ? b : !b || a === b ? a : 'both';

/**
 * `base` made stricter by `more`: the larger replica count, only countries both allow, every
 * country either excludes, every tag either requires, every place either keeps data on. Two
 * different values for one tag leave no country allowed, so placement fails with a clear
 * error rather than ignore one of them.
 */
export function tighten(base: Placement, more: FolderPolicy & { owner?: string }): Placement {
  const out: Placement = { ...base };
  const on = bothSites(base.on, more.on);
  if (on) out.on = on;
  if (more.owner) out.owner = more.owner;
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

/** Countries of the public copies that count under the policy. */
const networkCountries = (policy: Placement, have: readonly Site[]) =>
  new Set(have.filter((h) => !h.isPersonal && hostAllowed(policy, h)).map((h) => h.country));

const hasPersonalCopy = (policy: Placement, have: readonly Site[]) =>
  have.some((h) => h.isPersonal && hostAllowed(policy, h));

/**
 * Copies a commit still needs: the network's countries it lacks, and one personal copy when
 * the policy keeps data on personal servers and none holds it yet.
 */
export function missingCopies(policy: Placement, have: readonly Holding[] = []): number {
  const network = onNetwork(policy)
    ? Math.max(0, policy.replicas - networkCountries(policy, have).size)
    : 0;
  return network + (onPersonal(policy) && !hasPersonalCopy(policy, have) ? 1 : 0);
}

/** The copy may stay where it is under at least one of the chunk's requirements. */
export const allowedByAny = (policies: readonly Placement[], h: Site) =>
  policies.some((p) => hostAllowed(p, h));

/**
 * Whether repair has work on a chunk under its requirements (one policy per account whose
 * files hold it): copies short of any of them (network countries, or a personal server of its
 * owner online now without a copy), or a copy that none of them allows. `holders` are the
 * hosts whose copies count; `all` every holder; `hosts` every host.
 */
export function belowPolicy(
  policies: readonly Placement[],
  holders: readonly Holding[],
  all: readonly Holding[],
  hosts: readonly Candidate[],
): boolean {
  if (all.some((h) => !allowedByAny(policies, h))) return true;
  const holding = new Set(all.map((h) => h.hostId));
  return policies.some((policy) => {
    if (onNetwork(policy) && networkCountries(policy, holders).size < policy.replicas) return true;
    if (!onPersonal(policy)) return false;
    return hosts.some(
      (h) => h.isPersonal && h.online && hostAllowed(policy, h) && !holding.has(h.id),
    );
  });
}

/**
 * Hosts for the copies a chunk still needs, or null when the policy cannot be met now: for the
 * network, the best hosts in countries not yet taken; for personal servers, each of the owner's
 * that is online and has room (at least one, unless one holds the chunk already).
 */
export function choosePlacement<C extends Candidate>(
  hosts: readonly C[],
  policy: Placement,
  size: number,
  have: readonly Holding[],
  exclude: ReadonlySet<string>,
  reservedBytes: ReadonlyMap<string, number> = new Map(),
  unvettedShare = 1,
): C[] | null {
  const holding = new Set(have.map((h) => h.hostId));
  const free = (h: C) =>
    h.capacity - Math.max(h.used_bytes, h.stored_bytes) - (reservedBytes.get(h.id) ?? 0);
  const usable = (h: C) =>
    h.online &&
    !exclude.has(h.id) &&
    !holding.has(h.id) &&
    hostAllowed(policy, h) &&
    free(h) >= size;
  const personal = onPersonal(policy) ? hosts.filter((h) => h.isPersonal && usable(h)) : [];
  if (onPersonal(policy) && personal.length === 0 && !hasPersonalCopy(policy, have)) return null;
  const network = onNetwork(policy)
    ? choosePublic(hosts, policy, have, usable, free, unvettedShare)
    : [];
  return network && [...network, ...personal];
}

function choosePublic<C extends Candidate>(
  hosts: readonly C[],
  policy: Placement,
  have: readonly Holding[],
  usable: (h: C) => boolean,
  free: (h: C) => number,
  unvettedShare: number,
): C[] | null {
  const takenCountries = networkCountries(policy, have);
  const needed = policy.replicas - takenCountries.size;
  if (needed <= 0) return [];
  const eligible = hosts
    .filter((h) => !h.isPersonal && !takenCountries.has(h.country) && usable(h))
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
