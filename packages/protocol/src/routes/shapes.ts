import { LINK_ENVELOPE_BYTES, SEALED_KEY_BYTES, WRAPPED_KEY_BYTES } from '@coffer/crypto';
import { z } from 'zod';
import {
  accountId,
  b64,
  b64Bytes,
  byteCount,
  chunkId,
  country,
  hex64,
  hostId,
  hostTags,
  httpUrl,
  nodeId,
  timestamp,
  version,
} from '../schemas.ts';

// The shapes more than one area of the route table uses. A shape one area alone uses stays in
// that area's file.

/**
 * Text shown to a user in a terminal or the web app that someone else chose (an app's name, a
 * session's device name): no control or format characters, so no escape sequences to rewrite
 * a terminal and no bidi overrides to disguise it. Checked on the way in and, since the hub is
 * not trusted, on the way back out.
 */
export const shownText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `expected at most ${max} characters`)
    .regex(/^[^\p{Cc}\p{Cf}]*$/u, 'expected no control or format characters');

// [Note: Stored fields]
// Whatever the hub stores from a client and later hands back is checked on the way in with
// the schema its clients read it with: the request and the response use one of the shapes
// below, so a write the hub accepts can always be read back (`write-read-back.test.ts`).
// Binary fields are canonical base64url (isBase64Url), of their exact size where the format
// has one. What the hub cannot check is the content of a ciphertext: that is end-to-end, and
// a client that opens something that does not decrypt reports tampering.

/** A 32-byte key wrapped under another (node, root, master, identity, file request keys). */
export const wrapped = b64Bytes(WRAPPED_KEY_BYTES);
/** A folder key sealed to a share member and signed by the owner. */
export const sealedKey = b64Bytes(SEALED_KEY_BYTES);
/** A node key wrapped for a public link, with or without a password. */
export const linkEnvelope = b64Bytes(...LINK_ENVELOPE_BYTES);
// Room for a name, a few fields and an 8 KiB thumbnail, sealed and base64url-encoded.
export const metadata = b64(24 * 1024).min(1, 'expected encrypted metadata');
export const manifest = b64(64 * 1024 * 1024).min(1, 'expected a sealed manifest');
const capabilityToken = z.string().max(8192);
const receipt = z.string().max(8192);

export const keyBundle = b64(1024).min(1, 'expected a key bundle');
/** The author's Ed25519 signature over the node ([Note: Node signatures]). */
export const nodeSignature = b64Bytes(64);
/** The version a save names for a sealed blob (feed state, sync state). */
export const savedVersion = z
  .number()
  .int()
  .min(1)
  .max(2 ** 31);

export const wrappedIdentity = z
  .object({ signing: wrapped, agreement: wrapped })
  .strict()
  .meta({ description: 'The account private keys, each wrapped under the master key.' });

export const nodeKind = z.enum(['file', 'folder']);

export const nodeInfo = z.object({
  id: nodeId,
  parentId: nodeId.nullable(),
  kind: nodeKind,
  wrappedKey: wrapped,
  metadata,
  nameHash: hex64.nullable(),
  version: z.number().int(),
  /** The current revision of a file; null for folders. */
  revision: z.number().int().nullable(),
  /** Bytes stored for the current revision (ciphertext, one replica). */
  size: byteCount,
  trashedAt: timestamp.nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
  /** The current revision's sealed manifest, when asked for with `include=manifest`. */
  manifest: manifest.optional(),
  /** Who wrote the node last, and their signature over it (null on nodes written unsigned). */
  authorId: accountId.nullable().optional(),
  signature: nodeSignature.nullable().optional(),
  /** On a folder its owner shares, as listed to the owner: the member list's version. */
  shareVersion: z.number().int().optional(),
  /** The version of the node's key, bound into `wrappedKey` (bumped by each key rotation). */
  keyVersion: z.number().int().min(1).optional(),
});
export type NodeInfo = z.infer<typeof nodeInfo>;

export const replica = z.object({ hostId, url: httpUrl, country, token: capabilityToken });
export type Replica = z.infer<typeof replica>;

const replicaCount = z.number().int().min(2).max(8);
const countries = z.array(country).max(250);

export const placementPolicy = z
  .object({
    /** Copies, each in a different country. */
    replicas: replicaCount,
    allowCountries: countries.optional(),
    excludeCountries: countries.optional(),
    /** Only hosts with every one of these tags (as the operator confirmed them) take data. */
    requiredTags: hostTags.optional(),
  })
  .strict();
