import { z } from 'zod';
import { b64, email, recordId } from '../schemas.ts';
import { type RouteSpec, route } from './route.ts';
import { secondFactorCode } from './shapes.ts';

// Deleting an account for good (tag `accountDeletion`; [Note: Account deletion] in the hub's
// services/account-delete.ts).

export const accountDeletionRoutes = {
  deleteAccount: route({
    method: 'post',
    path: '/api/account/delete',
    auth: 'session',
    tag: 'accountDeletion',
    summary:
      "Deletes the caller's account and everything it holds, in one transaction: a fresh OPAQUE login (loginStart) proves the password, `email` repeats the account's email, and a fresh code or recovery code is needed when 2FA is on. Refused (409) while the account owns a group that still has other members or invitees. Its chunks no other file holds become garbage and leave the hosts at the next collection.",
    body: z
      .object({
        loginId: recordId,
        finish: b64(4096),
        /** The account's email, typed again by the user: a guard against the wrong account. */
        email,
        /** Needed when the account has a second factor. */
        secondFactor: secondFactorCode.optional(),
      })
      .strict(),
  }),
} as const satisfies Record<string, RouteSpec>;
