import { ConflictError, ValidationError } from '@coffer/errors';
import {
  type FolderPolicy,
  folderPolicy,
  type RouteBody,
  type RouteResponse,
} from '@coffer/protocol';
import type { Caller, Hub } from '../context.ts';
import type { DbOrTx } from '../db/schema.ts';
import { slices } from '../db/slices.ts';
import { ownNode } from './access.ts';
import { hostViews, inGoodStanding } from './host-state.ts';
import { hostAllowed, onNetwork, onPersonal, type Placement, tighten } from './placement.ts';

// [Note: Folder policies]
// A folder's owner may tighten the network's placement policy for everything under the folder
// (more replicas, fewer countries, required tags); subfolders inherit it. The hub sees which
// folders have a policy and what it says, never their names. Uploads name the folders their
// chunks are for, so placement follows the policy from the first copy; a commit into a folder
// checks it again; repair (see [Note: Repair]) finds chunks whose replicas fall short of, or
// lie outside, the policy of any folder they are in, and moves them. A policy set or changed
// on a full folder is thus applied by repair, at its rate limit.

const parsePolicy = (text: string): FolderPolicy => folderPolicy.parse(JSON.parse(text));

/** Whether any folder has a policy: when none does, everything follows the network's. */
async function anyPolicy(db: DbOrTx): Promise<boolean> {
  return (await db.selectFrom('folder_policies').select('node_id').limit(1).execute()).length > 0;
}

/**
 * The policy in effect in each folder of `folders`: the network's, tightened by the folder's
 * own policy and its ancestors'.
 */
export async function effectivePolicies(
  hub: Hub,
  db: DbOrTx,
  folders: readonly string[],
): Promise<Map<string, Placement>> {
  const out = new Map<string, Placement>();
  if (!(await anyPolicy(db))) {
    for (const f of folders) out.set(f, hub.config.placement);
    return out;
  }
  // Walk up level by level, one query per level for every folder at once.
  const parent = new Map<string, string | null>();
  let frontier = [...new Set(folders)];
  while (frontier.length) {
    const next: string[] = [];
    for (const part of slices(frontier)) {
      const rows = await db
        .selectFrom('nodes')
        .select(['id', 'parent_id'])
        .where('id', 'in', part)
        .execute();
      for (const r of rows) {
        parent.set(r.id, r.parent_id);
        if (r.parent_id && !parent.has(r.parent_id)) next.push(r.parent_id);
      }
    }
    frontier = [...new Set(next)];
  }
  const own = new Map<string, FolderPolicy & { owner: string }>();
  const ids = [...parent.keys()];
  for (const part of slices(ids)) {
    const rows = await db
      .selectFrom('folder_policies')
      .select(['node_id', 'policy', 'account_id'])
      .where('node_id', 'in', part)
      .execute();
    // The folder's owner set the policy: "personal" means their personal servers.
    for (const r of rows) own.set(r.node_id, { ...parsePolicy(r.policy), owner: r.account_id });
  }
  const memo = new Map<string, Placement>();
  const resolve = (id: string): Placement => {
    const known = memo.get(id);
    if (known) return known;
    const up = parent.get(id);
    const base = up ? resolve(up) : hub.config.placement;
    const mine = own.get(id);
    const p = mine ? tighten(base, mine) : base;
    memo.set(id, p);
    return p;
  };
  for (const f of folders) out.set(f, resolve(f));
  return out;
}

/** One policy that satisfies every folder in `folders` (the network's when there are none). */
export async function policyForFolders(
  hub: Hub,
  db: DbOrTx,
  folders: readonly string[],
): Promise<Placement> {
  const each = await effectivePolicies(hub, db, folders);
  return [...each.values()].reduce((a, b) => tighten(a, b), hub.config.placement);
}

/**
 * What each chunk must satisfy: one policy per account whose files (any revision) hold it, the
 * strictest among that account's folders. Chunks of no file follow the network's.
 *
 * A chunk is held by one account's files until a member copies a file from a group (the copy
 * keeps the ciphertext, so its chunk ids); then each account's policy is a requirement of its
 * own, and one account's policy never makes another account's copies "misplaced" (see
 * `belowPolicy` and `allowedByAny` in placement.ts).
 */
