import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  QuotaError,
  ValidationError,
} from '@coffer/errors';
import type { RouteBody, RouteResponse } from '@coffer/protocol';
import { sql } from 'kysely';
import type { Hub } from '../context.ts';
import { isUniqueViolation } from '../db/errors.ts';
import type { FileRequestsTable } from '../db/schema.ts';
import { slices } from '../db/slices.ts';
import { inTransaction } from '../db/transaction.ts';
import { newRecordId } from './ids.ts';
import { refuseRepeats } from './input.ts';
import { missingCopies } from './placement.ts';
import { policyForFolders } from './policies.ts';
import { rateLimit } from './rate-limit.ts';
import { replicasOf } from './replicas.ts';
import { endUpload, placeInUpload } from './upload-placement.ts';
import { receiptsForUpload } from './upload-receipts.ts';

// A visitor's side of [Note: File requests on the hub]: open a request, upload to it, send files.

/** Visitor requests per minute per address. */
const VISITS_PER_MINUTE = 600;

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
    app_id: null,
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
    await inTransaction(hub.db, async (tx) => {
      const r = await tx
        .selectFrom('file_requests')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      const sizes = new Map<string, number>();
      for (const part of slices(chunkIds)) {
        const rows = await tx
          .selectFrom('upload_chunks')
          .select(['chunk_id', 'size'])
          .where('upload_id', '=', uploadId)
          .where('chunk_id', 'in', part)
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
          if (missingCopies(policy, replicas.get(chunk)) > 0)
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
        for (const part of slices(refs)) await tx.insertInto('drop_chunks').values(part).execute();
      }
      // The drops hold the chunks now ([Note: A commit ends its upload]).
      await endUpload(tx, uploadId);
    });
  } catch (e) {
    if (isUniqueViolation(e))
      throw new ConflictError('files.nodeId: another file took this id meanwhile; pick another');
    throw e;
  }
  return { received: b.files.length };
}
