import { HOST } from '@coffer/protocol';
import { sql } from 'kysely';
import type { Hub } from '../context.ts';
import { inTransaction } from '../db/transaction.ts';
import { capability } from './capability.ts';
import { expireCopies } from './group-copies.ts';
import { isOnline } from './host-state.ts';
import { forget } from './replicas.ts';

// [Note: Garbage collection]
// A chunk is garbage once no revision references it, no open upload holds a receipt for it,
// no file sent to a file request waits with it, no copy from a group in progress and no mirror
// for a subscriber ([Note: Auto-mirror]) holds it:
// purged files, and uploads (and copies) that expired before they were committed. Each round deletes up to `gc.batch` garbage chunks from every host that holds them, with a delete token signed by
// the hub, and only then forgets the replica; a host that is offline or fails keeps its row and
// is asked again next round. A chunk row goes when its last replica does. Deleting on the host
// first means a crash between the two steps only repeats a delete, which the host answers 404.

export interface GcRound {
  /** Uploads past their expiry that were dropped (their chunks may now be garbage). */
  expiredUploads: number;
  /** Replicas deleted from hosts. */
  deletedReplicas: number;
  /** Chunks forgotten entirely (every replica gone). */
  collectedChunks: number;
  /** Garbage replicas left for a later round (host offline or failing). */
  pendingReplicas: number;
}

const PARALLEL_DELETES = 8;

/** No row of `table` names the chunk `outer` (a column reference of the outer query). */
const noRowIn = (
  table:
    | 'revision_chunks'
    | 'upload_chunks'
    | 'drop_chunks'
    | 'group_copy_chunks'
    | 'mirror_chunks'
    | 'chunk_replicas',
  outer: string,
) =>
  sql<boolean>`not exists (select 1 from ${sql.table(table)} where chunk_id = ${sql.ref(outer)})`;

export async function collectGarbage(hub: Hub): Promise<GcRound> {
  const now = hub.now();
  const round: GcRound = {
    expiredUploads: 0,
    deletedReplicas: 0,
    collectedChunks: 0,
    pendingReplicas: 0,
  };

  const expired = await hub.db
    .selectFrom('uploads')
    .select('id')
    .where('expires_at', '<', now)
    .limit(1000)
    .execute();
  if (expired.length) {
    const ids = expired.map((u) => u.id);
    await inTransaction(hub.db, async (tx) => {
      await tx.deleteFrom('upload_chunks').where('upload_id', 'in', ids).execute();
      await tx.deleteFrom('uploads').where('id', 'in', ids).execute();
    });
    round.expiredUploads = ids.length;
  }
  round.expiredUploads += await expireCopies(hub);

  const garbage = await hub.db
    .selectFrom('chunks as c')
    .select(['c.id', 'c.size'])
    .where(noRowIn('revision_chunks', 'c.id'))
    .where(noRowIn('upload_chunks', 'c.id'))
    .where(noRowIn('drop_chunks', 'c.id'))
    .where(noRowIn('group_copy_chunks', 'c.id'))
    .where(noRowIn('mirror_chunks', 'c.id'))
    .limit(hub.config.gc.batch)
    .execute();
  if (!garbage.length) return round;
  const sizes = new Map(garbage.map((c) => [c.id, c.size]));
  const replicas = await hub.db
    .selectFrom('chunk_replicas as r')
    .innerJoin('hosts as h', 'h.id', 'r.host_id')
    .select(['r.chunk_id', 'r.host_id', 'h.url', 'h.last_seen_at'])
    .where('r.chunk_id', 'in', [...sizes.keys()])
    .execute();

  const queue = [...replicas];
  const worker = async () => {
    for (let r = queue.shift(); r; r = queue.shift()) {
      if (!isOnline(hub, r) || !(await deleteOnHost(hub, r.host_id, r.url, r.chunk_id))) {
        round.pendingReplicas++;
        continue;
      }
      await forget(hub, r.chunk_id, r.host_id, sizes.get(r.chunk_id) ?? 0);
      round.deletedReplicas++;
    }
  };
  await Promise.all(Array.from({ length: PARALLEL_DELETES }, worker));

  const gone = await hub.db
    .deleteFrom('chunks')
    .where('id', 'in', [...sizes.keys()])
    .where(noRowIn('chunk_replicas', 'chunks.id'))
    .executeTakeFirst();
  round.collectedChunks = Number(gone.numDeletedRows);
  return round;
}

/** Asks a host to delete a chunk; true once it is gone (deleted now, or already absent). */
export async function deleteOnHost(hub: Hub, hostId: string, url: string, chunk: string) {
  const token = capability(hub, { host: hostId, op: 'delete', chunk, max: 0 });
  try {
    const res = await fetch(url + HOST.chunkPath(chunk), {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(30_000),
    });
    await res.arrayBuffer();
    return res.ok || res.status === 404;
  } catch {
    return false;
  }
}

/** Runs collection rounds every `gc.intervalMs`, and soon after `kick` (a purge). */
export function startCollector(hub: Hub, log: (line: string) => void) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  let stopped = false;
  const run = () => {
    if (stopped || running) return;
    running = (async () => {
      try {
        // Keep going while rounds are full: a purge of a large tree is many batches.
        for (;;) {
          if (!hub.leads('gc')) break;
          const r = await collectGarbage(hub);
          if (r.deletedReplicas || r.expiredUploads) {
            log(
              `gc: ${r.deletedReplicas} replicas deleted, ${r.collectedChunks} chunks collected, ${r.pendingReplicas} pending, ${r.expiredUploads} expired uploads`,
            );
          }
          if (stopped || r.deletedReplicas + r.pendingReplicas < hub.config.gc.batch) break;
          if (r.deletedReplicas === 0) break;
        }
      } catch (e) {
        log(`gc: ${(e as Error).message}`);
      } finally {
        running = null;
      }
    })();
  };
  const schedule = (ms: number) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      run();
      schedule(hub.config.gc.intervalMs);
    }, ms);
    timer.unref();
  };
  schedule(hub.config.gc.intervalMs);
  return {
    kick: () => schedule(200),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
