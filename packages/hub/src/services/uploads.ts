import { NotFoundError, ValidationError } from '@coffer/errors';
import type { RouteBody, RouteResponse } from '@coffer/protocol';
import type { Caller, Hub } from '../context.ts';
import { inTransaction } from '../db/transaction.ts';
import { accessibleChunks, refuseChunksOutsideApp, writableNode } from './access.ts';
import { capabilityTtlFor } from './capability.ts';
import { commitFiles, withNameConflicts } from './commits.ts';
import { newRecordId } from './ids.ts';
import { refuseRepeats } from './input.ts';
import { missingCopies } from './placement.ts';
import { policyForFolders } from './policies.ts';
import { locate, replicasOf } from './replicas.ts';
import { endUpload, placeInUpload, uploadChunks } from './upload-placement.ts';
import { receiptsForUpload } from './upload-receipts.ts';
import { checkQuota } from './usage.ts';

// [Note: Upload]
// 1. POST /uploads opens an upload; everything below hangs off it and survives restarts.
// 2. For each batch of encrypted chunks, POST /uploads/:id/chunks picks hosts (see
//    [Note: Placement]) and returns put tokens. The client sends each chunk once, to the first
//    host, which streams it on to the next (the chain is in its token, signed by the hub).
// 3. Each host fsyncs and signs a receipt; the client hands the receipts to
//    POST /uploads/:id/receipts, and the hub checks every signature against the host's key.
// 4. POST /uploads/:id/commit creates the files or revisions, all or none, and only if every
//    chunk they reference has receipts from hosts in enough distinct countries.
// A client that dies re-opens the same upload and asks GET /uploads/:id what is complete.
//
// [Note: A commit ends its upload]
// The commit deletes the upload: its row and its hold on every chunk it placed. Committed
// chunks are held by their revisions now; any others it placed become garbage at once
// ([Note: Garbage collection]) instead of a day later, and the uploads table holds only uploads
// in progress. Nothing needs the row afterwards: a commit retried after its answer was lost
// gets 404 for the upload, and the SDK then checks whether the files did land
// (commitWithRetry), as it does for a 409. A client committing in several calls opens one
// upload per call (the SDK's small-file packs do).

/** An upload of the caller's; for an app, one it opened itself ([Note: App chunks]). */
async function ownUpload(hub: Hub, c: Caller, id: string) {
  let q = hub.db
    .selectFrom('uploads')
    .selectAll()
    .where('id', '=', id)
    .where('account_id', '=', c.accountId)
    .where('request_id', 'is', null);
  if (c.app) q = q.where('app_id', '=', c.app.id);
  const u = await q.executeTakeFirst();
  if (!u) throw new NotFoundError('id: no such upload');
  if (u.expires_at < hub.now()) throw new NotFoundError('id: this upload has expired');
  return u;
}

/** The policy each chunk of an upload was placed for. */
async function uploadPolicies(hub: Hub, uploadId: string, ids: readonly string[]) {
  const chunks = await uploadChunks(hub, uploadId, ids);
  return (chunk: string) => chunks.get(chunk)?.policy ?? hub.config.placement;
}

export async function createUpload(hub: Hub, c: Caller): Promise<RouteResponse<'createUpload'>> {
  const now = hub.now();
  const upload = {
    id: newRecordId(),
    account_id: c.accountId,
    request_id: null,
    app_id: c.app?.id ?? null,
    created_at: now,
    expires_at: now + hub.config.uploadTtlHours * 3_600_000,
  };
  await hub.db.insertInto('uploads').values(upload).execute();
  return { uploadId: upload.id, expiresAt: upload.expires_at };
}