export async function chunkPolicies(
  hub: Hub,
  chunks: readonly string[],
): Promise<Map<string, Placement[]>> {
  const out = new Map<string, Placement[]>();
  if (!(await anyPolicy(hub.db))) {
    const copying = await copyPolicies(hub, chunks);
    for (const c of chunks) out.set(c, [hub.config.placement, ...(copying.get(c) ?? [])]);
    return out;
  }
  /** Folders holding each chunk's files, by the account that owns them. */
  const folders = new Map<string, Map<string, Set<string>>>();
  for (const part of slices(chunks)) {
    const rows = await hub.db
      .selectFrom('revision_chunks as rc')
      .innerJoin('nodes as n', 'n.id', 'rc.node_id')
      .select(['rc.chunk_id', 'n.parent_id', 'n.account_id'])
      .distinct()
      .where('rc.chunk_id', 'in', part)
      .execute();
    for (const r of rows) {
      if (!r.parent_id) continue;
      const byAccount = folders.get(r.chunk_id) ?? new Map<string, Set<string>>();
      const set = byAccount.get(r.account_id) ?? new Set<string>();
      set.add(r.parent_id);
      byAccount.set(r.account_id, set);
      folders.set(r.chunk_id, byAccount);
    }
  }
  const all = [
    ...new Set([...folders.values()].flatMap((m) => [...m.values()].flatMap((s) => [...s]))),
  ];
  const each = await effectivePolicies(hub, hub.db, all);
  const copying = await copyPolicies(hub, chunks);
  for (const c of chunks) {
    const byAccount = [...(folders.get(c)?.values() ?? [])].map((set) =>
      [...set].reduce<Placement>((p, f) => tighten(p, each.get(f) ?? p), hub.config.placement),
    );
    const all = [...byAccount, ...(copying.get(c) ?? [])];
    out.set(c, all.length ? all : [hub.config.placement]);
  }
  return out;
}

/**
 * The policy each chunk held by a copy from a group in progress is copied for, and each
 * subscriber's whose mirror holds it: requirements of their own, until the member adopts the
 * file ([Note: Copies from groups]) or the mirror is evicted ([Note: Auto-mirror]).
 */
async function copyPolicies(hub: Hub, chunks: readonly string[]) {
  const out = new Map<string, Placement[]>();
  const add = (chunk: string, p: Placement) => {
    const list = out.get(chunk) ?? [];
    list.push(p);
    out.set(chunk, list);
  };
  for (const part of slices(chunks)) {
    const rows = await hub.db
      .selectFrom('group_copy_chunks as cc')
      .innerJoin('group_copies as gc', 'gc.id', 'cc.copy_id')
      .select(['cc.chunk_id', 'gc.policy'])
      .where('cc.chunk_id', 'in', part)
      .execute();
    for (const r of rows) add(r.chunk_id, JSON.parse(r.policy) as Placement);
    const mirrored = await hub.db
      .selectFrom('mirror_chunks as mc')
      .innerJoin('mirrors as m', 'm.id', 'mc.mirror_id')
      .select(['mc.chunk_id', 'm.account_id'])
      .distinct()
      .where('mc.chunk_id', 'in', part)
      .execute();
    // As mirrorPolicy in mirror-evictions.ts, which imports this module.
    for (const r of mirrored)
      add(r.chunk_id, { ...hub.config.placement, on: 'personal', owner: r.account_id });
  }
  return out;
}

/**
 * Chunks stored under folders that have a policy, for repair to check against it: every file
 * in every such folder's subtree. Bounded by `limit` chunks per call, in random order of
 * folders so a huge subtree does not hide the others.
 */
export async function chunksUnderPolicies(hub: Hub, limit: number): Promise<string[]> {
  const policies = await hub.db.selectFrom('folder_policies').select(['node_id']).execute();
  if (policies.length === 0) return [];
  const roots = policies.map((p) => p.node_id);
  const owners = await hub.db
    .selectFrom('nodes')
    .select('account_id')
    .distinct()
    .where('id', 'in', roots)
    .execute();
  if (owners.length === 0) return [];
  const folders = await hub.db
    .selectFrom('nodes')
    .select(['id', 'parent_id'])
    .where('kind', '=', 'folder')
    .where(
      'account_id',
      'in',
      owners.map((o) => o.account_id),
    )
    .execute();
  const children = new Map<string, string[]>();
  for (const f of folders) {
    if (!f.parent_id) continue;
    const list = children.get(f.parent_id) ?? [];
    list.push(f.id);
    children.set(f.parent_id, list);
  }
  const subtree = new Set<string>();
  const stack = roots.filter((r) => folders.some((f) => f.id === r));
  while (stack.length) {
    const id = stack.pop() as string;
    if (subtree.has(id)) continue;
    subtree.add(id);
    stack.push(...(children.get(id) ?? []));
  }
  const ids = [...subtree].sort(() => Math.random() - 0.5);
  const out = new Set<string>();
  for (const part of slices(ids)) {
    if (out.size >= limit) break;
    const rows = await hub.db
      .selectFrom('revision_chunks as rc')
      .innerJoin('nodes as n', 'n.id', 'rc.node_id')
      .select('rc.chunk_id')
      .distinct()
      .where('n.parent_id', 'in', part)
      .execute();
    for (const r of rows) out.add(r.chunk_id);
  }
  return [...out];
}

