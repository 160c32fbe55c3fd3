import { z } from 'zod';
import { b64, recordId, timestamp } from '../schemas.ts';
import { sessionGrant } from './accounts.ts';
import { type RouteSpec, route } from './route.ts';
import { secondFactorCode } from './shapes.ts';

// The account's second factor, TOTP (tag `secondFactor`; [Note: Second factor on the hub] in
// the hub's services/second-factor.ts): enrolment, the login step after OPAQUE, status and
// new recovery codes and turning it off.

export const secondFactorRoutes = {
  secondFactorStatus: route({
    method: 'get',
    path: '/api/account/2fa',
    auth: 'session',
    tag: 'secondFactor',
    summary: "Whether the account's second factor is on, and how many recovery codes are left.",
    response: z.object({
      enabled: z.boolean(),
      /** An enrolment started and waiting for its first code. */
      pending: z.boolean(),
      recoveryCodesLeft: z.number().int().min(0),
      /** Set while wrong codes have locked the second factor. */
      lockedUntil: timestamp.nullable(),
    }),
  }),
  secondFactorStart: route({
    method: 'post',
    path: '/api/account/2fa/start',
    auth: 'session',
    tag: 'secondFactor',
    summary:
      'Starts enrolment: a fresh TOTP secret (160 bits) and its otpauth:// URI for the authenticator app (SHA-1, 6 digits, 30 s). Nothing changes until a code from it is sent to /enable.',
    response: z.object({ secret: z.string(), uri: z.string() }),
  }),
  secondFactorEnable: route({
    method: 'post',
    path: '/api/account/2fa/enable',
    auth: 'session',
    tag: 'secondFactor',
    summary:
      'Turns the second factor on with a valid code from the secret just started, after a fresh OPAQUE login (loginStart) proves the current password: a stolen session token alone cannot lock the owner out. Answers 10 single-use recovery codes, shown this once (the hub keeps only their hashes).',
    body: z.object({ code: secondFactorCode, loginId: recordId, finish: b64(4096) }).strict(),
    response: z.object({ recoveryCodes: z.array(z.string()) }),
  }),
  secondFactorDisable: route({
    method: 'post',
    path: '/api/account/2fa/disable',
    auth: 'session',
    tag: 'secondFactor',
    summary: 'Turns the second factor off; needs a fresh code or a recovery code.',
    body: z.object({ code: secondFactorCode }).strict(),
  }),
  secondFactorRecoveryCodes: route({
    method: 'post',
    path: '/api/account/2fa/recovery-codes',
    auth: 'session',
    tag: 'secondFactor',
    summary:
      'Replaces the recovery codes left with 10 new ones, shown this once (the old ones stop working). Needs a fresh code or a recovery code and, as to turn it on, a fresh OPAQUE login (loginStart) that proves the current password: a stolen session and one code must not be able to swap in codes only the thief holds.',
    body: z.object({ code: secondFactorCode, loginId: recordId, finish: b64(4096) }).strict(),
    response: z.object({ recoveryCodes: z.array(z.string()) }),
  }),
  secondFactorLogin: route({
    method: 'post',
    path: '/api/login/second-factor',
    auth: 'session',
    tag: 'secondFactor',
    summary:
      "The login's last step when the account has a second factor: the session loginFinish opened can do nothing else until a code passes. A code one step early or late is accepted, a used one refused; after 5 wrong codes a backoff (429), after 10 a lockout (429, saying until when; a recovery code still works).",
    body: z.object({ code: secondFactorCode }).strict(),
    response: sessionGrant,
  }),
} as const satisfies Record<string, RouteSpec>;
