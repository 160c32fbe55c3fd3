import { ForbiddenError, NotFoundError } from '@coffer/errors';
import type { AppCaller, Caller } from '../context.ts';
import type { DbOrTx, NodesTable, SharesTable } from '../db/schema.ts';
import { slices } from '../db/slices.ts';
import { insideAppFolder } from './app-scope.ts';
import { ancestry } from './nodes.ts';

// Who may read or write what: the caller's own nodes, those in folders shared with them
// ([Note: Shares on the hub] in shares.ts), the shares they own, and the chunks of what they
// may read.

/** A node of the caller's; anyone else's is reported as missing, not as forbidden. */
export async function ownNode(
  db: DbOrTx,
  c: Caller,
  id: string,
  field = 'id',
): Promise<NodesTable> {
  const n = await db
    .selectFrom('nodes')
    .selectAll()
    .where('id', '=', id)
    .where('account_id', '=', c.accountId)
    .executeTakeFirst();
  if (!n) throw new NotFoundError(`${field}: no such file or folder`);
  return n;
}

/**
 * A node the caller may change: their own, or one under a folder shared with them read-write
 * (the shared folder itself stays its owner's). A read-only member gets ForbiddenError; anyone
 * else finds nothing.
 */
export async function writableNode(
  db: DbOrTx,
  c: Caller,
  id: string,
  field = 'id',
  o: { shareRootToo?: boolean } = {},
): Promise<NodesTable> {
  const n = await db.selectFrom('nodes').selectAll().where('id', '=', id).executeTakeFirst();
  if (n?.account_id === c.accountId) return n;
  const access = n ? await shareAccess(db, c, id) : null;
  if (!n || !access) throw new NotFoundError(`${field}: no such file or folder`);
  if (access.role !== 'write')
    throw new ForbiddenError(`${field}: this folder is shared with you read-only`);
  if (access.share.node_id === id && !o.shareRootToo)
    throw new ForbiddenError(`${field}: the shared folder itself is its owner's to change`);
  return n;
}

/** The share `nodeId` is in (the folder itself or one above it), with the caller's role. */
export async function shareAccess(
  db: DbOrTx,
  c: Caller,
  nodeId: string,
): Promise<{ share: SharesTable; role: 'owner' | 'read' | 'write' } | null> {
  const chain = await ancestry(db, nodeId);
  const found = new Map<string, SharesTable>();
  for (const part of slices(chain)) {
    const rows = await db.selectFrom('shares').selectAll().where('node_id', 'in', part).execute();
    for (const r of rows) found.set(r.node_id, r);
  }
  // The nearest share above decides (shares do not nest, so there is at most one).
  const share = chain.map((id) => found.get(id)).find((x) => x !== undefined);
  if (!share) return null;
  if (share.owner_id === c.accountId) return { share, role: 'owner' };
  const m = await db
    .selectFrom('share_members')
    .select('role')
    .where('share_id', '=', share.id)
    .where('account_id', '=', c.accountId)
    .executeTakeFirst();
  return m ? { share, role: m.role } : null;
}

/** A node the caller owns or may read through a share; anything else is missing. */
export async function readableNode(
  db: DbOrTx,
  c: Caller,
  id: string,
  field = 'id',
): Promise<NodesTable> {
  const n = await db.selectFrom('nodes').selectAll().where('id', '=', id).executeTakeFirst();
  if (n && (n.account_id === c.accountId || (await shareAccess(db, c, id)))) return n;
  throw new NotFoundError(`${field}: no such file or folder`);
}

/** A share the caller owns; anyone else's is reported as missing. */
export async function ownShare(db: DbOrTx, c: Caller, id: string): Promise<SharesTable> {
  const s = await db
    .selectFrom('shares')
    .selectAll()
    .where('id', '=', id)
    .where('owner_id', '=', c.accountId)
    .executeTakeFirst();
  if (!s) throw new NotFoundError('id: no such share of yours');
  return s;
}

/**
 * Chunk ids among `ids` that the caller may read: in one of its uploads or its files (for an
 * app, [Note: App chunks]).
 */
export async function accessibleChunks(
  db: DbOrTx,
  c: Caller,
  ids: readonly string[],
): Promise<Set<string>> {
  if (c.app) return appChunks(db, c.app, ids);
  const ok = new Set<string>();
  for (const part of slices(ids)) {
    await addUploaded(db, ok, 'u.account_id', c.accountId, part);
    const rest = part.filter((x) => !ok.has(x));
    if (rest.length === 0) continue;
    const viaFiles = await db
      .selectFrom('revision_chunks as rc')
      .innerJoin('nodes as n', 'n.id', 'rc.node_id')
      .select('rc.chunk_id')
      .where('n.account_id', '=', c.accountId)
      .where('rc.chunk_id', 'in', rest)
      .execute();
    for (const r of viaFiles) ok.add(r.chunk_id);
    const shared = part.filter((x) => !ok.has(x));
    if (shared.length === 0) continue;
    // Chunks of files in folders shared with the caller.
    await addHeld(
      db,
      ok,
      shared,
      new Map(),
      async (nodeId) => (await shareAccess(db, c, nodeId)) !== null,
    );
  }
  return ok;
}