async function policyAnswer(
  hub: Hub,
  c: Caller,
  id: string,
): Promise<RouteResponse<'getFolderPolicy'>> {
  const row = await hub.db
    .selectFrom('folder_policies')
    .select('policy')
    .where('node_id', '=', id)
    .executeTakeFirst();
  const inEffect: Placement =
    (await effectivePolicies(hub, hub.db, [id])).get(id) ?? hub.config.placement;
  const { owner: _owner, ...effective } = inEffect;
  // An app is told only what concerns its folder: the personal servers that keep its copies,
  // none when it is not kept on them (how many the account has is not its business).
  const told = !c.app || onPersonal(inEffect);
  return {
    own: row ? parsePolicy(row.policy) : null,
    effective,
    personalServers: told ? (await personalServers(hub, c.accountId)).length : 0,
  };
}

/** The caller's personal servers in good standing ([Note: Personal servers]). */
async function personalServers(hub: Hub, accountId: string) {
  return (await hostViews(hub)).filter(
    (h) => h.isPersonal && h.owner_account_id === accountId && inGoodStanding(h),
  );
}

async function ownFolder(hub: Hub, c: Caller, id: string) {
  const n = await ownNode(hub.db, c, id);
  if (n.kind !== 'folder') throw new ValidationError('id', 'is a file; policies apply to folders');
  return n;
}

export async function getPolicy(
  hub: Hub,
  c: Caller,
  id: string,
): Promise<RouteResponse<'getFolderPolicy'>> {
  await ownFolder(hub, c, id);
  return policyAnswer(hub, c, id);
}

/**
 * Sets a folder's policy after checking the network can meet it: enough countries with hosts
 * in good standing that the policy allows.
 */
export async function setPolicy(
  hub: Hub,
  c: Caller,
  id: string,
  b: RouteBody<'setFolderPolicy'>,
): Promise<RouteResponse<'setFolderPolicy'>> {
  const folder = await ownFolder(hub, c, id);
  if (folder.trashed_at !== null) throw new ConflictError('id: that folder is in the trash');
  if (b.policy === null) {
    await hub.db.deleteFrom('folder_policies').where('node_id', '=', id).execute();
    return policyAnswer(hub, c, id);
  }
  const policy = b.policy;
  const inherited = folder.parent_id
    ? ((await effectivePolicies(hub, hub.db, [folder.parent_id])).get(folder.parent_id) ??
      hub.config.placement)
    : hub.config.placement;
  for (const [k, v] of Object.entries(policy.requiredTags ?? {})) {
    const before = inherited.requiredTags?.[k];
    if (before !== undefined && before !== v) {
      throw new ValidationError(
        `policy.requiredTags.${k}`,
        `this folder already requires ${k}=${before} (from the network or an enclosing folder)`,
      );
    }
  }
  const effective = tighten(inherited, { ...policy, owner: c.accountId });
  if (onPersonal(effective) && (await personalServers(hub, c.accountId)).length === 0) {
    throw new ValidationError(
      'policy.on',
      'you have no personal server: start one with coffer host --personal, then coffer host claim',
    );
  }
  const countries = new Set(
    (await hostViews(hub))
      .filter((h) => !h.isPersonal && inGoodStanding(h) && hostAllowed(effective, h))
      .map((h) => h.country),
  );
  if (onNetwork(effective) && countries.size < effective.replicas) {
    const field = policy.allowCountries
      ? 'policy.allowCountries'
      : policy.requiredTags
        ? 'policy.requiredTags'
        : policy.excludeCountries
          ? 'policy.excludeCountries'
          : 'policy.replicas';
    throw new ValidationError(
      field,
      `hosts that fit this policy are in ${countries.size} ${countries.size === 1 ? 'country' : 'countries'}` +
        `${countries.size ? ` (${[...countries].sort().join(', ')})` : ''}; ${effective.replicas} replicas need as many countries`,
    );
  }
  const now = hub.now();
  const text = JSON.stringify(policy);
  await hub.db
    .insertInto('folder_policies')
    .values({ node_id: id, account_id: c.accountId, policy: text, updated_at: now })
    .onConflict((oc) => oc.column('node_id').doUpdateSet({ policy: text, updated_at: now }))
    .execute();
  return policyAnswer(hub, c, id);
}
