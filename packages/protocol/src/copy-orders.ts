import type { SigningPublicKey } from '@coffer/crypto';
import { AuthError, ForbiddenError } from '@coffer/errors';
import { z } from 'zod';
import { byteCount, chunkId, hostId, httpUrl, recordId, timestamp } from './schemas.ts';
import { openMessage } from './signed.ts';

// [Note: Direct copies]
// The hub orders a host (the destination) to copy chunks straight from another host (the
// source); no byte of content passes through the hub.
//
//   1. The hub signs a copy order with its key (label "copy-order"): a fresh order id, the
//      source host (id and URL), the destination host (id and Ed25519 key), the chunk ids and
//      sizes, and an expiry a few minutes ahead. It delivers the order to the destination
//      (POST /copy-orders on the host), never to a client: no member learns a host's URL or
//      key from it.
//   2. The destination checks the hub's signature and that the order names it, then pulls each
//      chunk it lacks from the source (POST /pull/{chunk}), presenting the order and a pull
//      request signed with its own host key (label "copy-pull"): the order id, the chunk, the
//      time and a random nonce. It checks the bytes against the chunk id as a put does, stores
//      them and signs a receipt.
//   3. The source serves a chunk only if the order carries the hub's signature, has not
//      expired, names this host as source and names the chunk, and the request is signed by
//      the destination key the order names, is fresh (PULL_WINDOW_MS) and its nonce unseen.
//      Each pull presents the whole order again; the source checks an order's signature the
//      first time and remembers the verified order by its exact text until it expires.
//   4. The destination reports its receipts to the hub, signed with its host key (label
//      "copy-report", POST /api/hosts/copied); the hub checks each receipt against the
//      destination's key and records the replicas. When it is done with the order it closes
//      it at the source (a pull request naming no chunk) and says so in its last report.
//
// Replay rule: a source refuses an order it has closed (until the order expires, after which
// the expiry refuses it anyway), and a pull request whose nonce it has seen (a nonce is kept
// for as long as the request's time is within the window). Within an open order's life the
// destination may ask for a chunk again with a new request, so a transfer cut short is retried
// under the same order; an order that expired is replaced by a new one for what remains.

/** Chunks in one copy order; a longer copy is several orders, one after the other. */
export const COPY_ORDER_CHUNKS = 256;
/** A signed copy order of COPY_ORDER_CHUNKS chunks fits in this many characters. */
export const MAX_COPY_ORDER = 64 * 1024;
/** A pull request's time may be this far from the source's clock. */
export const PULL_WINDOW_MS = 2 * 60_000;

const nonce = z.string().regex(/^[0-9a-f]{32}$/, 'expected 32 hex characters');

export const copyOrderSchema = z
  .object({
    v: z.literal(1),
    /** Unique per attempt: a copy job that resumes gets a new order. */
    id: recordId,
    source: hostId,
    /** Signed with the rest, so nobody can point the destination at another server. */
    sourceUrl: httpUrl,
    dest: hostId,
    /** The destination's Ed25519 key, base64url: the source checks pull requests with it. */
    destKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'expected a base64url Ed25519 key'),
    chunks: z
      .array(z.object({ id: chunkId, size: byteCount }).strict())
      .min(1)
      .max(COPY_ORDER_CHUNKS),
    /** Expiry, ms since the epoch. */
    exp: timestamp,
  })
  .strict();
export type CopyOrder = z.infer<typeof copyOrderSchema>;
export const COPY_ORDER_LABEL = 'copy-order';

/** The destination asks the source for one chunk of an order, or (chunk null) closes it. */
export const copyPullSchema = z
  .object({
    v: z.literal(1),
    order: recordId,
    chunk: chunkId.nullable(),
    at: timestamp,
    nonce,
  })
  .strict();
export type CopyPull = z.infer<typeof copyPullSchema>;
export const COPY_PULL_LABEL = 'copy-pull';

/** What the destination tells the hub about an order: receipts, failures, and whether it is done. */
export const copyReportSchema = z
  .object({
    v: z.literal(1),
    host: hostId,
    at: timestamp,
    order: recordId,
    /** Receipts (receiptSchema, signed by this host) for chunks of the order now stored. */
    receipts: z.array(z.string().max(1024)).max(COPY_ORDER_CHUNKS),
    /** Chunks this attempt could not copy, and why. */
    failed: z
      .array(z.object({ chunk: chunkId, message: z.string().max(300) }).strict())
      .max(COPY_ORDER_CHUNKS),
    /** The destination is done with the order: every chunk copied or failed. */
    finished: z.boolean(),
  })
  .strict();
export type CopyReport = z.infer<typeof copyReportSchema>;
export const COPY_REPORT_LABEL = 'copy-report';
/** A report of COPY_ORDER_CHUNKS receipts fits in this many characters. */
export const MAX_COPY_REPORT = 512 * 1024;

/**
 * What a host checks before it acts on an order: the hub's signature, that it has not expired,
 * and that it names this host in the given role.
 */
export function verifyCopyOrder(
  field: string,
  text: string,
  hubKey: SigningPublicKey,
  expect: { host: string; as: 'source' | 'dest'; now?: number },
): CopyOrder {
  const order = openMessage(COPY_ORDER_LABEL, field, text, copyOrderSchema, hubKey, MAX_COPY_ORDER);
  if (order.exp < (expect.now ?? Date.now())) {
    throw new AuthError(`${field}: expired; the hub issues a new order for what remains`);
  }
  if (order[expect.as] !== expect.host) {
    throw new ForbiddenError(`${field}: names another ${expect.as} host`);
  }
  return order;
}
