import { z } from 'zod';
import { accountId, b64, b64Bytes, nodeId, recordId, timestamp } from '../schemas.ts';
import { type RouteSpec, route } from './route.ts';
import { sealedKey, secondFactorCode, shownText } from './shapes.ts';

// Third-party apps confined to one folder: the device flow in the style of RFC 8628 and the
// app tokens it ends with (tag `apps`; [Note: App tokens] in the hub's services/apps.ts).

const access = z.enum(['read', 'readwrite']);
const userCode = z.string().max(20, 'expected a code such as BCDF-GHJK');
/** Shown to the user who approves, in a terminal or the web app (`shownText`). */
const appName = shownText(100).min(1, 'expected the app’s name');

/** An app's public keys: X25519 to receive its folder key, Ed25519 to sign what it writes. */
const appKeys = { publicKey: b64Bytes(32), signingKey: b64Bytes(32) };

export const appInfo = z.object({
  id: recordId,
  name: shownText(100),
  access,
  folderId: nodeId,
  keyVersion: z.number().int().min(1),
  requestId: recordId,
  ...appKeys,
  sealedKey,
  createdAt: timestamp,
  expiresAt: timestamp,
  lastUsedAt: timestamp.nullable(),
  revokedAt: timestamp.nullable(),
});
export type AppInfo = z.infer<typeof appInfo>;

const pendingRequest = z.object({
  requestId: recordId,
  name: shownText(100),
  access,
  /** The folder the app suggests, as it sent it (the hub sees this text). */
  folder: shownText(200).nullable(),
  ...appKeys,
  expiresAt: timestamp,
});

const tokenAnswer = z.discriminatedUnion('state', [
  z.object({ state: z.literal('authorization_pending') }),
  /** Polled faster than `interval`: wait `interval` seconds (5 more than before) from now on. */
  z.object({ state: z.literal('slow_down'), interval: z.number().int().min(1) }),
  z.object({ state: z.literal('access_denied') }),
  z.object({ state: z.literal('expired_token') }),
  z.object({
    state: z.literal('granted'),
    /** The app token: a bearer credential for this folder only. Shown once. */
    token: z.string(),
    appId: recordId,
    accountId,
    /** The account's self-signed key bundle: its key signed `sealedKey`. */
    keyBundle: b64(400),
    folderId: nodeId,
    keyVersion: z.number().int().min(1),
    access,
    sealedKey,
    expiresAt: timestamp,
  }),
]);

export const appRoutes = {
  requestApp: route({
    method: 'post',
    path: '/api/apps/requests',
    auth: 'none',
    tag: 'apps',
    summary:
      'An app asks for one folder (device authorization, RFC 8628 §3.1): show `userCode` to the user, then poll appToken every `interval` seconds. 429 when too many requests from this address (an IPv6 /64) are waiting; a rare 503 to retry when no free user code was found.',
    body: z
      .object({
        name: appName,
        ...appKeys,
        access,
        /** A folder to suggest to the user; the hub sees this text, never the folder chosen. */
        folder: shownText(200).min(1).optional(),
      })
      .strict(),
    response: z.object({
      requestId: recordId,
      deviceCode: z.string(),
      userCode: z.string(),
      /** Seconds between polls. */
      interval: z.number().int().min(1),
      /** Seconds until the codes expire. */
      expiresIn: z.number().int().min(1),
    }),
  }),
  appToken: route({
    method: 'post',
    path: '/api/apps/token',
    auth: 'none',
    tag: 'apps',
    summary:
      'The app polls with its device code (RFC 8628 §3.4): pending, slow_down, denied, expired, or granted with its token and sealed folder key (once).',
    body: z.object({ deviceCode: z.string().max(100) }).strict(),
    response: tokenAnswer,
  }),
  lookupAppRequest: route({
    method: 'post',
    path: '/api/apps/lookup',
    auth: 'session',
    tag: 'apps',
    summary:
      'What the app showing `userCode` asks for: its name, rights, suggested folder and keys. Rate-limited per account and address, and, for codes no app waits with, across the whole network (429).',
    body: z.object({ userCode }).strict(),
    response: pendingRequest,
  }),
  approveApp: route({
    method: 'post',
    path: '/api/apps/approve',
    auth: 'session',
    tag: 'apps',
    summary:
      'Grants the app one of your folders: its key sealed to the app and signed by your account ([Note: App grants]).',
    body: z
      .object({
        userCode,
        requestId: recordId,
        folderId: nodeId,
        keyVersion: z.number().int().min(1),
        sealedKey,
        /** Seconds the token lives: 90 days when absent, a year at most. */
        expiresIn: z
          .number()
          .int()
          .min(1)
          .max(365 * 86_400)
          .optional(),
        /** A fresh code or recovery code, needed when the account has a second factor. */
        secondFactor: secondFactorCode.optional(),
      })
      .strict(),
    response: appInfo,
  }),
  denyApp: route({
    method: 'post',
    path: '/api/apps/deny',
    auth: 'session',
    tag: 'apps',
    summary: 'Refuses the request of the app showing `userCode`.',
    body: z.object({ userCode }).strict(),
  }),
  apps: route({
    method: 'get',
    path: '/api/apps',
    auth: 'session',
    tag: 'apps',
    summary: 'The apps you granted a folder, revoked and expired ones included.',
    response: z.object({ apps: z.array(appInfo) }),
  }),
  regrantApp: route({
    method: 'post',
    path: '/api/apps/{id}/regrant',
    auth: 'session',
    tag: 'apps',
    summary:
      "After a rotation of its folder's keys, gives an active app the folder's new key: sealed to the same app keys and signed by your account for the folder's current key version ([Note: Grants after a rotation]).",
    params: z.object({ id: recordId }),
    body: z.object({ folderId: nodeId, keyVersion: z.number().int().min(1), sealedKey }).strict(),
    response: appInfo,
  }),
  appGrant: route({
    method: 'get',
    path: '/api/apps/grant',
    auth: 'session',
    tag: 'apps',
    summary:
      "An app token's own grant as it stands now: its folder's key sealed to it for the folder's current key version (the app checks the account's signature).",
    app: { access: 'read' },
    response: z.object({
      appId: recordId,
      requestId: recordId,
      folderId: nodeId,
      keyVersion: z.number().int().min(1),
      access,
      sealedKey,
    }),
  }),
  revokeApp: route({
    method: 'delete',
    path: '/api/apps/{id}',
    auth: 'session',
    tag: 'apps',
    summary: 'Revokes an app: its token stops working on its next request.',
    params: z.object({ id: recordId }),
  }),
} as const satisfies Record<string, RouteSpec>;
