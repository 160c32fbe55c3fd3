import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  QuotaError,
  ValidationError,
} from '@coffer/errors';
import type { RequestInfo, RouteBody, RouteResponse } from '@coffer/protocol';
import { sql, type Transaction } from 'kysely';
import type { Caller, Hub } from '../context.ts';
import { isUniqueViolation } from '../db/errors.ts';
import type { Database, FileRequestsTable } from '../db/schema.ts';
import { ownNode } from './access.ts';
import { rateLimit } from './accounts.ts';
import { commitFiles, withNameConflicts } from './commits.ts';
import { newRecordId } from './ids.ts';
import { refuseRepeats } from './input.ts';
import { policyForFolders } from './policies.ts';
import { missingReplicas, replicasOf } from './replicas.ts';
import { placeInUpload } from './upload-placement.ts';
import { receiptsForUpload } from './upload-receipts.ts';

// [Note: File requests on the hub]
// A request row holds what its owner's client needs (the sealed title, the request's secret
// key wrapped under the owner's master key) and the limits the hub enforces: expiry, number of
// files, bytes, revocation. A visitor opens uploads under the request (their ids are the
// visitor's capability), places and stores chunks as an account would, placed for the
// request's folder, then sends each file as a drop: the sealed description and its chunk ids.
// Drops hold their chunks ([Note: Garbage collection]) until the owner's client takes them in
// (one transaction: the file is created with those chunks, the drop goes) or throws them away.
// Visitors can list nothing and read nothing.

/** Visitor requests per minute per address. */
const VISITS_PER_MINUTE = 600;
const MAX_DROPS_LISTED = 500;

function requestInfo(r: FileRequestsTable, pending: number): RequestInfo {
  const n = (v: number | null) => (v === null ? null : Number(v));
  return {
    id: r.id,
    folderId: r.folder_id,
    envelope: r.envelope,
    wrappedKey: r.wrapped_key,
    createdAt: Number(r.created_at),
    expiresAt: n(r.expires_at),
    maxFiles: n(r.max_files),
    maxBytes: n(r.max_bytes),
    filesReceived: Number(r.files_received),
    bytesReceived: Number(r.bytes_received),
    revokedAt: n(r.revoked_at),
    pending,
  };
}

export async function createRequest(
  hub: Hub,
  c: Caller,
  b: RouteBody<'createRequest'>,
): Promise<RequestInfo> {
  const folder = await ownNode(hub.db, c, b.folderId, 'folderId');
  if (folder.kind !== 'folder') throw new ValidationError('folderId', 'is a file, not a folder');
  if (folder.trashed_at !== null) throw new ConflictError('folderId: that folder is in the trash');
  const now = hub.now();
  if (b.expiresAt != null && b.expiresAt <= now)
    throw new ValidationError('expiresAt', 'must be in the future');
  const taken = await hub.db
    .selectFrom('file_requests')
    .select('id')
    .where('id', '=', b.id)
    .executeTakeFirst();
  if (taken) throw new ConflictError('id: a file request with this id already exists');
  const row: FileRequestsTable = {
    id: b.id,
    account_id: c.accountId,
    folder_id: folder.id,
    envelope: b.envelope,
    wrapped_key: b.wrappedKey,
    created_at: now,
    expires_at: b.expiresAt ?? null,
    max_files: b.maxFiles ?? null,
    max_bytes: b.maxBytes ?? null,
    files_received: 0,
    bytes_received: 0,
    revoked_at: null,
  };
  await hub.db.insertInto('file_requests').values(row).execute();
  return requestInfo(row, 0);
}

