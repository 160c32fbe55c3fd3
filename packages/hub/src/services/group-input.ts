import { fromBase64Url } from '@coffer/crypto';
import { ConflictError, ForbiddenError, IntegrityError, ValidationError } from '@coffer/errors';
import type { DbOrTx } from '../db/schema.ts';
import { signingKeyOf } from './account-keys.ts';

/** Where a member's signed object (shelf entry, rating) says it belongs. */
interface Placed {
  groupId: string;
  entryId: string;
  keyVersion: number;
}

/**
 * Checks what a member sends into a group, sealed and signed (a shelf entry, a rating): that
 * it is one (`field` of the body, as base64url), for this group and entry, by the caller,
 * under the group's newest key version and signed with the caller's key. Returns its place.
 */
export async function callersSigned<P extends Placed>(
  db: DbOrTx,
  callerId: string,
  group: { id: string; key_version: number },
  sent: { field: string; text: string; entryId: string },
  format: {
    what: string;
    place: (sealed: Uint8Array) => P;
    author: (p: P) => string;
    signed: (sealed: Uint8Array, key: Awaited<ReturnType<typeof signingKeyOf>>) => boolean;
    /** Why only the caller's own are taken, and what to do after a key change. */
    ownOnly: string;
    again: string;
  },
): Promise<P> {
  const { field } = sent;
  const sealed = fromBase64Url(sent.text, field);
  let place: P;
  try {
    place = format.place(sealed);
  } catch (e) {
    if (!(e instanceof IntegrityError)) throw e;
    throw new ValidationError(field, `not a ${format.what} (${e.message})`);
  }
  if (place.groupId !== group.id) throw new ValidationError(field, 'sealed for another group');
  if (place.entryId !== sent.entryId) throw new ValidationError(field, 'sealed as another entry');
  if (format.author(place) !== callerId) throw new ForbiddenError(`${field}: ${format.ownOnly}`);
  if (place.keyVersion !== group.key_version)
    throw new ConflictError(
      `${field}: sealed under key ${place.keyVersion}; the group's key is now ${group.key_version}: ${format.again}`,
    );
  if (!format.signed(sealed, await signingKeyOf(db, callerId)))
    throw new ValidationError(field, 'not signed with your key');
  return place;
}
