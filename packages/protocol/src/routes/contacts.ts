import { z } from 'zod';
import { accountId, b64, email } from '../schemas.ts';
import { type RouteSpec, route } from './route.ts';
import { keyBundle, wrappedIdentity } from './shapes.ts';

// Key changes, contact lookups and the sealed contact book (tag `contacts`).

const contactBook = b64(1024 * 1024).min(1, 'expected a sealed contact book');

export const contactRoutes = {
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
} as const satisfies Record<string, RouteSpec>;
