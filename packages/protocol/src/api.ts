import { z } from 'zod';
import {
  accountId,
  b64,
  byteCount,
  chunkId,
  country,
  email,
  hex64,
  hostId,
  hostTags,
  httpUrl,
  nodeId,
  queryInt,
  recordId,
  timestamp,
  version,
} from './schemas.ts';

// [Note: Route table]
// Every hub route is declared once, here: method, path, who may call it, and zod schemas for
// its parameters, query, body and response. The hub validates requests against it, the SDK
// validates responses against it, and /api/openapi.json is generated from it.

export type Auth = 'none' | 'session' | 'operator';

export interface RouteSpec {
  method: 'get' | 'post' | 'patch' | 'delete';
  path: string;
  auth: Auth;
  summary: string;
  tag: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Absent: 204 No Content. */
  response?: z.ZodType;
}

const route = <const R extends RouteSpec>(r: R) => r;

// ---- shared shapes ------------------------------------------------------------------------

const opaqueMessage = b64(4096);
const wrapped = b64(1024).min(1, 'expected a wrapped key');
// Room for a name, a few fields and an 8 KiB thumbnail, sealed and base64url-encoded.
const metadata = b64(24 * 1024).min(1, 'expected encrypted metadata');
const manifest = b64(64 * 1024 * 1024).min(1, 'expected a sealed manifest');
const capabilityToken = z.string().max(8192);
const receipt = z.string().max(8192);

const keyBundle = b64(1024).min(1, 'expected a key bundle');
/** The author's Ed25519 signature over the node ([Note: Node signatures]). */
const nodeSignature = b64(86).min(86, 'expected a 64-byte signature');
const contactBook = b64(1024 * 1024).min(1, 'expected a sealed contact book');

export const wrappedIdentity = z
  .object({ signing: wrapped, agreement: wrapped })
  .strict()
  .meta({ description: 'The account private keys, each wrapped under the master key.' });

export const accountInfo = z.object({
  id: accountId,
  email: z.string(),
  createdAt: timestamp,
  rootId: nodeId,
  wrappedMasterKey: wrapped,
  wrappedIdentity,
  keyBundle,
  rootWrappedKey: wrapped,
});
export type AccountInfo = z.infer<typeof accountInfo>;

export const sessionGrant = z.object({
  token: z.string(),
  sessionId: recordId,
  expiresAt: timestamp,
  account: accountInfo,
});
export type SessionGrant = z.infer<typeof sessionGrant>;

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
  signature: z.string().nullable().optional(),
  /** On a folder its owner shares, as listed to the owner: the member list's version. */
  shareVersion: z.number().int().optional(),
  /** The version of the node's key, bound into `wrappedKey` (bumped by each key rotation). */
  keyVersion: z.number().int().min(1).optional(),
});
export type NodeInfo = z.infer<typeof nodeInfo>;

export const revisionInfo = z.object({
  revision: z.number().int(),
  size: byteCount,
  createdAt: timestamp,
  manifest,
  chunkIds: z.array(chunkId),
});
export type RevisionInfo = z.infer<typeof revisionInfo>;

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
 * A folder owner's policy for what is stored under the folder. It can only tighten the
 * network's: more replicas, fewer countries, more required tags. Subfolders inherit it.
 */
export const folderPolicy = placementPolicy.partial();
export type FolderPolicy = z.infer<typeof folderPolicy>;

const policyAnswer = z.object({
  /** The policy set on this folder itself; null when it only inherits. */
  own: folderPolicy.nullable(),
  /** What applies here: the network's policy tightened by this folder and its ancestors. */
  effective: placementPolicy,
});

/** A host as the operator sees it. */
const hostState = z.enum([
  'pending',
  'online',
  'offline',
  'suspended',
  'disqualified',
  'exiting',
  'exited',
]);

/** A host's state, storage, audits, uptime and traffic: what operators and hosters see. */
const hostUsage = {
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
  lastSeenAt: timestamp,
  registeredAt: timestamp,
};

const nodeParams = z.object({ id: nodeId });

const MAX_SHARE_MEMBERS = 10_000;
export const shareInfo = z.object({
  id: nodeId,
  nodeId,
  ownerId: accountId,
  ownerEmail: z.string(),
  /** The caller's part in the share. */
  role: z.enum(['owner', 'read', 'write']),
  /** The member list signed by the owner (base64url; [Note: Member lists]). */
  memberList: z.string(),
  keyVersion: z.number().int(),
  /** The folder key versions sealed to the caller. */
  keys: z.array(z.object({ keyVersion: z.number().int(), sealed: z.string() })),
  /** The members' emails, for display; the signed list is what counts. */
  members: z.array(z.object({ accountId, email: z.string() })),
  folder: nodeInfo,
});
export type ShareInfo = z.infer<typeof shareInfo>;
const versioned = z.object({ version }).strict();

