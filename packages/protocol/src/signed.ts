import {
  fromBase64Url,
  type SigningPublicKey,
  type SigningSecretKey,
  sha256Hex,
  signWithLabel,
  toBase64Url,
  verifyWithLabel,
} from '@coffer/crypto';
import { AuthError, ValidationError } from '@coffer/errors';
import { z } from 'zod';
import {
  accountId,
  byteCount,
  chunkId,
  country,
  hostId,
  hostTags,
  httpUrl,
  timestamp,
} from './schemas.ts';

// [Note: Signed messages]
// Capability tokens, receipts and host messages are all "<payload>.<signature>": the payload is
// the base64url of a JSON object, the signature Ed25519 over "coffer/v1/<label>\0" ‖ payload
// bytes. The exact bytes signed travel with the signature, so nothing depends on JSON being
// canonical, and the label keeps a receipt from ever passing as a token.

const MAX_SIGNED = 8192;
/** Chunk ids in one reconciliation message (keep page or missing list). */
export const RECONCILE_PAGE = 5000;
/** Reconciliation messages carry up to RECONCILE_PAGE chunk ids. */
export const MAX_SIGNED_PAGE = 600_000;

export function signMessage(label: string, value: unknown, key: SigningSecretKey): string {
  const payload = new TextEncoder().encode(JSON.stringify(value));
  return `${toBase64Url(payload)}.${toBase64Url(signWithLabel(label, payload, key))}`;
}

/** Parses a signed message without checking the signature: only to learn who claims to sign. */
export function peekMessage<T>(
  field: string,
  text: string,
  schema: z.ZodType<T>,
  maxChars = MAX_SIGNED,
): T {
  if (typeof text !== 'string' || text.length > maxChars) {
    throw new ValidationError(field, `expected a signed message of at most ${maxChars} characters`);
  }
  const [payload, signature, extra] = text.split('.');
  if (payload === undefined || signature === undefined || extra !== undefined) {
    throw new ValidationError(field, 'expected "<payload>.<signature>"');
  }
  let value: unknown;
  try {
    value = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(fromBase64Url(payload, field)),
    );
  } catch {
    throw new ValidationError(field, 'payload is not base64url JSON');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ValidationError(
      `${field}.${issue?.path.join('.') ?? ''}`,
      issue?.message ?? 'invalid',
    );
  }
  return parsed.data;
}

export function openMessage<T>(
  label: string,
  field: string,
  text: string,
  schema: z.ZodType<T>,
  key: SigningPublicKey,
  maxChars = MAX_SIGNED,
): T {
  const value = peekMessage(field, text, schema, maxChars);
  const [payload = '', signature = ''] = text.split('.');
  const ok = verifyWithLabel(
    label,
    fromBase64Url(payload, field),
    fromBase64Url(signature, field),
    key,
  );
  if (!ok) throw new AuthError(`${field}: signature does not verify`);
  return value;
}

export async function hostIdFromKey(publicKey: Uint8Array): Promise<string> {
  return (await sha256Hex(publicKey)).slice(0, 32);
}

// ---- capability tokens --------------------------------------------------------------------

/**
 * put, get and delete act on the host that honours the token; copy makes it send a chunk it
 * holds to the one host in `fwd` (repair), with that host's own put token.
 */
export const capabilityOps = ['put', 'get', 'delete', 'copy'] as const;
export type CapabilityOp = (typeof capabilityOps)[number];

export const capabilitySchema = z
  .object({
    v: z.literal(1),
    /** The host that may honour it. */
    host: hostId,
    op: z.enum(capabilityOps),
    chunk: chunkId,
    /** Put: the exact object size. Get: the largest read. Delete: 0. Copy: the object size. */
    max: byteCount,
    /** Expiry, ms since the epoch. */
    exp: timestamp,
    serial: z.string().regex(/^[0-9a-f]{16,32}$/),
    /** Put: the hosts this host must forward the chunk to, in chain order. Copy: the target. */
    fwd: z
      .array(z.object({ host: hostId, url: httpUrl }))
      .max(8)
      .optional(),
  })
  .strict();
export type Capability = z.infer<typeof capabilitySchema>;

export const CAPABILITY_LABEL = 'capability';

export const signCapability = (c: Capability, hubKey: SigningSecretKey) =>
  signMessage(CAPABILITY_LABEL, c, hubKey);

/**
 * What a host checks on every request, offline: the hub's signature, that the token names this
 * host, this operation and this chunk, and that it has not expired.
 */
export function verifyCapability(
  token: string,
  hubKey: SigningPublicKey,
  expect: { host: string; op: CapabilityOp; chunk: string; now?: number },
): Capability {
  const c = openMessage(CAPABILITY_LABEL, 'token', token, capabilitySchema, hubKey);
  if (c.host !== expect.host) throw new AuthError('token: issued for another host');
  if (c.op !== expect.op) throw new AuthError(`token: allows ${c.op}, not ${expect.op}`);
  if (c.chunk !== expect.chunk) throw new AuthError('token: issued for another chunk');
  if (c.exp < (expect.now ?? Date.now())) throw new AuthError('token: expired');
  return c;
}

// ---- receipts -----------------------------------------------------------------------------

export const receiptSchema = z
  .object({
    v: z.literal(1),
    host: hostId,
    chunk: chunkId,
    size: byteCount,
    /** When the host had the chunk fsynced. */
    at: timestamp,
  })
  .strict();
export type Receipt = z.infer<typeof receiptSchema>;

export const RECEIPT_LABEL = 'receipt';

export const signReceipt = (r: Receipt, hostKey: SigningSecretKey) =>
  signMessage(RECEIPT_LABEL, r, hostKey);

