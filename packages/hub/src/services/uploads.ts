import { fromBase64Url, type SigningPublicKey } from '@coffer/crypto';
import {
  ConflictError,
  ConnectionError,
  ForbiddenError,
  NotFoundError,
  QuotaError,
  ValidationError,
} from '@coffer/errors';
import {
  type FileCommit,
  type NodeInfo,
  openMessage,
  type PlacementPolicy,
  peekMessage,
  RECEIPT_LABEL,
  type Replica,
  type RouteBody,
  type RouteResponse,
  receiptSchema,
} from '@coffer/protocol';
import type { Transaction } from 'kysely';
import type { Caller, Hub } from '../context.ts';
import { isUniqueViolation } from '../db/errors.ts';
import type { Database, NodesTable } from '../db/schema.ts';
import { accessibleChunks, shareAccess, writableNode } from './access.ts';
import { capability } from './capability.ts';
import { hostKeys, hostViews, inGoodStanding } from './host-state.ts';
import { newRecordId } from './ids.ts';
import { checkParentKey, nodeInfo } from './nodes.ts';
import { choosePlacement } from './placement.ts';
import { effectivePolicies, policyForFolders } from './policies.ts';
import { locate, missingReplicas, replicasOf } from './replicas.ts';

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

async function ownUpload(hub: Hub, c: Caller, id: string) {
  const u = await hub.db
    .selectFrom('uploads')
    .selectAll()
    .where('id', '=', id)
    .where('account_id', '=', c.accountId)
    .where('request_id', 'is', null)
    .executeTakeFirst();
  if (!u) throw new NotFoundError('id: no such upload');
  if (u.expires_at < hub.now()) throw new NotFoundError('id: this upload has expired');
  return u;
}

/** A ValidationError on the first item whose key an earlier item of `items` has already. */
export function refuseRepeats<T>(
  items: readonly T[],
  key: (item: T) => string,
  field: (i: number) => string,
): void {
  const seen = new Set<string>();
  for (const [i, item] of items.entries()) {
    if (seen.has(key(item))) throw new ValidationError(field(i), 'listed twice');
    seen.add(key(item));
  }
}

/** The chunks of an upload among `ids`: their sizes and the policies they were placed for. */
async function uploadChunks(hub: Hub, uploadId: string, ids: readonly string[]) {
  const out = new Map<string, { size: number; policy: PlacementPolicy }>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await hub.db
      .selectFrom('upload_chunks')
      .select(['chunk_id', 'size', 'policy'])
      .where('upload_id', '=', uploadId)
      .where('chunk_id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const r of rows) {
      const policy = r.policy ? (JSON.parse(r.policy) as PlacementPolicy) : hub.config.placement;
      out.set(r.chunk_id, { size: r.size, policy });
    }
  }
  return out;
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
    complete: ids.filter((x) => missingReplicas(policyOf(x), replicas.get(x)) === 0),
  };
}

export async function placeChunks(
  hub: Hub,
  c: Caller,
  id: string,
  b: RouteBody<'placeChunks'>,
): Promise<RouteResponse<'placeChunks'>> {
  await ownUpload(hub, c, id);
  const folders = [...new Set(b.folders ?? [])];
  for (const [i, f] of folders.entries()) {
    const n = await writableNode(hub.db, c, f, `folders.${i}`, { shareRootToo: true });
    if (n.kind !== 'folder') throw new ValidationError(`folders.${i}`, 'is a file, not a folder');
  }
  const policy = await policyForFolders(hub, hub.db, folders);
  return placeInUpload(hub, id, b, folders.length ? policy : null);
}

/**
 * Chooses hosts for chunks of an (already authorized) upload, for `policy` (the network's when
 * null), and remembers the chunks as part of the upload.
 */