const linkId = recordId.meta({ description: 'A link id: 16 random bytes in hex.' });
const linkParams = z.object({ id: linkId });
/** A link as its owner sees it. */
export const linkInfo = z.object({
  id: linkId,
  nodeId,
  kind: nodeKind,
  createdAt: timestamp,
  expiresAt: timestamp.nullable(),
  maxDownloads: z.number().int().nullable(),
  downloads: z.number().int(),
  revokedAt: timestamp.nullable(),
  password: z.boolean(),
});
export type LinkInfo = z.infer<typeof linkInfo>;

const requestId = recordId.meta({ description: 'A file request id: 16 random bytes in hex.' });
const requestParams = z.object({ id: requestId });
const visitorUploadParams = z.object({ id: requestId, uploadId: recordId });
/** A file request as its owner sees it. */
export const requestInfo = z.object({
  id: requestId,
  folderId: nodeId,
  /** The title, sealed under the request's public key ([Note: File requests]). */
  envelope: z.string(),
  /** The request's secret key, wrapped under the owner's master key. */
  wrappedKey: z.string(),
  createdAt: timestamp,
  expiresAt: timestamp.nullable(),
  maxFiles: z.number().int().nullable(),
  maxBytes: z.number().int().nullable(),
  filesReceived: z.number().int(),
  bytesReceived: z.number().int(),
  revokedAt: timestamp.nullable(),
  /** Files received and not yet taken in by the owner's client. */
  pending: z.number().int(),
});
export type RequestInfo = z.infer<typeof requestInfo>;
/** A file a visitor sent, as its request's owner fetches it to take it in. */
export const dropInfo = z.object({
  id: recordId,
  nodeId,
  /** Sealed to the request's public key ([Note: File requests]). */
  sealed: z.string(),
  size: byteCount,
  createdAt: timestamp,
  chunkIds: z.array(chunkId),
});
export type DropInfo = z.infer<typeof dropInfo>;
const chunksToPlace = z
  .array(z.object({ id: chunkId, size: byteCount.min(1) }).strict())
  .min(1)
  .max(1024);
/** Hosts that failed this client; placement avoids them. */
const excludeHosts = z.array(hostId).max(64).optional();
const placements = z.object({
  placements: z.array(
    z.object({
      id: chunkId,
      /** Empty when the chunk already has every replica it needs. */
      targets: z.array(replica),
    }),
  ),
});
const receiptsBody = z.object({ receipts: z.array(receipt).min(1).max(4096) }).strict();
const receiptsAnswer = z.object({
  chunks: z.array(z.object({ id: chunkId, complete: z.boolean(), missing: z.number().int() })),
});
const located = z.object({ id: chunkId, size: byteCount, replicas: z.array(replica) });

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

// ---- routes -------------------------------------------------------------------------------

