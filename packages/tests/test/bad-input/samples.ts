import type { RouteName } from '@coffer/protocol';
import { hex } from './fixture.ts';

// Requests no HTTP client would send, and a valid sample body for every hub route with a
// body: each mutation in hub.test.ts breaks exactly one field of one of these.

export const MALFORMED_HTTP: [string, string][] = [
  ['an unknown method', 'BREW /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'],
  ['a garbage request line', 'garbage\r\n\r\n'],
  ['no Host header', 'GET /api/health HTTP/1.1\r\nConnection: close\r\n\r\n'],
  ['a backslash in the path', 'GET /api\\health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'],
  ['a bad Host header', 'GET /api/health HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n'],
  [
    'a 20 KiB header',
    `GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\nConnection: close\r\n\r\n`,
  ],
  [
    'a body cut short of its Content-Length',
    'POST /api/accounts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":',
  ],
  [
    'a bad chunked encoding',
    'POST /api/accounts HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
  ],
];

export const b64 = 'AAAAAAAA';
/** Base64url of the exact sizes: a wrapped key (116 bytes), a sealed key (148), a link envelope (117). */
export const wrapped = 'A'.repeat(155);
export const sealed = 'A'.repeat(198);
export const linkEnvelope = 'A'.repeat(156);
export const fileCommitSample = {
  nodeId: hex(32, '1'),
  parentId: hex(32, '2'),
  nameHash: hex(64, '3'),
  wrappedKey: wrapped,
  metadata: b64,
  version: 1,
  revision: 2,
  manifest: b64,
  size: 10,
  chunkIds: [hex(64, '4')],
};