export async function requests(hub: Hub, c: Caller): Promise<RouteResponse<'requests'>> {
  const rows = await hub.db
    .selectFrom('file_requests')
    .selectAll()
    .where('account_id', '=', c.accountId)
    .orderBy('created_at', 'desc')
    .execute();
  const counts = new Map<string, number>();
  if (rows.length) {
    const pending = await hub.db
      .selectFrom('request_drops')
      .select(['request_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where(
        'request_id',
        'in',
        rows.map((r) => r.id),
      )
      .groupBy('request_id')
      .execute();
    for (const p of pending) counts.set(p.request_id, Number(p.n));
  }
  return { requests: rows.map((r) => requestInfo(r, counts.get(r.id) ?? 0)) };
}

async function ownRequest(hub: Hub, c: Caller, id: string): Promise<FileRequestsTable> {
  const r = await hub.db
    .selectFrom('file_requests')
    .selectAll()
    .where('id', '=', id)
    .where('account_id', '=', c.accountId)
    .executeTakeFirst();
  if (!r) throw new NotFoundError('id: no such file request of yours');
  return r;
}

export async function revokeRequest(hub: Hub, c: Caller, id: string): Promise<void> {
  await ownRequest(hub, c, id);
  await hub.db
    .updateTable('file_requests')
    .set({ revoked_at: hub.now() })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
}

export async function requestDrops(
  hub: Hub,
  c: Caller,
  id: string,
): Promise<RouteResponse<'requestDrops'>> {
  await ownRequest(hub, c, id);
  const drops = await hub.db
    .selectFrom('request_drops')
    .selectAll()
    .where('request_id', '=', id)
    .orderBy('created_at')
    .orderBy('id')
    .limit(MAX_DROPS_LISTED)
    .execute();
  const chunks = new Map<string, string[]>();
  if (drops.length) {
    const rows = await hub.db
      .selectFrom('drop_chunks')
      .select(['drop_id', 'chunk_id'])
      .where(
        'drop_id',
        'in',
        drops.map((d) => d.id),
      )
      .orderBy('drop_id')
      .orderBy('position')
      .execute();
    for (const r of rows) chunks.set(r.drop_id, [...(chunks.get(r.drop_id) ?? []), r.chunk_id]);
  }
  return {
    drops: drops.map((d) => ({
      id: d.id,
      nodeId: d.node_id,
      sealed: d.sealed,
      size: Number(d.size),
      createdAt: Number(d.created_at),
      chunkIds: chunks.get(d.id) ?? [],
    })),
  };
}

async function dropChunks(db: Transaction<Database>, dropId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('drop_chunks')
    .select('chunk_id')
    .where('drop_id', '=', dropId)
    .orderBy('position')
    .execute();
  return rows.map((r) => r.chunk_id);
}

async function forgetDrop(db: Transaction<Database>, dropId: string): Promise<void> {
  await db.deleteFrom('drop_chunks').where('drop_id', '=', dropId).execute();
  await db.deleteFrom('request_drops').where('id', '=', dropId).execute();
}

export async function acceptDrops(
  hub: Hub,
  c: Caller,
  id: string,
  b: RouteBody<'acceptDrops'>,
): Promise<RouteResponse<'acceptDrops'>> {
  await ownRequest(hub, c, id);
  refuseRepeats(
    b.files,
    (f) => f.dropId,
    (i) => `files.${i}.dropId`,
  );
  for (const [i, f] of b.files.entries()) {
    if (f.file.version !== undefined || f.file.revision !== 1)
      throw new ValidationError(`files.${i}.file.revision`, 'a received file is new: revision 1');
  }
  return withNameConflicts(() =>
    hub.db.transaction().execute(async (tx) => {
      const held = new Set<string>();
      for (const [i, f] of b.files.entries()) {
        const drop = await tx
          .selectFrom('request_drops')
          .select(['id', 'node_id'])
          .where('id', '=', f.dropId)
          .where('request_id', '=', id)
          .executeTakeFirst();
        if (!drop) throw new NotFoundError(`files.${i}.dropId: no such file waiting here`);
        if (drop.node_id !== f.file.nodeId)
          throw new ValidationError(`files.${i}.file.nodeId`, `expected ${drop.node_id}`);
        const chunks = await dropChunks(tx, drop.id);
        if (chunks.join() !== f.file.chunkIds.join())
          throw new ValidationError(
            `files.${i}.file.chunkIds`,
            'expected the chunks the visitor sent, in order',
          );
        for (const x of chunks) held.add(x);
      }
      const nodes = await commitFiles(
        hub,
        tx,
        c,
        b.files.map((f) => f.file),
        (i) => `files.${i}.file`,
        async (ids) => new Set(ids.filter((x) => held.has(x))),
      );
      for (const f of b.files) await forgetDrop(tx, f.dropId);
      return { nodes };
    }),
  );
}

export async function discardDrop(hub: Hub, c: Caller, id: string, dropId: string): Promise<void> {
  await ownRequest(hub, c, id);
  await hub.db.transaction().execute(async (tx) => {
    const drop = await tx
      .selectFrom('request_drops')
      .select('id')
      .where('id', '=', dropId)
      .where('request_id', '=', id)
      .executeTakeFirst();
    if (!drop) throw new NotFoundError('dropId: no such file waiting here');
    await forgetDrop(tx, dropId);
  });
}

// ---- visitors ----------------------------------------------------------------------------

/** The request, if a visitor may still send to it; why not otherwise. */
async function liveRequest(hub: Hub, id: string, address: string): Promise<FileRequestsTable> {
  await rateLimit(hub, `request:${address}`, VISITS_PER_MINUTE, 60_000);
  const r = await hub.db
    .selectFrom('file_requests')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!r) throw new NotFoundError('request: no such file request');
  if (r.revoked_at !== null) throw new ForbiddenError('request: closed by its owner');
  if (r.expires_at !== null && Number(r.expires_at) <= hub.now())
    throw new ForbiddenError(`request: expired on ${new Date(Number(r.expires_at)).toISOString()}`);
  if (r.max_files !== null && Number(r.files_received) >= Number(r.max_files))
    throw new ForbiddenError('request: it has received all the files it takes');
  if (r.max_bytes !== null && Number(r.bytes_received) >= Number(r.max_bytes))
    throw new ForbiddenError('request: it has received all the bytes it takes');
  const folder = await hub.db
    .selectFrom('nodes')
    .select(['id', 'trashed_at'])
    .where('id', '=', r.folder_id)
    .executeTakeFirst();
  if (!folder || folder.trashed_at !== null)
    throw new ForbiddenError('request: its folder was deleted by its owner');
  return r;
}

