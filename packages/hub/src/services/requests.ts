import { ConflictError, NotFoundError, ValidationError } from '@coffer/errors';
import type { RequestInfo, RouteBody, RouteResponse } from '@coffer/protocol';
import type { Transaction } from 'kysely';
import type { Caller, Hub } from '../context.ts';
import type { Database, FileRequestsTable } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { ownNode } from './access.ts';
import { commitFiles, withNameConflicts } from './commits.ts';
import { refuseRepeats } from './input.ts';

// [Note: File requests on the hub]
// A request row holds what its owner's client needs (the sealed title, the request's secret
// key wrapped under the owner's master key) and the limits the hub enforces: expiry, number of
// files, bytes, revocation. A visitor opens uploads under the request (their ids are the
// visitor's capability), places and stores chunks as an account would, placed for the
// request's folder, then sends each file as a drop: the sealed description and its chunk ids.
// Drops hold their chunks ([Note: Garbage collection]) until the owner's client takes them in
// (one transaction: the file is created with those chunks, the drop goes) or throws them away.
// Visitors can list nothing and read nothing.

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
    inTransaction(hub.db, async (tx) => {
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
  await inTransaction(hub.db, async (tx) => {
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