// ---- host messages ------------------------------------------------------------------------

/**
 * [Note: Declared and real space]
 * A host declares the space it offers (`--capacity`), and reports in each hello the free space
 * and size of the filesystem its store lives on. The hub stores nothing on the strength of the
 * disk figures: placement still goes by the declared capacity. They are for the operator, who
 * is warned about a host that declares more than it can hold (its capacity less what it
 * already stores exceeds its free space), and for the hoster, whose host says so at start.
 */
export const hostDisk = z
  .object({
    /** Bytes an unprivileged process may still write (statfs bavail). */
    freeBytes: byteCount,
    sizeBytes: byteCount,
  })
  .strict()
  .refine((d) => d.freeBytes <= d.sizeBytes, {
    message: 'cannot exceed disk.sizeBytes',
    path: ['freeBytes'],
  });
export type HostDisk = z.infer<typeof hostDisk>;

export const hostHelloSchema = z
  .object({
    v: z.literal(1),
    host: hostId,
    publicKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'expected a base64url Ed25519 key'),
    url: httpUrl,
    country,
    capacity: byteCount,
    usedBytes: byteCount,
    chunks: byteCount,
    at: timestamp,
    /** The hoster's tags (`--tag k=v`); the operator may confirm or replace them. */
    tags: hostTags.optional(),
    /** Chunk bytes received and sent since the host process started. */
    bytesIn: byteCount.optional(),
    bytesOut: byteCount.optional(),
    /** The host's `--bandwidth` limit in bytes per second, each way; absent: none. */
    bandwidth: byteCount.optional(),
    /** `--personal`: a personal server, for its owner's data only ([Note: Personal servers]). */
    personal: z.boolean().optional(),
    /** The filesystem the host's store lives on ([Note: Declared and real space]); absent: not told. */
    disk: hostDisk.optional(),
  })
  .strict();
export type HostHello = z.infer<typeof hostHelloSchema>;

/** Registration and heartbeats: the host signs its own state with its host key. */
export const HOST_HELLO_LABEL = 'host-hello';

/** A host asks to leave the network: its chunks are copied elsewhere before it goes. */
export const hostExitSchema = z.object({ v: z.literal(1), host: hostId, at: timestamp }).strict();
export type HostExit = z.infer<typeof hostExitSchema>;
export const HOST_EXIT_LABEL = 'host-exit';

/**
 * A hoster links a host to their account: the host key signs the account id, and the account's
 * session submits it, so the claim proves control of both.
 */
export const hostClaimSchema = z
  .object({ v: z.literal(1), host: hostId, account: accountId, at: timestamp })
  .strict();
export type HostClaim = z.infer<typeof hostClaimSchema>;
export const HOST_CLAIM_LABEL = 'host-claim';

/**
 * Reconciliation, page by page: the host asks for the chunk ids the hub records on it after
 * `after`, and reports the ids of the previous page it does not have.
 */
export const hostReconcileSchema = z
  .object({
    v: z.literal(1),
    host: hostId,
    at: timestamp,
    after: chunkId.nullable(),
    missing: z.array(chunkId).max(RECONCILE_PAGE),
  })
  .strict();
export type HostReconcile = z.infer<typeof hostReconcileSchema>;
export const HOST_RECONCILE_LABEL = 'host-reconcile';

/**
 * One page of the keep-set, signed by the hub: the host deletes what the page leaves out, so
 * nobody but the hub may write one, and it names the host and the request it answers.
 */
export const keepPageSchema = z
  .object({
    v: z.literal(1),
    host: hostId,
    at: timestamp,
    after: chunkId.nullable(),
    keep: z.array(chunkId).max(RECONCILE_PAGE),
    /** Null on the last page. */
    next: chunkId.nullable(),
    /** A chunk stored more recently than this may be in flight to the hub: keep it. */
    graceMs: z.number().int().min(0),
  })
  .strict();
export type KeepPage = z.infer<typeof keepPageSchema>;
export const KEEP_PAGE_LABEL = 'hub-keep-page';

/** Chunk ids in one orphan sweep report ([Note: Orphan sweep] in the hub's services/orphans.ts). */
export const SWEEP_PAGE = 1000;

/**
 * The orphan sweep: the host names chunks it stored recently (past the grace period) and asks
 * which the hub does not want; `nonce` binds the answer to this request.
 */
export const hostSweepSchema = z
  .object({
    v: z.literal(1),
    host: hostId,
    at: timestamp,
    nonce: z.string().regex(/^[0-9a-f]{32}$/, 'expected 32 hex characters'),
    chunks: z.array(chunkId).max(SWEEP_PAGE),
  })
  .strict();
export type HostSweep = z.infer<typeof hostSweepSchema>;
export const HOST_SWEEP_LABEL = 'host-sweep';

/**
 * The hub's verdict on a sweep report, signed with the hub key: `drop` the host may delete (no
 * record of it on this host, no upload in progress holds it), `wait` it asks about again later
 * (an upload in progress holds it: its receipts may still come). Ids not named are kept.
 */
export const sweepVerdictSchema = z
  .object({
    v: z.literal(1),
    host: hostId,
    at: timestamp,
    nonce: z.string().regex(/^[0-9a-f]{32}$/),
    drop: z.array(chunkId).max(SWEEP_PAGE),
    wait: z.array(chunkId).max(SWEEP_PAGE),
  })
  .strict();
export type SweepVerdict = z.infer<typeof sweepVerdictSchema>;
export const SWEEP_VERDICT_LABEL = 'hub-sweep-verdict';