export type PlacementPolicy = z.infer<typeof placementPolicy>;

/**
 * Where a folder's files are kept: on the network's hosts (`replicas` of them, in distinct
 * countries), on the owner's personal servers only (one copy on each), or both.
 */
export const storageSite = z.enum(['network', 'personal', 'both']);
export type StorageSite = z.infer<typeof storageSite>;

/**
 * A folder owner's policy for what is stored under the folder. It can only tighten the
 * network's: more replicas, fewer countries, more required tags. Subfolders inherit it. `on`
 * moves the folder's files to the owner's personal servers ([Note: Personal servers]).
 */
export const folderPolicy = placementPolicy
  .partial()
  .extend({ on: storageSite.optional() })
  .strict();
export type FolderPolicy = z.infer<typeof folderPolicy>;

/** The policy in effect in a folder: the network's, tightened by the folder's and its ancestors'. */
export const effectivePolicy = placementPolicy.extend({ on: storageSite.optional() }).strict();
export type EffectivePolicy = z.infer<typeof effectivePolicy>;

/** A host as the operator sees it. */
export const hostState = z.enum([
  'pending',
  'online',
  'offline',
  'suspended',
  'disqualified',
  'exiting',
  'exited',
]);

/** A host's state, storage, audits, uptime and traffic: what operators and hosters see. */
export const hostUsage = {
  id: hostId,
  url: httpUrl,
  country,
  state: hostState,
  capacity: byteCount,
  usedBytes: byteCount,
  chunks: byteCount,
  audits: z.object({ passed: z.number().int(), failed: z.number().int() }),
  /** Passed `vetting.audits` audits: takes a full share of new data. */
  vetted: z.boolean(),
  /** Share of the time since registration the host was seen online, 0-1. */
  uptime: z.number().min(0).max(1),
  bytesIn: byteCount,
  bytesOut: byteCount,
  /** The host's bandwidth limit in bytes per second, each way; null: none. */
  bandwidth: byteCount.nullable(),
  /** A personal server: takes only its owner's data, never the public pool's. */
  personal: z.boolean(),
  /**
   * The filesystem its store lives on, as of its last hello ([Note: Declared and real space]);
   * null for a host that does not report it.
   */
  disk: z.object({ freeBytes: byteCount, sizeBytes: byteCount }).nullable(),
  /** Declares more than its disk has: its capacity less what it stores exceeds the free space. */
  overcommitted: z.boolean(),
  lastSeenAt: timestamp,
  registeredAt: timestamp,
};

export const nodeParams = z.object({ id: nodeId });

export const chunksToPlace = z
  .array(z.object({ id: chunkId, size: byteCount.min(1) }).strict())
  .min(1)
  .max(1024);
/** Hosts that failed this client; placement avoids them. */
export const excludeHosts = z.array(hostId).max(64).optional();
export const placements = z.object({
  placements: z.array(
    z.object({
      id: chunkId,
      /** Empty when the chunk already has every replica it needs. */
      targets: z.array(replica),
    }),
  ),
});
export const receiptsBody = z.object({ receipts: z.array(receipt).min(1).max(4096) }).strict();
export const receiptsAnswer = z.object({
  chunks: z.array(z.object({ id: chunkId, complete: z.boolean(), missing: z.number().int() })),
});
export const located = z.object({ id: chunkId, size: byteCount, replicas: z.array(replica) });

export const fileCommit = z
  .object({
    nodeId,
    parentId: nodeId,
    nameHash: hex64,
    wrappedKey: wrapped,
    metadata,
    /** For a new file: absent. For a new revision: the node version it replaces. */
    version: version.optional(),
    revision: z
      .number()
      .int()
      .min(1)
      .max(2 ** 31),
    manifest,
    size: byteCount,
    chunkIds: z.array(chunkId).min(1).max(1_000_000),
    signature: nodeSignature.optional(),
    /** The key version of the parent folder the key was wrapped under (409 if stale). */
    parentKeyVersion: z.number().int().min(1).optional(),
  })
  .strict();
export type FileCommit = z.infer<typeof fileCommit>;

/**
 * What proves an account's second factor: a 6-digit code from the authenticator app, or one
 * of its recovery codes (`xxxx-xxxx-xxxx-xxxx`, dashes and case as typed).
 */
export const secondFactorCode = z
  .string()
  .trim()
  .min(6, 'expected a 6-digit code or a recovery code')
  .max(40, 'expected a 6-digit code or a recovery code');
