import { DecryptionError, IntegrityError } from '@coffer/errors';
import { x25519 } from '@noble/curves/ed25519.js';
import { platform } from '#platform';
import { concatBytes, utf8 } from './bytes.ts';
import { type ContextField, encodeContext } from './envelope.ts';
import { checkHeader, type FormatName, HEADER_LENGTH, header } from './format.ts';
import { signWithLabel, verifyWithLabel } from './sign.ts';
import type {
  AccountId,
  AgreementPublicKey,
  AgreementSecretKey,
  SigningPublicKey,
  SigningSecretKey,
} from './types.ts';
import { idBytes } from './types.ts';

// [Note: Sealed box]
// Shaped like HPKE (RFC 9180) base mode with DHKEM(X25519), HKDF-SHA256 and AES-256-GCM,
// then signed by the sender (HPKE's auth mode authenticates only to the recipient; a
// signature lets anyone holding the sender's verified key check it):
//
//   eph = fresh X25519 key pair
//   shared = X25519(eph.secret, recipient.public)              (all-zero output rejected)
//   key = HKDF-SHA256(ikm = shared, salt = eph.public ‖ recipient.public,
//                     info = "coffer/v1/seal/" + purpose, 32)
//   box = header ‖ eph.public(32) ‖ AES-256-GCM(key, iv = 0, aad = header ‖ eph.public ‖ context)
//   sealed = box ‖ Ed25519(sender, "coffer/v1/sealed-box\0" ‖ box ‖ context)
//
// context = sender id, recipient id, purpose and the caller's fields (share id, folder id,
// key version…), so the hub cannot replay a box to another folder or another member.

const ZERO_IV = new Uint8Array(12);
const SIGNATURE = 'sealed-box';
/** A 32-byte key sealed to a recipient and signed: header, ephemeral key, AES-GCM, signature. */
export const SEALED_KEY_BYTES = HEADER_LENGTH + 32 + 32 + 16 + 64;

export interface SealContext {
  purpose: string;
  senderId: AccountId;
  recipientId: AccountId;
  fields: readonly ContextField[];
}

const contextBytes = (c: SealContext) =>
  encodeContext([c.purpose, idBytes(c.senderId), idBytes(c.recipientId), ...c.fields]);

async function boxKey(
  shared: Uint8Array,
  ephPublic: Uint8Array,
  recipient: Uint8Array,
  purpose: string,
) {
  if (shared.every((b) => b === 0)) throw new IntegrityError(`${purpose}: low-order public key`);
  return platform.hkdfSha256(
    shared,
    concatBytes(ephPublic, recipient),
    utf8.encode(`coffer/v1/seal/${purpose}`),
    32,
  );
}

/**
 * The box alone (HPKE base mode, no sender): header ‖ eph.public ‖ AES-256-GCM. Anyone who knows
 * the recipient's public key can make one, so only use it where that key is itself secret.
 */
export async function sealBox(
  format: FormatName,
  payload: Uint8Array,
  recipientKey: AgreementPublicKey,
  purpose: string,
  context: Uint8Array,
  ephemeralSecret: Uint8Array = platform.randomBytes(32),
): Promise<Uint8Array> {
  const ephPublic = x25519.getPublicKey(ephemeralSecret);
  let shared: Uint8Array;
  try {
    shared = x25519.getSharedSecret(ephemeralSecret, recipientKey);
  } catch {
    throw new IntegrityError(`${format}: recipient key is not a valid X25519 public key`);
  }
  const key = await boxKey(shared, ephPublic, recipientKey, purpose);
  const head = concatBytes(header(format), ephPublic);
  const sealed = await platform.aesGcmEncrypt(key, ZERO_IV, concatBytes(head, context), payload);
  return concatBytes(head, sealed);
}

/** Opens a box made by sealBox: IntegrityError if malformed, DecryptionError if it does not open. */
export async function openBox(
  format: FormatName,
  box: Uint8Array,
  recipient: { secret: AgreementSecretKey; public: AgreementPublicKey },
  purpose: string,
  context: Uint8Array,
): Promise<Uint8Array> {
  checkHeader(box, format);
  if (box.length < HEADER_LENGTH + 32 + 16) throw new IntegrityError(`${format}: too short`);
  const ephPublic = box.subarray(HEADER_LENGTH, HEADER_LENGTH + 32);
  let shared: Uint8Array;
  try {
    shared = x25519.getSharedSecret(recipient.secret, ephPublic);
  } catch {
    throw new DecryptionError(`${format}: could not decrypt`);
  }
  const key = await boxKey(shared, ephPublic, recipient.public, purpose);
  const head = box.subarray(0, HEADER_LENGTH + 32);
  const plaintext = await platform.aesGcmDecrypt(
    key,
    ZERO_IV,
    concatBytes(head, context),
    box.subarray(HEADER_LENGTH + 32),
  );
  if (!plaintext) throw new DecryptionError(`${format}: could not decrypt`);
  return plaintext;
}

export async function sealToRecipient(
  payload: Uint8Array,
  recipientKey: AgreementPublicKey,
  senderKey: SigningSecretKey,
  context: SealContext,
  ephemeralSecret: Uint8Array = platform.randomBytes(32),
): Promise<Uint8Array> {
  const ctx = contextBytes(context);
  const box = await sealBox(
    'sealedBox',
    payload,
    recipientKey,
    context.purpose,
    ctx,
    ephemeralSecret,
  );
  return concatBytes(box, signWithLabel(SIGNATURE, concatBytes(box, ctx), senderKey));
}

/** Whether `sealed` was signed by `senderKey` for `context` (without opening it). */
export function sealedBy(
  sealed: Uint8Array,
  senderKey: SigningPublicKey,
  context: SealContext,
): boolean {
  if (sealed.length < HEADER_LENGTH + 32 + 16 + 64) return false;
  const box = sealed.subarray(0, sealed.length - 64);
  return verifyWithLabel(
    SIGNATURE,
    concatBytes(box, contextBytes(context)),
    sealed.subarray(sealed.length - 64),
    senderKey,
  );
}

/**
 * Checks the sender's signature first (IntegrityError), then decrypts (DecryptionError). The
 * caller passes the sender key it has verified, never one the hub just handed it.
 */
export async function openSealed(
  sealed: Uint8Array,
  recipient: { secret: AgreementSecretKey; public: AgreementPublicKey },
  senderKey: SigningPublicKey,
  context: SealContext,
): Promise<Uint8Array> {
  checkHeader(sealed, 'sealedBox');
  if (sealed.length < HEADER_LENGTH + 32 + 16 + 64)
    throw new IntegrityError('sealedBox: too short');
  if (!sealedBy(sealed, senderKey, context)) {
    throw new IntegrityError('sealedBox: not signed by the expected sender for this context');
  }
  const box = sealed.subarray(0, sealed.length - 64);
  return openBox('sealedBox', box, recipient, context.purpose, contextBytes(context));
}
