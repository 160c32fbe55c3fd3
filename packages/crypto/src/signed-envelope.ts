import { IntegrityError } from '@coffer/errors';
import { ByteReader, concatBytes, utf8 } from './bytes.ts';
import { type EnvelopeSpec, envelopePrefix, openEnvelope, sealEnvelope } from './envelope.ts';
import { type FormatName, HEADER_LENGTH } from './format.ts';
import { signWithLabel, verifyWithLabel } from './sign.ts';
import type { SigningPublicKey, SigningSecretKey } from './types.ts';

// What members put into a group (shelf entries, ratings): a committing envelope under the group
// key whose cleartext prefix says where it belongs (its place), followed by its author's
// Ed25519 signature over the whole envelope under a label of the format's own.
//
//   envelope(format, purpose = label, prefix = the place, context = the prefix, body)
//   ‖ Ed25519(author, "coffer/v1/<label>\0" ‖ envelope)

const SIGNATURE = 64;

/** One such format: its tag, label and how its place is written and read. */
export interface SignedFormat<P extends object> {
  format: FormatName;
  label: string;
  prefixLength: number;
  writePlace(p: P): Uint8Array;
  readPlace(r: ByteReader): P;
  /** The fields of the place a reader checks against what the hub says. */
  fields: readonly (keyof P & string)[];
  /** How the message says the place was set ("published with"). */
  as: string;
}

const envelopeOf = (sealed: Uint8Array) =>
  sealed.subarray(0, Math.max(0, sealed.length - SIGNATURE));

function specOf<P extends object>(f: SignedFormat<P>, place: P): EnvelopeSpec {
  const prefix = f.writePlace(place);
  return { format: f.format, purpose: f.label, context: [prefix], prefix };
}

/** Seals `body` at `place` under `key` and signs the envelope. */
export async function sealSigned<P extends object>(
  f: SignedFormat<P>,
  place: P,
  key: Uint8Array,
  body: Uint8Array,
  authorKey: SigningSecretKey,
): Promise<Uint8Array> {
  const envelope = await sealEnvelope(specOf(f, place), key, body);
  return concatBytes(envelope, signWithLabel(f.label, envelope, authorKey));
}

/** The place it says it is from: read only, authenticated by `openSigned`. */
export function placeOf<P extends object>(f: SignedFormat<P>, sealed: Uint8Array): P {
  const prefix = envelopePrefix(envelopeOf(sealed), f.format, f.prefixLength);
  return f.readPlace(new ByteReader(prefix, f.format));
}

/** Whether `authorKey` signed it: what the hub checks before it stores one. */
export function signedWith<P extends object>(
  f: SignedFormat<P>,
  sealed: Uint8Array,
  authorKey: SigningPublicKey,
): boolean {
  if (sealed.length < HEADER_LENGTH + f.prefixLength + SIGNATURE) return false;
  const signature = sealed.subarray(sealed.length - SIGNATURE);
  return verifyWithLabel(f.label, envelopeOf(sealed), signature, authorKey);
}

/**
 * Opens one served as `expect`: the author's signature (with the key the reader pinned for
 * them), the place it names, then the body under `key`. A signature or place that does not
 * match is an IntegrityError; a body that does not decrypt, a DecryptionError.
 */
export async function openSigned<P extends object>(
  f: SignedFormat<P>,
  sealed: Uint8Array,
  expect: P,
  key: Uint8Array,
  authorKey: SigningPublicKey,
): Promise<Uint8Array> {
  if (!signedWith(f, sealed, authorKey))
    throw new IntegrityError(`${f.format}: not signed by the member it is listed under`);
  const place = placeOf(f, sealed);
  for (const k of f.fields) {
    if (place[k] !== expect[k])
      throw new IntegrityError(`${f.format}: served as another ${k} than it was ${f.as}`);
  }
  return openEnvelope(specOf(f, place), key, envelopeOf(sealed));
}

/** `openSigned` for a JSON body: one that does not parse is an IntegrityError. */
export async function openSignedJson<P extends object>(
  f: SignedFormat<P>,
  sealed: Uint8Array,
  expect: P,
  key: Uint8Array,
  authorKey: SigningPublicKey,
): Promise<unknown> {
  const bytes = await openSigned(f, sealed, expect, key, authorKey);
  try {
    return JSON.parse(utf8.decode(bytes));
  } catch {
    throw new IntegrityError(`${f.format}: the body is not JSON`);
  }
}
