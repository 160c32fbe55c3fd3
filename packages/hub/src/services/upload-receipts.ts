import { fromBase64Url, type SigningPublicKey } from '@coffer/crypto';
import { ValidationError } from '@coffer/errors';
import {
  openMessage,
  peekMessage,
  RECEIPT_LABEL,
  type RouteBody,
  type RouteResponse,
  receiptSchema,
} from '@coffer/protocol';
import type { Hub } from '../context.ts';
import { hostKeys } from './host-state.ts';
import { missingReplicas, replicasOf } from './replicas.ts';
import { uploadChunks } from './upload-placement.ts';

// Step 3 of [Note: Upload]: the hosts' signed receipts become replica records.

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