export const routes = {
  health: route({
    method: 'get',
    path: '/api/health',
    auth: 'none',
    tag: 'meta',
    summary: 'Readiness: 200 once the hub can serve requests.',
    response: z.object({ ok: z.literal(true) }),
  }),
  info: route({
    method: 'get',
    path: '/api/info',
    auth: 'none',
    tag: 'meta',
    summary: "The hub's public key (capability tokens) and its placement policy.",
    response: z.object({
      name: z.literal('coffer-hub'),
      version: z.string(),
      hubPublicKey: b64(64),
      policy: placementPolicy,
      maxChunkSize: byteCount,
    }),
  }),

  registerStart: route({
    method: 'post',
    path: '/api/accounts/register-start',
    auth: 'none',
    tag: 'accounts',
    summary: 'OPAQUE registration, first message. Used by signup and by recovery.',
    body: z.object({ email, request: opaqueMessage }).strict(),
    response: z.object({ response: opaqueMessage }),
  }),
  signup: route({
    method: 'post',
    path: '/api/accounts',
    auth: 'none',
    tag: 'accounts',
    summary: 'Creates an account with its OPAQUE record, wrapped keys and root folder.',
    body: z
      .object({
        email,
        accountId,
        record: opaqueMessage,
        wrappedMasterKey: wrapped,
        recoveryWrappedMasterKey: wrapped,
        recoveryProof: b64(64).min(43),
        wrappedIdentity,
        keyBundle,
        rootId: nodeId,
        rootWrappedKey: wrapped,
        rootMetadata: metadata,
        deviceName: z.string().max(100).optional(),
      })
      .strict(),
    response: sessionGrant,
  }),
  loginStart: route({
    method: 'post',
    path: '/api/login/start',
    auth: 'none',
    tag: 'accounts',
    summary: 'OPAQUE login, first message. Rate-limited per email and per address.',
    body: z.object({ email, request: opaqueMessage }).strict(),
    response: z.object({ loginId: recordId, response: opaqueMessage }),
  }),
  loginFinish: route({
    method: 'post',
    path: '/api/login/finish',
    auth: 'none',
    tag: 'accounts',
    summary: 'OPAQUE login, last message. Returns a session token.',
    body: z
      .object({
        loginId: recordId,
        finish: opaqueMessage,
        deviceName: z.string().max(100).optional(),
      })
      .strict(),
    response: sessionGrant,
  }),
  recoveryStart: route({
    method: 'post',
    path: '/api/recovery/start',
    auth: 'none',
    tag: 'accounts',
    summary: 'The master key wrapped under the recovery key (useless without that key).',
    body: z.object({ email }).strict(),
    response: z.object({ accountId, recoveryWrappedMasterKey: wrapped }),
  }),
  recoveryFinish: route({
    method: 'post',
    path: '/api/recovery/finish',
    auth: 'none',
    tag: 'accounts',
    summary: 'Sets a new password after proving the recovery key; ends every other session.',
    body: z
      .object({
        email,
        recoveryProof: b64(64).min(43),
        record: opaqueMessage,
        wrappedMasterKey: wrapped,
        deviceName: z.string().max(100).optional(),
      })
      .strict(),
    response: sessionGrant,
  }),
  account: route({
    method: 'get',
    path: '/api/account',
    auth: 'session',
    tag: 'accounts',
    summary: 'The account of the current session, with its wrapped keys.',
    response: accountInfo,
  }),
  logout: route({
    method: 'post',
    path: '/api/logout',
    auth: 'session',
    tag: 'accounts',
    summary: 'Ends the current session.',
  }),
  sessions: route({
    method: 'get',
    path: '/api/sessions',
    auth: 'session',
    tag: 'accounts',
    summary: "The account's live sessions.",
    response: z.object({
      sessions: z.array(
        z.object({
          id: recordId,
          deviceName: z.string(),
          createdAt: timestamp,
          lastSeenAt: timestamp,
          expiresAt: timestamp,
          current: z.boolean(),
        }),
      ),
    }),
  }),
  revokeSession: route({
    method: 'delete',
    path: '/api/sessions/{id}',
    auth: 'session',
    tag: 'accounts',
    summary: 'Revokes one session of the account.',
    params: z.object({ id: recordId }),
  }),

  updateKeys: route({
    method: 'post',
    path: '/api/account/keys',
    auth: 'session',
    tag: 'contacts',
    summary:
      'Replaces your key pairs: the new private keys wrapped under the master key, and a new key bundle signed by them with a higher version. Your contacts see the change and must verify you again.',
    body: z.object({ wrappedIdentity, keyBundle }).strict(),
    response: z.object({ version: z.number().int() }),
  }),
  lookupContact: route({
    method: 'post',
    path: '/api/contacts/lookup',
    auth: 'session',
    tag: 'contacts',
    summary:
      "An account's id and public key bundle, by email. The client checks the bundle's signature and pins it; the hub's word on who owns the email is checked by comparing safety numbers.",
    body: z.object({ email }).strict(),
    response: z.object({ accountId, email: z.string(), keyBundle }),
  }),
  contactBook: route({
    method: 'get',
    path: '/api/contacts',
    auth: 'session',
    tag: 'contacts',
    summary:
      'Your contact book, sealed under your master key, and its version (0 and null before the first save).',
    response: z.object({ version: z.number().int(), book: contactBook.nullable() }),
  }),
  saveContactBook: route({
    method: 'post',
    path: '/api/contacts',
    auth: 'session',
    tag: 'contacts',
    summary:
      'Saves your sealed contact book as `version`, which must be one above the stored version (409 otherwise: another device saved first; read, merge and retry).',
    body: z.object({ version: z.number().int().min(1), book: contactBook }).strict(),
    response: z.object({ version: z.number().int() }),
  }),

  putShare: route({
    method: 'post',
    path: '/api/shares',
    auth: 'session',
    tag: 'shares',
    summary:
      'Shares a folder you own, or changes who it is shared with: the member list signed with your key (a higher version than the stored one), and the folder key sealed to each member (and to you) for the list’s key version. The hub checks the signature against your key bundle and that every member has a key.',
    body: z
      .object({
        id: nodeId,
        nodeId,
        memberList: b64(17 * MAX_SHARE_MEMBERS + 200).min(1, 'expected a signed member list'),
        keys: z
          .array(
            z.object({ accountId, keyVersion: z.number().int().min(1), sealed: wrapped }).strict(),
          )
          .max(MAX_SHARE_MEMBERS + 1),
      })
      .strict(),
    response: shareInfo,
  }),
  shares: route({
    method: 'get',
    path: '/api/shares',
    auth: 'session',
    tag: 'shares',
    summary: 'The folders you share (outgoing) and the folders shared with you (incoming).',
    response: z.object({ outgoing: z.array(shareInfo), incoming: z.array(shareInfo) }),
  }),
  deleteShare: route({
    method: 'delete',
    path: '/api/shares/{id}',
    auth: 'session',
    tag: 'shares',
    summary: 'Stops sharing a folder: every member loses access through the hub at once.',
    params: nodeParams,
  }),

  shareTree: route({
    method: 'get',
    path: '/api/shares/{id}/tree',
    auth: 'session',
    tag: 'shares',
    summary:
      'For the owner rotating a share’s keys: every node under the shared folder (trashed ones too, the folder itself included), a page at a time in id order, with every revision’s manifest.',
    params: nodeParams,
    query: z.object({ after: nodeId.optional(), limit: queryInt(2000).optional() }),
    response: z.object({
      nodes: z.array(nodeInfo),
      revisions: z.array(z.object({ nodeId, revision: z.number().int(), manifest })),
      next: nodeId.nullable(),
    }),
  }),
  stageRekey: route({
    method: 'post',
    path: '/api/shares/{id}/rekey',
    auth: 'session',
    tag: 'shares',
    summary:
      'Stages new keys for a share’s nodes and manifests, a batch at a time: nothing changes until a member list with `keyVersion` (one above the share’s) is put, which swaps them all in at once, or 409s if the folder changed meanwhile.',
    params: nodeParams,
    body: z
      .object({
        keyVersion: z.number().int().min(2),
        nodes: z
          .array(
            z
              .object({
                id: nodeId,
                /** The node version the new keys were made from. */
                version,
                wrappedKey: wrapped,
                metadata,
                nameHash: hex64,
                signature: nodeSignature,
              })
              .strict(),
          )
          .max(5000),
        revisions: z
          .array(z.object({ nodeId, revision: z.number().int().min(1), manifest }).strict())
          .max(20000),
      })
      .strict(),
  }),

  createLink: route({
    method: 'post',
    path: '/api/links',
    auth: 'session',
    tag: 'links',
    summary:
      'Makes a public link to a file or folder of yours: its key wrapped for the link (the secret that opens it stays in the URL fragment), with an optional expiry and download limit the hub enforces.',
    body: z
      .object({
        id: linkId,
        nodeId,
        envelope: wrapped,
        /** The signing keys a visitor accepts ([Note: Link authors]), base64url. */
        authors: b64(4096).min(1, 'expected the link authors'),
        expiresAt: timestamp.nullable().optional(),
        maxDownloads: z.number().int().min(1).max(1_000_000).nullable().optional(),
      })
      .strict(),
    response: linkInfo,
  }),
  links: route({
    method: 'get',
    path: '/api/links',
    auth: 'session',
    tag: 'links',
    summary: 'Your links, newest first, revoked and expired ones included.',
    response: z.object({ links: z.array(linkInfo) }),
  }),
  revokeLink: route({
    method: 'delete',
    path: '/api/links/{id}',
    auth: 'session',
    tag: 'links',
    summary: 'Revokes a link: from now on it opens nothing.',
    params: linkParams,
  }),
  linkOpen: route({
    method: 'get',
    path: '/api/l/{id}',
    auth: 'none',
    tag: 'links',
    summary:
      'For a visitor: the link’s envelope and the node it points to. 403 once it is revoked, expired or used up.',
    params: linkParams,
    response: z.object({
      kind: nodeKind,
      envelope: z.string(),
      authors: z.string(),
      expiresAt: timestamp.nullable(),
      /** Downloads left before the limit; null without one. */
      downloadsLeft: z.number().int().nullable(),
      node: nodeInfo,
    }),
  }),
  linkChildren: route({
    method: 'get',
    path: '/api/l/{id}/nodes/{nodeId}/children',
    auth: 'none',
    tag: 'links',
    summary: 'For a visitor: the live children of a folder under a folder link, a page at a time.',
    params: z.object({ id: linkId, nodeId }),
    query: z.object({ after: nodeId.optional(), limit: queryInt(5000).optional() }),
    response: z.object({ nodes: z.array(nodeInfo), next: nodeId.nullable() }),
  }),
  linkDownload: route({
    method: 'post',
    path: '/api/l/{id}/download',
    auth: 'none',
    tag: 'links',
    summary:
      'For a visitor: one download of a file under the link (counted against its limit), with the current manifest and where its chunks are.',
    params: linkParams,
    body: z
      .object({
        nodeId,
        /** The ticket of a download under way: fresh chunk tokens, not counted again. */
        ticket: z.string().max(200).optional(),
      })
      .strict(),
    response: z.object({ node: nodeInfo, chunks: z.array(located), ticket: z.string() }),
  }),

  createRequest: route({
    method: 'post',
    path: '/api/requests',
    auth: 'session',
    tag: 'file requests',
    summary:
      'Makes a file request: an upload-only link into a folder of yours. Visitors send files sealed to its key; they can neither list nor read anything.',
    body: z
      .object({
        id: requestId,
        folderId: nodeId,
        envelope: b64(4096).min(1, 'expected a sealed title'),
        wrappedKey: wrapped,
        expiresAt: timestamp.nullable().optional(),
        maxFiles: z.number().int().min(1).max(1_000_000).nullable().optional(),
        maxBytes: byteCount.min(1).nullable().optional(),
      })
      .strict(),
    response: requestInfo,
  }),
  requests: route({
    method: 'get',
    path: '/api/requests',
    auth: 'session',
    tag: 'file requests',
    summary: 'Your file requests, newest first, with how many received files wait to be taken in.',
    response: z.object({ requests: z.array(requestInfo) }),
  }),
  revokeRequest: route({
    method: 'delete',
    path: '/api/requests/{id}',
    auth: 'session',
    tag: 'file requests',
    summary:
      'Closes a file request: it takes no more files. What it received can still be taken in.',
    params: requestParams,
  }),
  requestDrops: route({
    method: 'get',
    path: '/api/requests/{id}/drops',
    auth: 'session',
    tag: 'file requests',
    summary: 'Files a request received that wait to be taken in (up to 500).',
    params: requestParams,
    response: z.object({ drops: z.array(dropInfo) }),
  }),
  acceptDrops: route({
    method: 'post',
    path: '/api/requests/{id}/accept',
    auth: 'session',
    tag: 'file requests',
    summary:
      'Takes received files into your tree, all or none: each becomes a file with the chunks the visitor stored, under keys and a signature of yours.',
    params: requestParams,
    body: z
      .object({
        files: z
          .array(z.object({ dropId: recordId, file: fileCommit }).strict())
          .min(1)
          .max(500),
      })
      .strict(),
    response: z.object({ nodes: z.array(nodeInfo) }),
  }),
  discardDrop: route({
    method: 'delete',
    path: '/api/requests/{id}/drops/{dropId}',
    auth: 'session',
    tag: 'file requests',
    summary: 'Throws away a received file (one that does not open, say).',
    params: z.object({ id: requestId, dropId: recordId }),
  }),
  requestOpen: route({
    method: 'get',
    path: '/api/r/{id}',
    auth: 'none',
    tag: 'file requests',
    summary:
      'For a visitor: the request’s sealed title and what it still takes. 403 once it is closed, expired or full.',
    params: requestParams,
    response: z.object({
      envelope: z.string(),
      expiresAt: timestamp.nullable(),
      filesLeft: z.number().int().nullable(),
      bytesLeft: z.number().int().nullable(),
    }),
  }),
  requestUpload: route({
    method: 'post',
    path: '/api/r/{id}/uploads',
    auth: 'none',
    tag: 'file requests',
    summary: 'For a visitor: starts an upload to the request. Its id is the visitor’s to keep.',
    params: requestParams,
    body: z.object({}).strict(),
    response: z.object({ uploadId: recordId, expiresAt: timestamp }),
  }),
  requestPlace: route({
    method: 'post',
    path: '/api/r/{id}/uploads/{uploadId}/chunks',
    auth: 'none',
    tag: 'file requests',
    summary:
      'For a visitor: chooses hosts for chunks (placed for the request’s folder) and returns put tokens.',
    params: visitorUploadParams,
    body: z.object({ chunks: chunksToPlace, exclude: excludeHosts }).strict(),
    response: placements,
  }),
  requestReceipts: route({
    method: 'post',
    path: '/api/r/{id}/uploads/{uploadId}/receipts',
    auth: 'none',
    tag: 'file requests',
    summary: 'For a visitor: records host-signed receipts for chunks of the upload.',
    params: visitorUploadParams,
    body: receiptsBody,
    response: receiptsAnswer,
  }),
  requestSend: route({
    method: 'post',
    path: '/api/r/{id}/uploads/{uploadId}/drops',
    auth: 'none',
    tag: 'file requests',
    summary:
      'For a visitor: hands over files whose chunks are stored, each sealed to the request’s key, all or none. Counted against the request’s limits.',
    params: visitorUploadParams,
    body: z
      .object({
        files: z
          .array(
            z
              .object({
                nodeId,
                sealed: b64(8 * 1024 * 1024).min(1, 'expected a sealed drop'),
                chunkIds: z.array(chunkId).min(1).max(100_000),
              })
              .strict(),
          )
          .min(1)
          .max(100),
      })
      .strict(),
    response: z.object({ received: z.number().int() }),
  }),

  getNode: route({
    method: 'get',
    path: '/api/nodes/{id}',
    auth: 'session',
    tag: 'tree',
    summary: 'One node.',
    params: nodeParams,
    query: z.object({ include: z.enum(['manifest']).optional() }),
    response: nodeInfo,
  }),
  children: route({
    method: 'get',
    path: '/api/nodes/{id}/children',
    auth: 'session',
    tag: 'tree',
    summary: 'The live (not trashed) children of a folder, a page at a time.',
    params: nodeParams,
    query: z.object({
      /** Only the live child with this name hash (see [Note: Name hash] in crypto). */
      nameHash: hex64.optional(),
      after: nodeId.optional(),
      limit: queryInt(5000).optional(),
      include: z.enum(['manifest']).optional(),
    }),
    response: z.object({ nodes: z.array(nodeInfo), next: nodeId.nullable() }),
  }),
  createFolder: route({
    method: 'post',
    path: '/api/nodes',
    auth: 'session',
    tag: 'tree',
    summary: 'Creates a folder. 409 if a live sibling has the same name hash.',
    body: z
      .object({
        id: nodeId,
        parentId: nodeId,
        nameHash: hex64,
        wrappedKey: wrapped,
        metadata,
        signature: nodeSignature.optional(),
        /** The key version of the parent folder the key was wrapped under (409 if stale). */
        parentKeyVersion: z.number().int().min(1).optional(),
      })
      .strict(),
    response: nodeInfo,
  }),
  updateNode: route({
    method: 'patch',
    path: '/api/nodes/{id}',
    auth: 'session',
    tag: 'tree',
    summary: 'Renames and/or moves a node. 409 if `version` is stale or the name is taken.',
    params: nodeParams,
    body: z
      .object({
        version,
        parentId: nodeId.optional(),
        nameHash: hex64,
        wrappedKey: wrapped,
        metadata,
        signature: nodeSignature.optional(),
        /** The key version of the parent folder the key was wrapped under (409 if stale). */
        parentKeyVersion: z.number().int().min(1).optional(),
      })
      .strict(),
    response: nodeInfo,
  }),
  trashNode: route({
    method: 'post',
    path: '/api/nodes/{id}/trash',
    auth: 'session',
    tag: 'tree',
    summary: 'Moves a node (and everything under it) to the trash.',
    params: nodeParams,
    body: versioned,
    response: nodeInfo,
  }),
  restoreNode: route({
    method: 'post',
    path: '/api/nodes/{id}/restore',
    auth: 'session',
    tag: 'tree',
    summary: 'Brings a node back from the trash. 409 if its name is now taken.',
    params: nodeParams,
    body: versioned,
    response: nodeInfo,
  }),
  purgeNode: route({
    method: 'delete',
    path: '/api/nodes/{id}',
    auth: 'session',
    tag: 'tree',
    summary: 'Deletes a trashed node for good, with its revisions and everything under it.',
    params: nodeParams,
    query: z.object({ version: queryInt(2 ** 31) }),
  }),
  trash: route({
    method: 'get',
    path: '/api/trash',
    auth: 'session',
    tag: 'tree',
    summary: 'Nodes trashed directly (not those trashed with a folder).',
    response: z.object({ nodes: z.array(nodeInfo) }),
  }),
  revisions: route({
    method: 'get',
    path: '/api/nodes/{id}/revisions',
    auth: 'session',
    tag: 'tree',
    summary: 'Every revision of a file, newest first.',
    params: nodeParams,
    response: z.object({ revisions: z.array(revisionInfo) }),
  }),

  createUpload: route({
    method: 'post',
    path: '/api/uploads',
    auth: 'session',
    tag: 'transfers',
    summary: 'Starts an upload session; chunks stored under it survive interruptions.',
    body: z.object({}).strict(),
    response: z.object({ uploadId: recordId, expiresAt: timestamp }),
  }),
  getUpload: route({
    method: 'get',
    path: '/api/uploads/{id}',
    auth: 'session',
    tag: 'transfers',
    summary: 'Which chunks of an upload are already stored with enough receipts.',
    params: z.object({ id: recordId }),
    response: z.object({
      uploadId: recordId,
      expiresAt: timestamp,
      complete: z.array(chunkId),
    }),
  }),
  placeChunks: route({
    method: 'post',
    path: '/api/uploads/{id}/chunks',
    auth: 'session',
    tag: 'transfers',
    summary:
      'Chooses hosts for chunks and returns put tokens. The client sends each chunk to the first target, which forwards it along the chain.',
    params: z.object({ id: recordId }),
    body: z
      .object({
        chunks: chunksToPlace,
        exclude: excludeHosts,
        /**
         * The folders whose files will hold these chunks: placement follows their policies
         * (the network's when absent). A commit into a folder checks its policy again.
         */
        folders: z.array(nodeId).max(1024).optional(),
      })
      .strict(),
    response: placements,
  }),
  addReceipts: route({
    method: 'post',
    path: '/api/uploads/{id}/receipts',
    auth: 'session',
    tag: 'transfers',
    summary: 'Records host-signed receipts for chunks of an upload.',
    params: z.object({ id: recordId }),
    body: receiptsBody,
    response: receiptsAnswer,
  }),
  commitUpload: route({
    method: 'post',
    path: '/api/uploads/{id}/commit',
    auth: 'session',
    tag: 'transfers',
    summary:
      'Creates files or new revisions, all or none. Every chunk must have receipts from the hosts the policy requires; a stale version gets 409.',
    params: z.object({ id: recordId }),
    body: z.object({ files: z.array(fileCommit).min(1).max(1000) }).strict(),
    response: z.object({ nodes: z.array(nodeInfo) }),
  }),
  locateChunks: route({
    method: 'post',
    path: '/api/chunks/locate',
    auth: 'session',
    tag: 'transfers',
    summary: 'Where chunks of your files are, with a get token per replica.',
    body: z.object({ ids: z.array(chunkId).min(1).max(1024) }).strict(),
    response: z.object({ chunks: z.array(located) }),
  }),

  hostHello: route({
    method: 'post',
    path: '/api/hosts/hello',
    auth: 'none',
    tag: 'hosts',
    summary:
      'Registration and heartbeat in one: the host signs its URL, country, capacity and usage with its host key.',
    body: z.object({ hello: z.string().max(8192) }).strict(),
    response: z.object({
      hostId,
      hubPublicKey: b64(64),
      heartbeatMs: z.number().int(),
      /** How often the host should reconcile its store against the hub (hostReconcile). */
      reconcileMs: z.number().int().optional(),
    }),
  }),

  hostExit: route({
    method: 'post',
    path: '/api/hosts/exit',
    auth: 'none',
    tag: 'hosts',
    summary:
      'Graceful exit, signed with the host key: the host gets no new data, its chunks are copied to other hosts, and once none is left it has exited. Idempotent; ask again to follow progress.',
    body: z.object({ exit: z.string().max(8192) }).strict(),
    response: z.object({
      state: z.enum(['exiting', 'exited']),
      /** Chunks still held on this host and not yet copied elsewhere. */
      remaining: z.number().int(),
    }),
  }),

  hostReconcile: route({
    method: 'post',
    path: '/api/hosts/reconcile',
    auth: 'none',
    tag: 'hosts',
    summary:
      'The keep-set, a page at a time, signed with the host key: the chunk ids the hub records on the host after `after`, in id order, in a page signed with the hub key. The host deletes what it holds in that range and the hub does not list (once older than `graceMs`), and reports the listed ids it lacks in its next request; the hub forgets those replicas and repair restores them.',
    body: z.object({ request: z.string().max(600_000) }).strict(),
    /** A keep page (keepPageSchema) signed with the hub key. */
    response: z.object({ page: z.string() }),
  }),
  hostClaim: route({
    method: 'post',
    path: '/api/hosts/claim',
    auth: 'session',
    tag: 'hosts',
    summary:
      "Links a host to your account, for the hoster dashboard. The claim names your account and is signed with the host's key (`coffer host claim`).",
    body: z.object({ claim: z.string().max(8192) }).strict(),
    response: z.object({ hostId }),
  }),
  myHosts: route({
    method: 'get',
    path: '/api/hosts/mine',
    auth: 'session',
    tag: 'hosts',
    summary: 'The hosts you claimed: state, storage, audits, uptime and traffic.',
    response: z.object({ hosts: z.array(z.object(hostUsage)) }),
  }),

  reportChunk: route({
    method: 'post',
    path: '/api/chunks/report',
    auth: 'session',
    tag: 'transfers',
    summary:
      'Reports a replica that failed its integrity check on read. The hub audits that host for that chunk at once and, if the copy is bad, has it replaced from a healthy one.',
    body: z.object({ chunkId, hostId }).strict(),
    response: z.object({ outcome: z.enum(['bad', 'good', 'unreachable']) }),
  }),

  getFolderPolicy: route({
    method: 'get',
    path: '/api/nodes/{id}/policy',
    auth: 'session',
    tag: 'tree',
    summary: "A folder's placement policy: its own and the one in effect.",
    params: nodeParams,
    response: policyAnswer,
  }),
  setFolderPolicy: route({
    method: 'patch',
    path: '/api/nodes/{id}/policy',
    auth: 'session',
    tag: 'tree',
    summary:
      'Sets (or, with null, removes) the placement policy of a folder you own. Stored chunks move to match it through repair.',
    params: nodeParams,
    body: z.object({ policy: folderPolicy.nullable() }).strict(),
    response: policyAnswer,
  }),

  adminHosts: route({
    method: 'get',
    path: '/api/admin/hosts',
    auth: 'operator',
    tag: 'admin',
    summary: 'Every registered host, with its state and usage.',
    response: z.object({
      hosts: z.array(
        z.object({
          ...hostUsage,
          /** The country the host declares, when the operator set another one. */
          declaredCountry: country.nullable(),
          countryConfirmed: z.boolean(),
          tags: hostTags,
          tagsConfirmed: z.boolean(),
          online: z.boolean(),
        }),
      ),
    }),
  }),
  adminUpdateHost: route({
    method: 'patch',
    path: '/api/admin/hosts/{id}',
    auth: 'operator',
    tag: 'admin',
    summary:
      "Confirms or sets a host's country and tags (the host can no longer change them), or suspends it (no new data) and lifts the suspension.",
    params: z.object({ id: hostId }),
    body: z
      .object({
        country: country.optional(),
        tags: hostTags.optional(),
        suspended: z.boolean().optional(),
      })
      .strict(),
    response: z.object({
      id: hostId,
      state: hostState,
      country,
      tags: hostTags,
    }),
  }),
  adminApproveHost: route({
    method: 'post',
    path: '/api/admin/hosts/{id}/approve',
    auth: 'operator',
    tag: 'admin',
    summary: 'Lets a pending host take data (with `hostApproval: manual` in the hub config).',
    params: z.object({ id: hostId }),
    response: z.object({ id: hostId, state: z.literal('active') }),
  }),
  adminStats: route({
    method: 'get',
    path: '/api/admin/stats',
    auth: 'operator',
    tag: 'admin',
    summary: 'Counts across the network.',
    response: z.object({
      accounts: z.number().int(),
      files: z.number().int(),
      folders: z.number().int(),
      revisions: z.number().int(),
      chunks: z.number().int(),
      storedBytes: byteCount,
      hosts: z.number().int(),
      hostsOnline: z.number().int(),
      capacity: byteCount,
      repair: z.object({
        /** Chunks below target found by the last round (at most one round's batch). */
        underReplicated: z.number().int(),
        copiedLastRound: z.number().int(),
        failedLastRound: z.number().int(),
        copiedTotal: z.number().int(),
        lastRoundAt: timestamp.nullable(),
      }),
    }),
  }),
  adminHistory: route({
    method: 'get',
    path: '/api/admin/history',
    auth: 'operator',
    tag: 'admin',
    summary:
      'Samples of the network over time (one every `history.intervalMs`), oldest first: hosts, capacity, usage, counts and repair.',
    query: z.object({ since: queryInt(Number.MAX_SAFE_INTEGER).optional() }).strict(),
    response: z.object({
      points: z.array(
        z.object({
          at: timestamp,
          hosts: z.number().int(),
          hostsOnline: z.number().int(),
          capacity: byteCount,
          storedBytes: byteCount,
          accounts: z.number().int(),
          files: z.number().int(),
          chunks: z.number().int(),
          /** Live chunks below their target. */
          underReplicated: z.number().int(),
          /** Of those, chunks repair can work on now (a copy is online). */
          repairQueue: z.number().int(),
          /** Repair copies made since the previous sample. */
          copied: z.number().int(),
        }),
      ),
    }),
  }),
  adminPlacement: route({
    method: 'get',
    path: '/api/admin/placement/{id}',
    auth: 'operator',
    tag: 'admin',
    summary: "Where every chunk of a file's current revision is stored.",
    params: nodeParams,
    response: z.object({
      chunks: z.array(z.object({ id: chunkId, hosts: z.array(z.object({ id: hostId, country })) })),
    }),
  }),
} as const satisfies Record<string, RouteSpec>;

export type Routes = typeof routes;
export type RouteName = keyof Routes;

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;
type In<S> = S extends z.ZodType ? z.input<S> : undefined;
export type RouteResponse<N extends RouteName> = Routes[N] extends { response: infer R }
  ? Out<R>
  : undefined;
export type RouteInput<N extends RouteName> = {
  [K in 'params' | 'query' | 'body' as Routes[N] extends Record<K, z.ZodType> ? K : never]: In<
    Routes[N][K & keyof Routes[N]]
  >;
};

/** What the hub receives once a request has been parsed (schema outputs). */
export type RouteBody<N extends RouteName> = Routes[N] extends { body: infer B } ? Out<B> : never;
export type RouteParams<N extends RouteName> = Routes[N] extends { params: infer P }
  ? Out<P>
  : never;
export type RouteQuery<N extends RouteName> = Routes[N] extends { query: infer Q } ? Out<Q> : never;