export async function placeInUpload(
  hub: Hub,
  id: string,
  b: Pick<RouteBody<'placeChunks'>, 'chunks' | 'exclude'>,
  folderPolicy: PlacementPolicy | null,
): Promise<RouteResponse<'placeChunks'>> {
  refuseRepeats(
    b.chunks,
    (x) => x.id,
    (i) => `chunks.${i}.id`,
  );
  const ids = b.chunks.map((x) => x.id);
  const known = new Map(
    [...(await uploadChunks(hub, id, ids))].map(([chunk, { size }]) => [chunk, size]),
  );
  const fresh = b.chunks.filter((x) => !known.has(x.id));
  for (const [i, chunk] of b.chunks.entries()) {
    const size = known.get(chunk.id);
    if (size !== undefined && size !== chunk.size) {
      throw new ValidationError(`chunks.${i}.size`, `was ${size} when first placed`);
    }
  }
  const policy = folderPolicy ?? hub.config.placement;
  const policyText = folderPolicy ? JSON.stringify(folderPolicy) : null;
  for (let i = 0; i < fresh.length; i += 200) {
    await hub.db
      .insertInto('upload_chunks')
      .values(
        fresh
          .slice(i, i + 200)
          .map((x) => ({ upload_id: id, chunk_id: x.id, size: x.size, policy: policyText })),
      )
      .onConflict((oc) => oc.columns(['upload_id', 'chunk_id']).doNothing())
      .execute();
  }
  const placedBefore = ids.filter((x) => known.has(x));
  for (let i = 0; i < placedBefore.length; i += 500) {
    await hub.db
      .updateTable('upload_chunks')
      .set({ policy: policyText })
      .where('upload_id', '=', id)
      .where('chunk_id', 'in', placedBefore.slice(i, i + 500))
      .execute();
  }
  const hosts = await hostViews(hub);
  const replicas = await replicasOf(hub.db, ids);
  const exclude = new Set(b.exclude ?? []);
  const reserved = new Map<string, number>();
  const placements = b.chunks.map((chunk, i) => {
    const have = replicas.get(chunk.id) ?? [];
    const chosen = choosePlacement(
      hosts,
      policy,
      chunk.size,
      have,
      exclude,
      reserved,
      hub.config.vetting.share,
    );
    if (!chosen) {
      // Offline hosts would do: they are restarting, or the hub is and has not heard from
      // them yet. That passes; a network with no room does not.
      const everyone = hosts.map((h) => ({ ...h, online: inGoodStanding(h) }));
      if (choosePlacement(everyone, policy, chunk.size, have, exclude, reserved)) {
        throw new ConnectionError(
          `chunks.${i}: too few hosts online in distinct countries right now; retry shortly`,
        );
      }
      throw new QuotaError(
        `chunks.${i}: not enough hosts with free space in distinct countries that the ${folderPolicy ? "folder's" : "network's"} placement policy allows (it needs ${policy.replicas})`,
      );
    }
    for (const h of chosen) reserved.set(h.id, (reserved.get(h.id) ?? 0) + chunk.size);
    const targets: Replica[] = chosen.map((h, k) => ({
      hostId: h.id,
      url: h.url,
      country: h.country,
      token: capability(hub, {
        host: h.id,
        op: 'put',
        chunk: chunk.id,
        max: chunk.size,
        ...(k + 1 < chosen.length
          ? { fwd: chosen.slice(k + 1).map((n) => ({ host: n.id, url: n.url })) }
          : {}),
      }),
    }));
    return { id: chunk.id, targets };
  });
  return { placements };
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

/** Checks host-signed receipts for chunks of an (already authorized) upload and records them. */
export async function receiptsForUpload(
  hub: Hub,
  id: string,
  b: RouteBody<'addReceipts'>,
): Promise<RouteResponse<'addReceipts'>> {
  const claimed = b.receipts.map((r, i) => peekMessage(`receipts.${i}`, r, receiptSchema));
  const hosts = await hostKeys(hub, [...new Set(claimed.map((r) => r.host))]);
  const chunkIds = [...new Set(claimed.map((r) => r.chunk))];
  const placed = await uploadChunks(hub, id, chunkIds);
  const verified = b.receipts.map((text, i) => {
    const field = `receipts.${i}`;
    const host = hosts.get(claimed[i]?.host ?? '');
    if (!host) throw new ValidationError(`${field}.host`, 'is not a registered host');
    const key = fromBase64Url(host.public_key, 'publicKey', 32) as SigningPublicKey;
    const r = openMessage(RECEIPT_LABEL, field, text, receiptSchema, key);
    const size = placed.get(r.chunk)?.size;
    if (size === undefined)
      throw new ValidationError(`${field}.chunk`, 'is not part of this upload');
    if (size !== r.size) throw new ValidationError(`${field}.size`, `expected ${size}`);
    return { receipt: r, text };
  });
  const now = hub.now();
  await hub.db.transaction().execute(async (tx) => {
    for (const { receipt: r, text } of verified) {
      await tx
        .insertInto('chunks')
        .values({ id: r.chunk, size: r.size, created_at: now })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      const added = await tx
        .insertInto('chunk_replicas')
        .values({ chunk_id: r.chunk, host_id: r.host, receipt: text, stored_at: r.at })
        .onConflict((oc) => oc.columns(['chunk_id', 'host_id']).doNothing())
        .executeTakeFirst();
      if ((added.numInsertedOrUpdatedRows ?? 0n) > 0n) {
        const h = hosts.get(r.host);
        if (h) {
          h.stored_bytes += r.size;
          await tx
            .updateTable('hosts')
            .set({ stored_bytes: h.stored_bytes })
            .where('id', '=', r.host)
            .execute();
        }
      }
    }
  });
  const replicas = await replicasOf(hub.db, chunkIds);
  return {
    chunks: chunkIds.map((x) => {
      const policy = placed.get(x)?.policy ?? hub.config.placement;
      const missing = missingReplicas(policy, replicas.get(x));
      return { id: x, complete: missing === 0, missing };
    }),
  };
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
  const chunkIds = [...new Set(b.files.flatMap((f) => f.chunkIds))];
  return withNameConflicts(() =>
    hub.db.transaction().execute(async (tx) => {
      const nodes = await commitFiles(
        hub,
        tx,
        c,
        b.files,
        (i) => `files.${i}`,
        (ids) => accessibleChunks(tx, c, ids),
      );
      // Committed chunks are held by their revisions now; the upload lets go of them, so a
      // later purge makes them garbage ([Note: Garbage collection]).
      for (let i = 0; i < chunkIds.length; i += 500) {
        await tx
          .deleteFrom('upload_chunks')
          .where('upload_id', '=', id)
          .where('chunk_id', 'in', chunkIds.slice(i, i + 500))
          .execute();
      }
      return { nodes };
    }),
  );
}

/** Runs a commit, turning a clash on a name into a ConflictError that says so. */
export async function withNameConflicts<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (isUniqueViolation(e)) {
      throw new ConflictError('name: a file or folder with this name already exists here');
    }
    throw e;
  }
}

