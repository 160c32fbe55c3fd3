import { IntegrityError, ValidationError } from '@coffer/errors';
import { ByteWriter, toHex, utf8 } from './bytes.ts';
import {
  openSignedJson,
  placeOf,
  type SignedFormat,
  sealSigned,
  signedWith,
} from './signed-envelope.ts';
import {
  type AccountId,
  type GroupKey,
  idBytes,
  type NodeId,
  type SigningPublicKey,
  type SigningSecretKey,
} from './types.ts';

// [Note: Ratings]
// A member's rating of an entry in a group: 1 to 5 stars, sealed under the group's key and
// signed by the member who rates. The cleartext prefix names the group, the entry, the rater
// and the key version, and is bound into both the envelope and the signature, so a hub cannot
// move a rating to another entry, group or member, or make one up, without the rater's key.
// It can still hide a rating, or serve an older one of the same member for the same entry
// (a rating carries no version: re-rating replaces it on the hub, and readers keep no pin).
//
//   rating: envelope(format V, purpose "entry-rating", prefix = groupId(16) ‖ entryId(16)
//           ‖ raterId(16) ‖ keyVersion u32, context = the prefix, body = JSON {"stars": n})
//           ‖ Ed25519(rater, "coffer/v1/entry-rating\0" ‖ envelope)

export interface RatingPlace {
  groupId: string;
  entryId: string;
  raterId: AccountId;
  keyVersion: number;
}

export const MIN_STARS = 1;
export const MAX_STARS = 5;

const isStars = (n: unknown): n is number =>
  Number.isInteger(n) && (n as number) >= MIN_STARS && (n as number) <= MAX_STARS;

const FORMAT: SignedFormat<RatingPlace> = {
  format: 'rating',
  label: 'entry-rating',
  prefixLength: 16 * 3 + 4,
  writePlace: (p) =>
    new ByteWriter()
      .raw(idBytes(p.groupId as NodeId))
      .raw(idBytes(p.entryId as NodeId))
      .raw(idBytes(p.raterId))
      .u32(p.keyVersion)
      .finish(),
  readPlace: (r) => ({
    groupId: toHex(r.raw(16)),
    entryId: toHex(r.raw(16)),
    raterId: toHex(r.raw(16)) as AccountId,
    keyVersion: r.u32(),
  }),
  fields: ['groupId', 'entryId', 'raterId', 'keyVersion'],
  as: 'given with',
};

/** Seals `stars` (a whole number from 1 to 5) as the rater's rating of an entry, and signs it. */
export async function sealRating(
  stars: number,
  place: RatingPlace,
  key: GroupKey,
  raterKey: SigningSecretKey,
): Promise<Uint8Array> {
  if (!isStars(stars))
    throw new ValidationError(
      'rating',
      `expected a whole number from ${MIN_STARS} to ${MAX_STARS}`,
    );
  return sealSigned(FORMAT, place, key, utf8.encode(JSON.stringify({ stars })), raterKey);
}

/** The place a rating says it is from: read only, authenticated by `openRating`. */
export const ratingPlace = (sealed: Uint8Array): RatingPlace => placeOf(FORMAT, sealed);

/** Whether the rating is signed with `raterKey`: what the hub checks before it stores one. */
export const ratingSigned = (sealed: Uint8Array, raterKey: SigningPublicKey): boolean =>
  signedWith(FORMAT, sealed, raterKey);

/**
 * Opens a rating served as `expect` (group, entry, rater and key version as the hub lists it):
 * the rater's signature (with the key the reader pinned for them), the place it names, then
 * the stars under the group key of its version. A rating the hub moved or made up is an
 * IntegrityError; one that does not decrypt is a DecryptionError.
 */
export async function openRating(
  sealed: Uint8Array,
  expect: RatingPlace,
  key: GroupKey,
  raterKey: SigningPublicKey,
): Promise<number> {
  const body = await openSignedJson(FORMAT, sealed, expect, key, raterKey);
  const stars = (body as { stars?: unknown } | null)?.stars;
  if (!isStars(stars)) throw new IntegrityError('rating: not a number of stars from 1 to 5');
  return stars;
}