async function visitorUpload(hub: Hub, requestId: string, uploadId: string) {
  const u = await hub.db
    .selectFrom('uploads')
    .select(['id', 'expires_at'])
    .where('id', '=', uploadId)
    .where('request_id', '=', requestId)
    .executeTakeFirst();
  if (!u) throw new NotFoundError('uploadId: no such upload to this request');
  if (Number(u.expires_at) < hub.now()) throw new NotFoundError('uploadId: this upload expired');
}

const left = (max: number | null, used: number) => (max === null ? null : Number(max) - used);

export async function requestOpen(
  hub: Hub,
  id: string,
  address: string,
): Promise<RouteResponse<'requestOpen'>> {
  const r = await liveRequest(hub, id, address);
  return {
    envelope: r.envelope,
    expiresAt: r.expires_at === null ? null : Number(r.expires_at),
    filesLeft: left(r.max_files, Number(r.files_received)),
    bytesLeft: left(r.max_bytes, Number(r.bytes_received)),
  };
}

export async function requestUpload(
  hub: Hub,
  id: string,
  address: string,
): Promise<RouteResponse<'requestUpload'>> {
  const r = await liveRequest(hub, id, address);
  const now = hub.now();
  const upload = {
    id: newRecordId(),
    account_id: r.account_id,
    request_id: r.id,
    created_at: now,
    expires_at: now + hub.config.uploadTtlHours * 3_600_000,
  };
  await hub.db.insertInto('uploads').values(upload).execute();
  return { uploadId: upload.id, expiresAt: upload.expires_at };
}

