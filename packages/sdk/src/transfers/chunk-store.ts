import {
  type ContentSummary,
  DEFAULT_CHUNK_SIZE,
  type EncryptedChunk,
  type EncryptOptions,
  encryptContent,
  type NodeId,
} from '@coffer/crypto';
import { ConnectionError, ValidationError } from '@coffer/errors';
import type { Replica, RouteResponse } from '@coffer/protocol';
import { putChunk } from '../host-client.ts';
import type { HubClient } from '../hub-client.ts';
import { Limiter, Meter, type TransferOptions } from './progress.ts';

export type UploadSource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | Uint8Array;

/**
 * Where an upload's chunks are placed and their receipts recorded: an account's upload, or a
 * visitor's upload to a file request.
 */
export interface UploadTarget {
  place(
    chunks: { id: string; size: number }[],
    exclude: string[],
    signal?: AbortSignal,
  ): Promise<RouteResponse<'placeChunks'>>;
  receipts(receipts: string[], signal?: AbortSignal): Promise<RouteResponse<'addReceipts'>>;
  /** Told when a chunk put failed and is tried again on other hosts (to count it). */
  retried?(attempt: number, error: Error): void;
}

/** An account's upload whose chunks go to files in `folders` (placed for their policies). */
export const accountUpload = (
  hub: HubClient,
  uploadId: string,
  folders: readonly string[],
): UploadTarget => ({
  place: (chunks, exclude, signal) =>
    hub.call(
      'placeChunks',
      { params: { id: uploadId }, body: { chunks, exclude, folders: [...folders] } },
      signal,
    ),
  receipts: (receipts, signal) =>
    hub.call('addReceipts', { params: { id: uploadId }, body: { receipts } }, signal),
  retried: (attempt, error) => hub.retries.note({ kind: 'putChunk', attempt, error, waitMs: 0 }),
});

/**
 * Receipts of fully stored chunks, handed to the hub in batches (one call per 8 receipts
 * instead of one per chunk), or sooner once the oldest waiting receipt is a second old.
 * `flush` before committing. A client that dies loses at most the unflushed batch: those
 * chunks are sent again when the upload resumes. The second bounds that loss on a slow link,
 * where 8 receipts can be minutes apart.
 */
export class ReceiptBatch {
  private pending: string[] = [];
  private since = 0;
  private last: Promise<unknown> = Promise.resolve();
  constructor(private readonly target: UploadTarget) {}

  async add(receipts: string[], signal?: AbortSignal) {
    if (this.pending.length === 0) this.since = Date.now();
    this.pending.push(...receipts);
    if (this.pending.length >= 8 || Date.now() - this.since >= 1000) await this.flush(signal);
  }

  async flush(signal?: AbortSignal) {
    const batch = this.pending;
    this.pending = [];
    if (batch.length > 0) {
      const previous = this.last;
      this.last = (async () => {
        await previous.catch(() => {});
        await this.target.receipts(batch, signal);
      })();
    }
    await this.last;
  }
}

const PUT_ATTEMPTS = 6;

/**
 * Stores one chunk on as many hosts as the policy needs, with failover: a host that fails is
 * excluded and the hub places the missing copies elsewhere. Returns bytes sent.
 */
export async function storeChunk(
  target: UploadTarget,
  id: string,
  bytes: Uint8Array,
  receipts: ReceiptBatch,
  signal?: AbortSignal,
): Promise<number> {
  const exclude = new Set<string>();
  let sent = 0;
  let lastError: unknown = null;
  for (let attempt = 0; attempt < PUT_ATTEMPTS; attempt++) {
    signal?.throwIfAborted();
    const { placements } = await target.place([{ id, size: bytes.length }], [...exclude], signal);
    const targets: Replica[] = placements[0]?.targets ?? [];
    if (targets.length === 0) return sent;
    let got: string[];
    try {
      const r = await putChunk(targets, id, bytes, signal);
      sent += bytes.length;
      got = r.receipts;
      for (const h of r.failed) exclude.add(h);
      // Every target stored it: the receipts can wait for the next batch to the hub.
      if (r.failed.length === 0 && r.receipts.length >= targets.length) {
        await receipts.add(r.receipts, signal);
        return sent;
      }
    } catch (e) {
      // A host refusing our bytes as malformed is our bug, not the host's: stop.
      if (signal?.aborted || e instanceof ValidationError) throw e;
      lastError = e;
      exclude.add(targets[0]?.hostId ?? '');
      if (attempt + 1 < PUT_ATTEMPTS) target.retried?.(attempt + 1, e as Error);
      continue;
    }
    if (got.length > 0) {
      const r = await target.receipts(got, signal);
      if (r.chunks.every((c) => c.complete)) return sent;
    }
  }
  throw new ConnectionError(
    `chunk ${id}: could not store it on enough hosts (${(lastError as Error | null)?.message ?? 'hosts kept failing'})`,
  );
}

/**
 * Encrypts `source` and stores its chunks through `target`, several in flight. `before` sees
 * each chunk first and may skip it (already stored) or stop the upload by throwing.
 */
export async function encryptAndStore(
  target: UploadTarget,
  source: UploadSource,
  encrypt: EncryptOptions,
  meter: Meter,
  o: TransferOptions & { before?: (chunk: EncryptedChunk) => Promise<'send' | 'skip'> },
): Promise<{ chunkIds: string[]; content: ContentSummary }> {
  const { chunks, summary } = encryptContent(source, {
    ...encrypt,
    ...(o.signal ? { signal: o.signal } : {}),
  });
  const limiter = new Limiter(o.concurrency ?? 4);
  const receipts = new ReceiptBatch(target);
  const chunkIds: string[] = [];
  const reader = chunks.getReader();
  try {
    for (;;) {
      const { value: chunk, done } = await reader.read();
      if (done) break;
      chunkIds.push(chunk.id);
      let verdict: 'send' | 'skip' = 'send';
      try {
        verdict = (await o.before?.(chunk)) ?? 'send';
      } catch (e) {
        chunk.release();
        throw e;
      }
      if (verdict === 'skip') {
        meter.add(chunk.plaintextLength, 0);
        chunk.release();
        continue;
      }
      await limiter.run(async () => {
        try {
          const sent = await storeChunk(target, chunk.id, chunk.bytes, receipts, o.signal);
          meter.add(chunk.plaintextLength, sent);
        } finally {
          chunk.release();
        }
      });
    }
    await limiter.drain();
  } catch (e) {
    await reader.cancel().catch(() => {});
    await limiter.drain().catch(() => {});
    throw e;
  }
  await receipts.flush(o.signal);
  return { chunkIds, content: await summary };
}

/**
 * Encrypts `source` as revision 1 of a new file `fileId` and stores its chunks through
 * `target`. What a visitor to a file request does; the caller hands the content over.
 */
export async function storeNewContent(
  target: UploadTarget,
  source: UploadSource,
  fileId: NodeId,
  o: TransferOptions & { size?: number; chunkSize?: number } = {},
): Promise<{ chunkIds: string[]; content: ContentSummary }> {
  const meter = new Meter(o.size ?? null, 1, o.onProgress);
  const stored = await encryptAndStore(
    target,
    source,
    { fileId, revision: 1, chunkSize: o.chunkSize ?? DEFAULT_CHUNK_SIZE },
    meter,
    o,
  );
  meter.add(0, 0, 1);
  meter.flush();
  return stored;
}