/**
 * Creates files or new revisions inside `tx`, all or none. Every chunk must be among those
 * `readable` says the caller may use, with receipts from the hosts its folder's policy needs.
 */
export async function commitFiles(
  hub: Hub,
  tx: Transaction<Database>,
  c: Caller,
  files: readonly FileCommit[],
  fieldOf: (i: number) => string,
  readable: (chunkIds: string[]) => Promise<Set<string>>,
): Promise<NodeInfo[]> {
  const chunkIds = [...new Set(files.flatMap((f) => f.chunkIds))];
  const now = hub.now();
  const nodes: NodeInfo[] = [];
  // The parents first: nothing about a folder the caller may not write to is told.
  const parents = new Map<string, NodesTable>();
  for (const [i, f] of files.entries()) {
    if (parents.has(f.parentId)) continue;
    parents.set(
      f.parentId,
      await writableNode(tx, c, f.parentId, `${fieldOf(i)}.parentId`, { shareRootToo: true }),
    );
  }
  const usable = await readable(chunkIds);
  const replicas = await replicasOf(tx, chunkIds);
  const known = new Set<string>();
  for (let i = 0; i < chunkIds.length; i += 500) {
    const rows = await tx
      .selectFrom('chunks')
      .select('id')
      .where('id', 'in', chunkIds.slice(i, i + 500))
      .execute();
    for (const r of rows) known.add(r.id);
  }
  const policies = await effectivePolicies(hub, tx, [...new Set(files.map((f) => f.parentId))]);
  for (const [i, f] of files.entries()) {
    const policy = policies.get(f.parentId) ?? hub.config.placement;
    for (const [k, chunk] of f.chunkIds.entries()) {
      const field = `${fieldOf(i)}.chunkIds.${k}`;
      if (!usable.has(chunk) || !known.has(chunk)) {
        throw new ValidationError(field, 'has no receipts in this upload');
      }
      const missing = missingReplicas(policy, replicas.get(chunk));
      if (missing > 0) {
        throw new ValidationError(
          field,
          `needs receipts from ${missing} more host(s) in distinct countries that the placement policy of the folder allows (place chunks with the folder named in "folders")`,
        );
      }
    }
  }
  for (const [i, f] of files.entries()) {
    const field = fieldOf(i);
    const parent = parents.get(f.parentId) as NodesTable;
    if (parent.kind !== 'folder') throw new ValidationError(`${field}.parentId`, 'is a file');
    if (parent.trashed_at !== null) {
      throw new ConflictError(`${field}.parentId: that folder is in the trash`);
    }
    checkParentKey(parent, f.parentKeyVersion, `${field}.parentKeyVersion`);
    nodes.push(await commitFile(tx, c, f, field, now, parent.account_id));
  }
  return nodes;
}

