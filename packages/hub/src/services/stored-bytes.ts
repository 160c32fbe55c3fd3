import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Hub } from '../context.ts';
import type { Database, DbOrTx } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { newRecordId } from './ids.ts';
import { led, periodic } from './periodic.ts';

// [Note: Stored bytes]
// A host's stored bytes are the sum of the sizes of the chunks its replica records name:
// placement reads them as the room the host has left, the operator as what the network holds.
// They change only in the transaction that adds or removes those records, and never by
// writing back a value read earlier (that loses the bytes of every transaction that committed
// in between: receipts for chunks on the same host arrive side by side).
//
// Measured under load on PostgreSQL (30 clients, 4 hosts), an in-place increment
// (stored_bytes = stored_bytes + n) was exact but made every upload transaction hold its hosts'
// rows until commit: uploads queued behind each other, and heartbeats, which update the same
// rows, queued behind uploads. So an upload transaction appends its change to a ledger,
// host_stored_changes, which no other transaction waits on, and a periodic fold (and any reader
// that needs the exact figure) moves the ledger into hosts.stored_bytes: DELETE … RETURNING
// takes exactly the rows it adds, so two folds at once, or a change committed during a fold,
// are neither lost nor counted twice. Between folds hosts.stored_bytes lags by at most the
// fold interval, which placement tolerates as it tolerates the hosts' own reports.

const FOLD_BATCH = 5000;
const FOLD_MS = 1000;

/** Adds each host's byte change to the ledger, inside the caller's transaction. */
export async function addStoredBytes(tx: DbOrTx, changes: ReadonlyMap<string, number>) {
  const rows = [...changes]
    .filter(([, bytes]) => bytes !== 0)
    .map(([host_id, bytes]) => ({ id: newRecordId(), host_id, bytes }));
  if (rows.length) await tx.insertInto('host_stored_changes').values(rows).execute();
}

/** Moves the ledger into hosts.stored_bytes; afterwards the hosts' rows are exact. */
export async function foldStoredBytes(db: Kysely<Database>): Promise<void> {
  for (;;) {
    const moved = await inTransaction(db, async (tx) => {
      const rows = await tx
        .deleteFrom('host_stored_changes')
        .where('id', 'in', tx.selectFrom('host_stored_changes').select('id').limit(FOLD_BATCH))
        .returning(['host_id', 'bytes'])
        .execute();
      const sums = new Map<string, number>();
      for (const r of rows) sums.set(r.host_id, (sums.get(r.host_id) ?? 0) + Number(r.bytes));
      // In host id order, like every transaction that locks several hosts' rows.
      for (const [host, bytes] of [...sums].sort(([a], [b]) => a.localeCompare(b))) {
        if (bytes === 0) continue;
        await tx
          .updateTable('hosts')
          .set((eb) => ({
            stored_bytes: sql<number>`case when ${eb.ref('stored_bytes')} + ${bytes} > 0 then ${eb.ref('stored_bytes')} + ${bytes} else 0 end`,
          }))
          .where('id', '=', host)
          .execute();
      }
      return rows.length;
    });
    if (moved < FOLD_BATCH) return;
  }
}

/** Folds the ledger every `FOLD_MS`, and once more when stopped. */
export function startStoredBytesFolder(hub: Hub, log: (line: string) => void) {
  const fold = led(hub, 'stored-bytes', () => foldStoredBytes(hub.db));
  const loop = periodic('stored bytes', FOLD_MS, fold, log);
  return {
    async stop() {
      await loop.stop();
      await fold().catch((e) => log(`stored bytes: ${(e as Error).message}`));
    },
  };
}
