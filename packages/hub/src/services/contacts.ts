import { fromBase64Url, parseAccountId, verifyKeyBundle } from '@coffer/crypto';
import { ConflictError, IntegrityError, NotFoundError, ValidationError } from '@coffer/errors';
import type { RouteBody, RouteResponse } from '@coffer/protocol';
import type { Caller, Hub } from '../context.ts';
import { rateLimit } from './rate-limit.ts';

/** Lookups an account may make per hour: enough for any address book, too few to enumerate. */
const LOOKUPS_PER_HOUR = 300;

// [Note: Contacts on the hub]
// The hub serves each account's self-signed key bundle and stores each account's contact
// book sealed under its master key. It cannot forge a bundle for a key it lacks, but it can
// answer a lookup with a key pair of its own (caught by comparing safety numbers, then by the
// pin), serve an older bundle (caught by the pinned version) or an older book (caught by the
// client's high-water mark). docs/security.md §9 has the whole argument.

export async function lookupContact(
  hub: Hub,
  c: Caller,
  b: RouteBody<'lookupContact'>,
): Promise<RouteResponse<'lookupContact'>> {
  await rateLimit(hub, `lookup:${c.accountId}`, LOOKUPS_PER_HOUR, 3_600_000);
  const row = await hub.db
    .selectFrom('accounts')
    .select(['id', 'email', 'key_bundle'])
    .where('email', '=', b.email)
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`email: no account uses ${b.email}`);
  return { accountId: row.id, email: row.email, keyBundle: row.key_bundle };
}

export async function updateKeys(
  hub: Hub,
  c: Caller,
  b: RouteBody<'updateKeys'>,
): Promise<RouteResponse<'updateKeys'>> {
  let version: number;
  try {
    const bundle = fromBase64Url(b.keyBundle, 'keyBundle');
    version = verifyKeyBundle(bundle, parseAccountId(c.accountId)).version;
  } catch (e) {
    if (e instanceof IntegrityError || e instanceof ValidationError) {
      throw new ValidationError('keyBundle', `not a bundle signed for this account (${e.message})`);
    }
    throw e;
  }
  const result = await hub.db
    .updateTable('accounts')
    .set({
      key_bundle: b.keyBundle,
      key_version: version,
      wrapped_signing: b.wrappedIdentity.signing,
      wrapped_agreement: b.wrappedIdentity.agreement,
    })
    .where('id', '=', c.accountId)
    .where('key_version', '<', version)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) {
    throw new ConflictError('keyBundle: its version must be higher than the current bundle');
  }
  return { version };
}

export async function contactBook(hub: Hub, c: Caller): Promise<RouteResponse<'contactBook'>> {
  const row = await hub.db
    .selectFrom('contact_books')
    .select(['version', 'book'])
    .where('account_id', '=', c.accountId)
    .executeTakeFirst();
  return row ? { version: Number(row.version), book: row.book } : { version: 0, book: null };
}

export async function saveContactBook(
  hub: Hub,
  c: Caller,
  b: RouteBody<'saveContactBook'>,
): Promise<RouteResponse<'saveContactBook'>> {
  const stale = () =>
    new ConflictError('version: another device saved the contact book first; read it again');
  if (b.version === 1) {
    const inserted = await hub.db
      .insertInto('contact_books')
      .values({ account_id: c.accountId, version: 1, book: b.book, updated_at: hub.now() })
      .onConflict((oc) => oc.column('account_id').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) throw stale();
    return { version: 1 };
  }
  const updated = await hub.db
    .updateTable('contact_books')
    .set({ version: b.version, book: b.book, updated_at: hub.now() })
    .where('account_id', '=', c.accountId)
    .where('version', '=', b.version - 1)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) throw stale();
  return { version: b.version };
}