/** A body each route's schema accepts; the test checks that it still does. */
export const SAMPLES: Partial<Record<RouteName, Record<string, unknown>>> = {
  registerStart: { email: 'x@example.com', request: b64 },
  signup: {
    email: 'x@example.com',
    accountId: hex(32, 'b'),
    record: b64,
    wrappedMasterKey: wrapped,
    recoveryWrappedMasterKey: wrapped,
    recoveryProof: 'A'.repeat(43),
    wrappedIdentity: { signing: wrapped, agreement: wrapped },
    keyBundle: b64,
    rootId: hex(32, 'c'),
    rootWrappedKey: wrapped,
    rootMetadata: b64,
    deviceName: 'laptop',
  },
  loginStart: { email: 'x@example.com', request: b64 },
  updateKeys: { wrappedIdentity: { signing: wrapped, agreement: wrapped }, keyBundle: b64 },
  lookupContact: { email: 'x@example.com' },
  saveContactBook: { version: 1, book: b64 },
  requestApp: {
    name: 'Photo uploader',
    access: 'read',
    folder: '/Photos',
    publicKey: 'A'.repeat(43),
    signingKey: 'A'.repeat(43),
  },
  appToken: { deviceCode: 'A'.repeat(43) },
  lookupAppRequest: { userCode: 'BCDF-GHJK' },
  approveApp: {
    userCode: 'BCDF-GHJK',
    requestId: hex(32, '4'),
    folderId: hex(32, '5'),
    keyVersion: 1,
    sealedKey: sealed,
  },
  denyApp: { userCode: 'BCDF-GHJK' },
  regrantApp: { folderId: hex(32, '5'), keyVersion: 2, sealedKey: sealed },
  putShare: {
    id: hex(32, '1'),
    nodeId: hex(32, '2'),
    memberList: b64,
    keys: [{ accountId: hex(32, '3'), keyVersion: 1, sealed }],
  },
  putGroup: {
    id: hex(32, '1'),
    roster: b64,
    name: b64,
    keys: [{ accountId: hex(32, '3'), keyVersion: 1, sealed }],
  },
  answerGroupInvite: { accept: true },
  putShelfEntry: { entryId: hex(32, '4'), entry: b64, file: { nodeId: hex(32, '5'), revision: 1 } },
  copyShelfEntry: { folderId: hex(32, '5') },
  adoptGroupCopy: { file: fileCommitSample },
  rateEntry: { entryId: hex(32, '4'), rating: b64 },
  saveFeedState: { version: 1, state: b64 },
  saveSyncState: { version: 1, state: b64 },
  subscribe: { budget: 10_485_760, memberId: hex(32, '6') },
  stageRekey: {
    keyVersion: 2,
    nodes: [
      {
        id: hex(32, '2'),
        version: 1,
        wrappedKey: wrapped,
        metadata: b64,
        nameHash: hex(64, '0'),
        signature: 'A'.repeat(86),
      },
    ],
    revisions: [{ nodeId: hex(32, '2'), revision: 1, manifest: b64 }],
  },
  createLink: {
    id: hex(32, '1'),
    nodeId: hex(32, '2'),
    envelope: linkEnvelope,
    authors: b64,
    expiresAt: 2_000_000_000_000,
    maxDownloads: 3,
  },
  linkDownload: { nodeId: hex(32, '2'), ticket: '1.abc' },
  createRequest: {
    id: hex(32, '1'),
    folderId: hex(32, '2'),
    envelope: b64,
    wrappedKey: wrapped,
    expiresAt: 2_000_000_000_000,
    maxFiles: 3,
    maxBytes: 1_000_000,
  },
  acceptDrops: { files: [{ dropId: hex(32, '4'), file: fileCommitSample }] },
  requestUpload: {},
  requestPlace: { chunks: [{ id: hex(64, '5'), size: 100 }], exclude: [hex(32, '6')] },
  requestReceipts: { receipts: ['eyJ2IjoxfQ.c2ln'] },
  requestSend: { files: [{ nodeId: hex(32, '2'), sealed: b64, chunkIds: [hex(64, '5')] }] },
  loginFinish: { loginId: hex(32, 'd'), finish: b64, deviceName: 'laptop' },
  recoveryStart: { email: 'x@example.com' },
  secondFactorEnable: { code: '123456', loginId: hex(32, 'd'), finish: b64 },
  secondFactorDisable: { code: '123456' },
  secondFactorRecoveryCodes: { code: '123456', loginId: hex(32, 'd'), finish: b64 },
  secondFactorLogin: { code: '123456' },
  changePassword: { loginId: hex(32, 'd'), finish: b64, record: b64, wrappedMasterKey: wrapped },
  deleteAccount: {
    loginId: hex(32, 'd'),
    finish: b64,
    email: 'x@example.com',
    secondFactor: '123456',
  },
  recoveryFinish: {
    email: 'x@example.com',
    recoveryProof: 'A'.repeat(43),
    record: b64,
    wrappedMasterKey: wrapped,
    deviceName: 'laptop',
  },
  createFolder: {
    id: hex(32, 'e'),
    parentId: hex(32, 'f'),
    nameHash: hex(64, '0'),
    wrappedKey: wrapped,
    metadata: b64,
  },
  updateNode: {
    version: 1,
    parentId: hex(32, 'f'),
    nameHash: hex(64, '0'),
    wrappedKey: wrapped,
    metadata: b64,
  },
  trashNode: { version: 1 },
  restoreNode: { version: 1 },
  emptyTrash: { upTo: 1 },
  createUpload: {},
  placeChunks: {
    chunks: [{ id: hex(64, '5'), size: 100 }],
    exclude: [hex(32, '6')],
    folders: [hex(32, '8')],
  },
  addReceipts: { receipts: ['eyJ2IjoxfQ.c2ln'] },
  commitUpload: { files: [fileCommitSample] },
  locateChunks: { ids: [hex(64, '7')] },
  hostHello: { hello: 'eyJ2IjoxfQ.c2ln' },
  hostExit: { exit: 'eyJ2IjoxfQ.c2ln' },
  hostClaim: { claim: 'eyJ2IjoxfQ.c2ln' },
  hostReconcile: { request: 'eyJ2IjoxfQ.c2ln' },
  hostSweep: { report: 'eyJ2IjoxfQ.c2ln' },
  hostCopied: { report: 'eyJ2IjoxfQ.c2ln' },
  reportChunk: { chunkId: hex(64, '9'), hostId: hex(32, 'a') },
  setFolderPolicy: {
    policy: {
      replicas: 3,
      allowCountries: ['FR', 'DE', 'ES'],
      excludeCountries: ['BR'],
      requiredTags: { power: 'solar' },
    },
  },
  adminUpdateHost: { country: 'FR', tags: { tier: 'home' }, suspended: false },
  adminAudit: { hostId: hex(32, 'e'), chunkId: hex(64, 'f') },
  adminCreateCopy: {
    source: hex(32, 'b'),
    destination: hex(32, 'c'),
    chunks: [{ id: hex(64, 'd'), size: 100 }],
  },
};

/** A value of another JSON type than `v`. */
export function wrongType(v: unknown): unknown {
  if (typeof v === 'string') return 12345;
  if (typeof v === 'number') return '12';
  if (typeof v === 'boolean') return 'true';
  if (Array.isArray(v)) return { 0: v[0] };
  if (v === null) return 0;
  return 'an object was expected';
}

/** A value of the right type but an impossible form. */
export function malformed(v: unknown): unknown {
  if (typeof v === 'string') return `%%\u0000${'x'.repeat(9000)}`;
  if (typeof v === 'number') return -1.5;
  if (Array.isArray(v)) return [12345];
  return undefined;
}

export type Path = (string | number)[];

/** Every path into `v` (objects and the first element of arrays), with its value. */
export function* paths(v: unknown, at: Path = []): Generator<[Path, unknown]> {
  if (Array.isArray(v)) {
    if (v.length) {
      yield [[...at, 0], v[0]];
      yield* paths(v[0], [...at, 0]);
    }
  } else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      yield [[...at, k], x];
      yield* paths(x, [...at, k]);
    }
  }
}

export function setAt(root: unknown, p: Path, value: unknown, remove = false): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let cur = copy;
  for (const k of p.slice(0, -1)) cur = cur[k] as Record<string | number, unknown>;
  const last = p.at(-1) as string | number;
  if (remove) delete cur[last];
  else cur[last] = value;
  return copy;
}
