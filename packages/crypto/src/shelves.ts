import { ValidationError } from '@coffer/errors';
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

// [Note: Shelf entries]
// What a member publishes into a group: one entry on their own shelf, sealed under the group
// key and signed by the member. The cleartext prefix names the group, the entry, the author,
// the key version and the entry's version, and is bound into both the envelope and the
// signature, so a hub cannot move an entry to another shelf or group, put one under someone
// else's name, or serve an older version of it without the author's key.
//
//   entry: envelope(format E, purpose "shelf-entry", prefix = groupId(16) ‖ entryId(16)
//          ‖ authorId(16) ‖ keyVersion u32 ‖ version u32, context = the prefix, body = JSON)
//          ‖ Ed25519(author, "coffer/v1/shelf-entry\0" ‖ envelope)

export interface ShelfPlace {
  groupId: string;
  entryId: string;
  authorId: AccountId;
  keyVersion: number;
  version: number;
}

/** A name, tags, a note, a reference to the file and its thumbnail (8 KiB), with room to spare. */
export const MAX_SHELF_ENTRY_BODY = 28 * 1024;

const FORMAT: SignedFormat<ShelfPlace> = {
  format: 'shelfEntry',
  label: 'shelf-entry',
  prefixLength: 16 * 3 + 4 + 4,
  writePlace: (p) =>
    new ByteWriter()
      .raw(idBytes(p.groupId as NodeId))
      .raw(idBytes(p.entryId as NodeId))
      .raw(idBytes(p.authorId))
      .u32(p.keyVersion)
      .u32(p.version)
      .finish(),
  readPlace: (r) => ({
    groupId: toHex(r.raw(16)),
    entryId: toHex(r.raw(16)),
    authorId: toHex(r.raw(16)) as AccountId,
    keyVersion: r.u32(),
    version: r.u32(),
  }),
  fields: ['groupId', 'entryId', 'authorId', 'keyVersion', 'version'],
  as: 'published with',
};

/** Seals `body` (JSON-serializable) as an entry of the author's shelf, and signs it. */
export async function sealShelfEntry(
  body: unknown,
  place: ShelfPlace,
  key: GroupKey,
  authorKey: SigningSecretKey,
): Promise<Uint8Array> {
  const bytes = utf8.encode(JSON.stringify(body));
  if (bytes.length > MAX_SHELF_ENTRY_BODY)
    throw new ValidationError('entry', `at most ${MAX_SHELF_ENTRY_BODY} bytes once encoded`);
  return sealSigned(FORMAT, place, key, bytes, authorKey);
}

/** The place an entry says it is from: read only, authenticated by `openShelfEntry`. */
export const shelfEntryPlace = (sealed: Uint8Array): ShelfPlace => placeOf(FORMAT, sealed);

/** Whether the entry is signed with `authorKey`: what the hub checks before it stores one. */
export const shelfEntrySigned = (sealed: Uint8Array, authorKey: SigningPublicKey): boolean =>
  signedWith(FORMAT, sealed, authorKey);

/**
 * Opens an entry served as `expect` (group, entry, author and versions as the hub lists them):
 * the author's signature (with the key the reader pinned for them), the place it names, then
 * the body under the group key of its version. Anything else is an IntegrityError.
 */
export const openShelfEntry = (
  sealed: Uint8Array,
  expect: ShelfPlace,
  key: GroupKey,
  authorKey: SigningPublicKey,
): Promise<unknown> => openSignedJson(FORMAT, sealed, expect, key, authorKey);