// [Note: App chunks]
// A chunk id is not a node, so confine() (app-scope.ts) cannot check it; these do. An app may
// use (locate, report, commit) the chunks of files inside its folder and those of uploads it
// opened itself (uploads.app_id), never those of the account's other uploads: else it could
// place any chunk id it learnt in an upload of the account and then locate it. Placing a chunk
// the hub already knows (stored, or placed in any upload) is refused to an app unless it may
// use that chunk already, so its own uploads hold only what it uploads itself or what its
// folder holds. A chunk id is the hash of its ciphertext and nobody guesses one, but an app
// must not get even ciphertext from outside its scope. Refusals are 403 for chunks the hub
// knows and 404 for ids it has never seen, as for nodes.

/** The chunks among `ids` an app may use ([Note: App chunks]). */
async function appChunks(db: DbOrTx, app: AppCaller, ids: readonly string[]): Promise<Set<string>> {
  const ok = new Set<string>();
  const inside = new Map<string, boolean>();
  for (const part of slices(ids)) {
    await addUploaded(db, ok, 'u.app_id', app.id, part);
    const rest = part.filter((x) => !ok.has(x));
    if (rest.length === 0) continue;
    await addHeld(db, ok, rest, inside, (nodeId) => insideAppFolder(db, app, nodeId));
  }
  return ok;
}

/** Adds to `ok` the chunks among `ids` placed in an upload of the account or app `by` names. */
async function addUploaded(
  db: DbOrTx,
  ok: Set<string>,
  by: 'u.account_id' | 'u.app_id',
  id: string,
  ids: readonly string[],
) {
  const rows = await db
    .selectFrom('upload_chunks as uc')
    .innerJoin('uploads as u', 'u.id', 'uc.upload_id')
    .select('uc.chunk_id')
    .where(by, '=', id)
    .where('uc.chunk_id', 'in', ids)
    .execute();
  for (const r of rows) ok.add(r.chunk_id);
}

/**
 * Adds to `ok` the chunks among `ids` held by a file that `may` lets through. `may` is asked
 * once per file: its answers are kept in `answers`.
 */
async function addHeld(
  db: DbOrTx,
  ok: Set<string>,
  ids: readonly string[],
  answers: Map<string, boolean>,
  may: (nodeId: string) => Promise<boolean>,
) {
  const holders = await db
    .selectFrom('revision_chunks')
    .select(['chunk_id', 'node_id'])
    .where('chunk_id', 'in', ids)
    .execute();
  for (const h of holders) {
    if (ok.has(h.chunk_id)) continue;
    let can = answers.get(h.node_id);
    if (can === undefined) {
      can = await may(h.node_id);
      answers.set(h.node_id, can);
    }
    if (can) ok.add(h.chunk_id);
  }
}

/** The chunks among `ids` the hub knows: stored, held by a file, or placed in some upload. */
async function knownChunks(db: DbOrTx, ids: readonly string[]): Promise<Set<string>> {
  const known = new Set<string>();
  const lookups = [
    (part: string[]) => db.selectFrom('chunks').select('id as chunk_id').where('id', 'in', part),
    (part: string[]) =>
      db.selectFrom('revision_chunks').select('chunk_id').where('chunk_id', 'in', part),
    (part: string[]) =>
      db.selectFrom('upload_chunks').select('chunk_id').where('chunk_id', 'in', part),
  ];
  for (const part of slices(ids)) {
    for (const lookup of lookups) {
      const rest = part.filter((x) => !known.has(x));
      if (rest.length === 0) break;
      for (const r of await lookup(rest).execute()) known.add(r.chunk_id);
    }
  }
  return known;
}

/**
 * ForbiddenError naming the first of `ids` that an app may not use although the hub knows it
 * ([Note: App chunks]); `field(i)` names the input at index i. Nothing for other callers.
 */
export async function refuseChunksOutsideApp(
  db: DbOrTx,
  c: Caller,
  ids: readonly string[],
  field: (i: number) => string,
): Promise<void> {
  if (!c.app) return;
  const usable = await appChunks(db, c.app, ids);
  const known = await knownChunks(
    db,
    ids.filter((x) => !usable.has(x)),
  );
  const i = ids.findIndex((x) => known.has(x));
  if (i >= 0) {
    throw new ForbiddenError(`${field(i)}: a chunk outside the folder this app token is for`);
  }
}