export async function getUpload(
  hub: Hub,
  c: Caller,
  id: string,
): Promise<RouteResponse<'getUpload'>> {
  const u = await ownUpload(hub, c, id);
  const ids = (
    await hub.db
      .selectFrom('upload_chunks')
      .select('chunk_id')
      .where('upload_id', '=', id)
      .execute()
  ).map((r) => r.chunk_id);
  const replicas = await replicasOf(hub.db, ids);
  const policyOf = await uploadPolicies(hub, id, ids);
  return {
    uploadId: u.id,
    expiresAt: u.expires_at,
    complete: ids.filter((x) => missingCopies(policyOf(x), replicas.get(x)) === 0),
  };
}

export async function placeChunks(
  hub: Hub,
  c: Caller,
  id: string,
  b: RouteBody<'placeChunks'>,
): Promise<RouteResponse<'placeChunks'>> {
  await ownUpload(hub, c, id);
  await refuseChunksOutsideApp(
    hub.db,
    c,
    b.chunks.map((x) => x.id),
    (i) => `chunks.${i}.id`,
  );
  const folders = [...new Set(b.folders ?? [])];
  const owners = new Set<string>();
  for (const [i, f] of folders.entries()) {
    const n = await writableNode(hub.db, c, f, `folders.${i}`, { shareRootToo: true });
    if (n.kind !== 'folder') throw new ValidationError(`folders.${i}`, 'is a file, not a folder');
    owners.add(n.account_id);
  }
  if (hub.config.accountQuota !== undefined) {
    // Before any byte goes to a host ([Note: Account quota]).
    const adding = (await placedBytes(hub, id, b)) + b.chunks.reduce((n, x) => n + x.size, 0);
    for (const owner of owners.size ? owners : [c.accountId]) {
      await checkQuota(hub, hub.db, owner, adding, c);
    }
  }
  const policy = await policyForFolders(hub, hub.db, folders);
  return placeInUpload(hub, id, b, folders.length ? policy : null, capabilityTtlFor(hub, c));
}

/** Bytes this upload placed before, except chunks placed again now (a retry). */
async function placedBytes(hub: Hub, uploadId: string, b: RouteBody<'placeChunks'>) {
  const again = new Set(b.chunks.map((x) => x.id));
  const rows = await hub.db
    .selectFrom('upload_chunks')
    .select(['chunk_id', 'size'])
    .where('upload_id', '=', uploadId)
    .execute();
  return rows.reduce((n, r) => (again.has(r.chunk_id) ? n : n + Number(r.size)), 0);
}

export async function addReceipts(
  hub: Hub,
  c: Caller,
  id: string,
  b: RouteBody<'addReceipts'>,
): Promise<RouteResponse<'addReceipts'>> {
  await ownUpload(hub, c, id);
  return receiptsForUpload(hub, id, b);
}

export async function commitUpload(
  hub: Hub,
  c: Caller,
  id: string,
  b: RouteBody<'commitUpload'>,
): Promise<RouteResponse<'commitUpload'>> {
  await ownUpload(hub, c, id);
  refuseRepeats(
    b.files,
    (f) => f.nodeId,
    (i) => `files.${i}.nodeId`,
  );
  return withNameConflicts(() =>
    inTransaction(hub.db, async (tx) => {
      const nodes = await commitFiles(
        hub,
        tx,
        c,
        b.files,
        (i) => `files.${i}`,
        (ids) => accessibleChunks(tx, c, ids),
      );
      await endUpload(tx, id);
      return { nodes };
    }),
  );
}

export async function locateChunks(
  hub: Hub,
  c: Caller,
  b: RouteBody<'locateChunks'>,
): Promise<RouteResponse<'locateChunks'>> {
  const ids = [...new Set(b.ids)];
  const readable = await accessibleChunks(hub.db, c, ids);
  await refuseChunksOutsideApp(hub.db, c, b.ids, (i) => `ids.${i}`);
  const denied = ids.find((x) => !readable.has(x));
  if (denied) throw new NotFoundError(`ids: no chunk ${denied} in your files`);
  return { chunks: await locate(hub, ids, c.accountId, capabilityTtlFor(hub, c)) };
}
