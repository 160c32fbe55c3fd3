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
import { slices } from '../db/slices.ts';
import { inTransaction } from '../db/transaction.ts';
import { hostKeys } from './host-state.ts';
import { missingCopies } from './placement.ts';
import { recordReplicas, replicaOf, replicasOf } from './replicas.ts';
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
  const sizes = new Map(verified.map(({ receipt: r }) => [r.chunk, r.size]));
  await inTransaction(hub.db, async (tx) => {
    // In chunk id order, like the replica records after them.
    const chunks = [...sizes]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([id, size]) => ({ id, size, created_at: now }));
    for (const part of slices(chunks)) {
      await tx
        .insertInto('chunks')
        .values(part)
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
    }
    await recordReplicas(
      tx,
      verified.map(({ receipt, text }) => replicaOf(receipt, text)),
    );
  });
  const replicas = await replicasOf(hub.db, chunkIds);
  return {
    chunks: chunkIds.map((x) => {
      const policy = placed.get(x)?.policy ?? hub.config.placement;
      const missing = missingCopies(policy, replicas.get(x));
      return { id: x, complete: missing === 0, missing };
    }),
  };
}
