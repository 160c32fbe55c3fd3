import { DecryptionError, IntegrityError } from '@coffer/errors';
import { platform } from '#platform';
import { ByteWriter, concatBytes, equalBytes, utf8 } from './bytes.ts';
import { checkHeader, type FormatName, HEADER_LENGTH, header } from './format.ts';

// [Note: Committing envelope]
// Every small secret object (wrapped keys, metadata, manifests, link envelopes) is one
// envelope:
//
//   header(4) ‖ prefix(type-specific) ‖ salt(32) ‖ commitment(32) ‖ ciphertext ‖ tag(16)
//
// (encKey ‖ commitment) = HKDF-SHA256(ikm = key, salt, info = "coffer/v1/" + purpose, 64).
// AES-256-GCM under encKey with a zero IV (the key is fresh for every message, so the IV never
// repeats under one key) and AAD = header ‖ prefix ‖ context.
//
// - The purpose label separates keys: a folder key used to wrap a child key and the same
//   folder key used for metadata yield unrelated AES keys.
// - The commitment makes the envelope key-committing: GCM alone lets one ciphertext open
//   under two chosen keys (partitioning oracles, Len–Grubbs–Ristenpart 2021); the HKDF output
//   pins the one key it was made with.
// - The context (owner, node id, parent, kind, version…) is bound through the AAD, so an
//   envelope moved to another place fails to open.

const SALT = 32;
const COMMITMENT = 32;
const TAG = 16;

/** The size of an envelope around `plaintext` bytes after a `prefix`-byte cleartext prefix. */
export const envelopeBytes = (plaintext: number, prefix = 0) =>
  HEADER_LENGTH + prefix + SALT + COMMITMENT + plaintext + TAG;
/** A 32-byte key (node, master, identity or file request key) wrapped under another. */
export const WRAPPED_KEY_BYTES = envelopeBytes(32);
const ZERO_IV = new Uint8Array(12);

export type ContextField = string | number | Uint8Array;

/** An unambiguous encoding of the fields an envelope is bound to. */
export function encodeContext(fields: readonly ContextField[]): Uint8Array {
  const w = new ByteWriter();
  for (const f of fields) {
    if (typeof f === 'string') w.u8(1).bytes(utf8.encode(f));
    else if (typeof f === 'number') w.u8(2).u64(f);
    else w.u8(3).bytes(f);
  }
  return w.finish();
}

async function deriveKeys(key: Uint8Array, salt: Uint8Array, purpose: string) {
  const okm = await platform.hkdfSha256(key, salt, utf8.encode(`coffer/v1/${purpose}`), 64);
  return { encKey: okm.subarray(0, 32), commitment: okm.subarray(32) };
}

export interface EnvelopeSpec {
  format: FormatName;
  /** The HKDF label: one per use of a key. */
  purpose: string;
  context: readonly ContextField[];
  /** Type-specific cleartext fields after the header, authenticated with the rest. */
  prefix?: Uint8Array;
}

export async function sealEnvelope(
  spec: EnvelopeSpec,
  key: Uint8Array,
  plaintext: Uint8Array,
  salt: Uint8Array = platform.randomBytes(SALT),
): Promise<Uint8Array> {
  const head = concatBytes(header(spec.format), spec.prefix ?? new Uint8Array(0));
  const { encKey, commitment } = await deriveKeys(key, salt, spec.purpose);
  const aad = concatBytes(head, encodeContext(spec.context));
  const sealed = await platform.aesGcmEncrypt(encKey, ZERO_IV, aad, plaintext);
  return concatBytes(head, salt, commitment, sealed);
}

/** The prefix of an envelope, checked against its format tag; authenticated only on open. */
export function envelopePrefix(envelope: Uint8Array, format: FormatName, prefixLength: number) {
  checkHeader(envelope, format);
  if (envelope.length < HEADER_LENGTH + prefixLength + SALT + COMMITMENT + TAG) {
    throw new IntegrityError(`${format}: envelope too short`);
  }
  return envelope.subarray(HEADER_LENGTH, HEADER_LENGTH + prefixLength);
}

export async function openEnvelope(
  spec: EnvelopeSpec,
  key: Uint8Array,
  envelope: Uint8Array,
): Promise<Uint8Array> {
  const prefixLength = spec.prefix?.length ?? 0;
  envelopePrefix(envelope, spec.format, prefixLength);
  const at = HEADER_LENGTH + prefixLength;
  const head = envelope.subarray(0, at);
  if (spec.prefix && !equalBytes(head.subarray(HEADER_LENGTH), spec.prefix)) {
    throw new DecryptionError(`${spec.format}: could not decrypt`);
  }
  const salt = envelope.subarray(at, at + SALT);
  const commitment = envelope.subarray(at + SALT, at + SALT + COMMITMENT);
  const derived = await deriveKeys(key, salt, spec.purpose);
  if (!equalBytes(derived.commitment, commitment)) {
    throw new DecryptionError(`${spec.format}: could not decrypt`);
  }
  const aad = concatBytes(head, encodeContext(spec.context));
  const plaintext = await platform.aesGcmDecrypt(
    derived.encKey,
    ZERO_IV,
    aad,
    envelope.subarray(at + SALT + COMMITMENT),
  );
  if (!plaintext) throw new DecryptionError(`${spec.format}: could not decrypt`);
  return plaintext;
}