/** Bytes of chunks placed in the request's open uploads and not yet sent as files. */
async function bytesInFlight(hub: Hub, requestId: string): Promise<number> {
  const r = await hub.db
    .selectFrom('upload_chunks as uc')
    .innerJoin('uploads as u', 'u.id', 'uc.upload_id')
    .select((eb) => eb.fn.sum<number>('uc.size').as('n'))
    .where('u.request_id', '=', requestId)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

export async function requestPlace(
  hub: Hub,
  id: string,
  uploadId: string,
  b: RouteBody<'requestPlace'>,
  address: string,
): Promise<RouteResponse<'requestPlace'>> {
  const r = await liveRequest(hub, id, address);
  await visitorUpload(hub, id, uploadId);
  if (r.max_bytes !== null) {
    // A chunk placed again (a retry after a failed host) is counted once.
    const placed = new Set(
      (
        await hub.db
          .selectFrom('upload_chunks')
          .select('chunk_id')
          .where('upload_id', '=', uploadId)
          .where(
            'chunk_id',
            'in',
            b.chunks.map((x) => x.id),
          )
          .execute()
      ).map((r) => r.chunk_id),
    );
    const adding = b.chunks.reduce((s, x) => s + (placed.has(x.id) ? 0 : x.size), 0);
    const used = Number(r.bytes_received) + (await bytesInFlight(hub, id));
    if (used + adding > Number(r.max_bytes))
      throw new QuotaError(
        `chunks: the request takes ${Number(r.max_bytes) - Number(r.bytes_received)} more bytes in all`,
      );
  }
  const policy = await policyForFolders(hub, hub.db, [r.folder_id]);
  return placeInUpload(hub, uploadId, b, policy);
}

export async function requestReceipts(
  hub: Hub,
  id: string,
  uploadId: string,
  b: RouteBody<'requestReceipts'>,
  address: string,
): Promise<RouteResponse<'requestReceipts'>> {
  await liveRequest(hub, id, address);
  await visitorUpload(hub, id, uploadId);
  return receiptsForUpload(hub, uploadId, b);
}

export async function requestSend(
  hub: Hub,
  id: string,
  uploadId: string,
  b: RouteBody<'requestSend'>,
  address: string,
): Promise<RouteResponse<'requestSend'>> {
  await liveRequest(hub, id, address);
  await visitorUpload(hub, id, uploadId);
  refuseRepeats(
    b.files,
    (f) => f.nodeId,
    (i) => `files.${i}.nodeId`,
  );
  const chunkIds = [...new Set(b.files.flatMap((f) => f.chunkIds))];
  const now = hub.now();
  try {
    await hub.db.transaction().execute(async (tx) => {
      const r = await tx
        .selectFrom('file_requests')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      const sizes = new Map<string, number>();
      for (let i = 0; i < chunkIds.length; i += 500) {
        const rows = await tx
          .selectFrom('upload_chunks')
          .select(['chunk_id', 'size'])
          .where('upload_id', '=', uploadId)
          .where('chunk_id', 'in', chunkIds.slice(i, i + 500))
          .execute();
        for (const row of rows) sizes.set(row.chunk_id, Number(row.size));
      }
      const policy = await policyForFolders(hub, tx, [r.folder_id]);
      const replicas = await replicasOf(tx, chunkIds);
      let bytes = 0;
      const sized = b.files.map((f, i) => {
        let size = 0;
        for (const [k, chunk] of f.chunkIds.entries()) {
          const s = sizes.get(chunk);
          if (s === undefined)
            throw new ValidationError(`files.${i}.chunkIds.${k}`, 'was not placed in this upload');
          if (missingReplicas(policy, replicas.get(chunk)) > 0)
            throw new ValidationError(
              `files.${i}.chunkIds.${k}`,
              'is not stored on enough hosts yet (send its receipts first)',
            );
          size += s;
        }
        bytes += size;
        return { f, size };
      });
      // Counted in one statement, so two uploads racing for the last file get one.
      const counted = await tx
        .updateTable('file_requests')
        .set((eb) => ({
          files_received: eb('files_received', '+', b.files.length),
          bytes_received: eb('bytes_received', '+', bytes),
        }))
        .where('id', '=', id)
        .where(sql<boolean>`(max_files is null or files_received + ${b.files.length} <= max_files)`)
        .where(sql<boolean>`(max_bytes is null or bytes_received + ${bytes} <= max_bytes)`)
        .executeTakeFirst();
      if (counted.numUpdatedRows === 0n) {
        if (r.max_files !== null && Number(r.files_received) + b.files.length > Number(r.max_files))
          throw new ForbiddenError(
            `files: the request takes ${Number(r.max_files) - Number(r.files_received)} more file(s)`,
          );
        throw new QuotaError(
          `files: the request takes ${Number(r.max_bytes) - Number(r.bytes_received)} more bytes`,
        );
      }
      for (const [i, { f, size }] of sized.entries()) {
        const taken =
          (await tx
            .selectFrom('nodes')
            .select('id')
            .where('id', '=', f.nodeId)
            .executeTakeFirst()) ??
          (await tx
            .selectFrom('request_drops')
            .select('id')
            .where('node_id', '=', f.nodeId)
            .executeTakeFirst());
        if (taken) throw new ConflictError(`files.${i}.nodeId: this id is taken; pick another`);
        const dropId = newRecordId();
        await tx
          .insertInto('request_drops')
          .values({
            id: dropId,
            request_id: id,
            node_id: f.nodeId,
            sealed: f.sealed,
            size,
            created_at: now,
          })
          .execute();
        const refs = f.chunkIds.map((chunk_id, position) => ({
          drop_id: dropId,
          position,
          chunk_id,
        }));
        for (let k = 0; k < refs.length; k += 500)
          await tx
            .insertInto('drop_chunks')
            .values(refs.slice(k, k + 500))
            .execute();
      }
      // The drops hold the chunks now ([Note: Garbage collection]).
      for (let i = 0; i < chunkIds.length; i += 500) {
        await tx
          .deleteFrom('upload_chunks')
          .where('upload_id', '=', uploadId)
          .where('chunk_id', 'in', chunkIds.slice(i, i + 500))
          .execute();
      }
    });
  } catch (e) {
    if (isUniqueViolation(e))
      throw new ConflictError('files.nodeId: another file took this id meanwhile; pick another');
    throw e;
  }
  return { received: b.files.length };
}
