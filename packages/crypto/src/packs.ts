import { IntegrityError, ValidationError } from '@coffer/errors';
import { platform } from '#platform';
import { concatBytes, equalBytes, toHex } from './bytes.ts';
import type { ChunkRef } from './content.ts';
import { checkHeader, header } from './format.ts';
import { type ChunkId, idBytes } from './types.ts';

// [Note: Packs]
// Small files each become one small chunk object. Storing each alone would cost a host one
// index entry and the client one request per file, so the client concatenates many small
// chunk objects into one pack: "CFP" 0x01 ‖ object_0 ‖ object_1 ‖ … and stores it under
// SHA-256(pack). Each file's manifest points at (pack id, offset, length) and still carries
// the inner chunk's own id, which the reader checks on the range it reads. The pack has no
// index of its own, but each part still begins with the chunk header, so a host can find
// where the parts are; it learns their sizes, never which files they belong to.

export interface Pack {
  id: ChunkId;
  bytes: Uint8Array;
  /** For each input object, in order: where it sits in the pack. */
  refs: ChunkRef[];
}

export async function buildPack(
  objects: readonly { id: ChunkId; bytes: Uint8Array }[],
): Promise<Pack> {
  const head = header('pack');
  let offset = head.length;
  const placed = objects.map((o) => {
    const at = offset;
    offset += o.bytes.length;
    return at;
  });
  const bytes = concatBytes(head, ...objects.map((o) => o.bytes));
  const id = toHex(await platform.sha256(bytes)) as ChunkId;
  return {
    id,
    bytes,
    refs: objects.map((o, i) => ({
      id: o.id,
      length: o.bytes.length,
      pack: { id, offset: placed[i] as number },
    })),
  };
}

/** The bytes of one packed chunk, from a whole pack or from a range read starting at its offset. */
export function sliceFromPack(pack: Uint8Array, ref: ChunkRef, isRange = false): Uint8Array {
  if (!ref.pack) throw new ValidationError('ref', 'not a packed chunk');
  if (!isRange) checkHeader(pack, 'pack');
  const from = isRange ? 0 : ref.pack.offset;
  if (from + ref.length > pack.length)
    throw new IntegrityError('pack: shorter than the manifest says');
  return pack.subarray(from, from + ref.length);
}

/** Checks a stored object against the id it is addressed by (what hosts do on every put). */
export async function objectMatchesId(bytes: Uint8Array, id: ChunkId): Promise<boolean> {
  return equalBytes(await platform.sha256(bytes), idBytes(id));
}