async function commitFile(
  tx: Transaction<Database>,
  c: Caller,
  f: FileCommit,
  field: string,
  now: number,
  /** Whose tree the file is in: the caller's, or a share owner's. */
  treeOwner: string,
): Promise<NodeInfo> {
  const existing = await tx
    .selectFrom('nodes')
    .selectAll()
    .where('id', '=', f.nodeId)
    .executeTakeFirst();
  let row: NodesTable;
  if (existing) {
    // A new revision stays in the tree the file is in.
    if (existing.account_id !== treeOwner) {
      throw new ConflictError(`${field}.nodeId: this id is taken`);
    }
    if (existing.account_id !== c.accountId) {
      // A writer's new revision of a file in a share: the file must be in that same share.
      const here = await shareAccess(tx, c, existing.id);
      if (here?.role !== 'write') throw new ConflictError(`${field}.nodeId: this id is taken`);
      if ((await shareAccess(tx, c, f.parentId))?.share.id !== here.share.id) {
        throw new ForbiddenError(`${field}.parentId: a member moves things only within the share`);
      }
    }
    if (existing.kind !== 'file') throw new ValidationError(`${field}.nodeId`, 'is a folder');
    if (f.version === undefined) {
      throw new ConflictError(`${field}.nodeId: the file exists; send its version to replace it`);
    }
    if (existing.version !== f.version || existing.trashed_at !== null) {
      throw new ConflictError(
        `${field}.version: the file changed (now at version ${existing.version}); reload and retry`,
      );
    }
    if (f.revision !== (existing.revision ?? 0) + 1) {
      throw new ConflictError(`${field}.revision: expected ${(existing.revision ?? 0) + 1}`);
    }
    row = {
      ...existing,
      parent_id: f.parentId,
      name_hash: f.nameHash,
      wrapped_key: f.wrappedKey,
      metadata: f.metadata,
      version: existing.version + 1,
      revision: f.revision,
      size: f.size,
      updated_at: now,
      author_id: c.accountId,
      signature: f.signature ?? null,
    };
    const r = await tx
      .updateTable('nodes')
      .set(row)
      .where('id', '=', f.nodeId)
      .where('version', '=', f.version)
      .executeTakeFirst();
    if (r.numUpdatedRows === 0n) throw new ConflictError(`${field}.version: changed meanwhile`);
  } else {
    if (f.version !== undefined) throw new NotFoundError(`${field}.nodeId: no such file`);
    if (f.revision !== 1) throw new ValidationError(`${field}.revision`, 'a new file starts at 1');
    row = {
      id: f.nodeId,
      account_id: treeOwner,
      parent_id: f.parentId,
      kind: 'file',
      wrapped_key: f.wrappedKey,
      metadata: f.metadata,
      name_hash: f.nameHash,
      version: 1,
      revision: 1,
      size: f.size,
      trashed_at: null,
      created_at: now,
      updated_at: now,
      author_id: c.accountId,
      signature: f.signature ?? null,
      key_version: 1,
    };
    await tx.insertInto('nodes').values(row).execute();
  }
  await tx
    .insertInto('revisions')
    .values({
      node_id: f.nodeId,
      revision: f.revision,
      manifest: f.manifest,
      size: f.size,
      created_at: now,
    })
    .execute();
  const refs = f.chunkIds.map((chunk, position) => ({
    node_id: f.nodeId,
    revision: f.revision,
    position,
    chunk_id: chunk,
  }));
  for (let i = 0; i < refs.length; i += 500) {
    await tx
      .insertInto('revision_chunks')
      .values(refs.slice(i, i + 500))
      .execute();
  }
  return nodeInfo(row);
}

export async function locateChunks(
  hub: Hub,
  c: Caller,
  b: RouteBody<'locateChunks'>,
): Promise<RouteResponse<'locateChunks'>> {
  const ids = [...new Set(b.ids)];
  const readable = await accessibleChunks(hub.db, c, ids);
  const denied = ids.find((x) => !readable.has(x));
  if (denied) throw new NotFoundError(`ids: no chunk ${denied} in your files`);
  return { chunks: await locate(hub, ids) };
}
