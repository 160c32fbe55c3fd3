import { z } from 'zod';
import { accountId, b64, email, nodeId, recordId, timestamp } from '../schemas.ts';
import { type RouteSpec, route } from './route.ts';
import {
  keyBundle,
  metadata,
  secondFactorCode,
  shownText,
  wrapped,
  wrappedIdentity,
} from './shapes.ts';

// Sign-up, login, recovery and sessions (tag `accounts`).

const opaqueMessage = b64(4096);
/** Shown in `coffer sessions` and the web app, beside its warnings (`shownText`). */
const deviceName = shownText(100);

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

/**
 * What loginFinish answers for an account with a second factor: a session that can only send
 * its code (secondFactorLogin), and no account keys until it has.
 */
export const pendingGrant = z.object({
  token: z.string(),
  sessionId: recordId,
  expiresAt: timestamp,
  secondFactorRequired: z.literal(true),
});
export type PendingGrant = z.infer<typeof pendingGrant>;

/** A fresh code or recovery code, for the actions that need one when 2FA is on. */
const secondFactor = secondFactorCode.optional();

export const accountRoutes = {
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
        deviceName: deviceName.optional(),
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
    summary:
      'OPAQUE login, last message. Returns a session token, or, when the account has a second factor, a session that must first send its code to /api/login/second-factor.',
    body: z
      .object({
        loginId: recordId,
        finish: opaqueMessage,
        deviceName: deviceName.optional(),
      })
      .strict(),
    response: z.union([sessionGrant, pendingGrant]),
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
        deviceName: deviceName.optional(),
        /** Needed when the account has a second factor. */
        secondFactor,
      })
      .strict(),
    response: sessionGrant,
  }),
  changePassword: route({
    method: 'post',
    path: '/api/account/password',
    auth: 'session',
    tag: 'accounts',
    summary:
      'Sets a new password: a fresh OPAQUE login (loginStart) proves the current one. Ends every other session.',
    body: z
      .object({
        loginId: recordId,
        finish: opaqueMessage,
        record: opaqueMessage,
        wrappedMasterKey: wrapped,
        /** Needed when the account has a second factor. */
        secondFactor,
      })
      .strict(),
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
          deviceName,
          createdAt: timestamp,
          lastSeenAt: timestamp,
          expiresAt: timestamp,
          current: z.boolean(),
          /** Signed in with the password and waiting for its second factor's code. */
          awaitingCode: z.boolean().default(false),
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
} as const satisfies Record<string, RouteSpec>;
