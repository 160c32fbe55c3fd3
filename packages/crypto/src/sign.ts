import { ed25519 } from '@noble/curves/ed25519.js';
import { platform } from '#platform';
import { concatBytes, utf8 } from './bytes.ts';
import type { SigningPublicKey, SigningSecretKey } from './types.ts';

// Every signature covers "coffer/v1/<label>\0" before the message, so a signature made for one
// purpose (a manifest) never verifies as another (a key bundle, a sealed box, a token).
const domain = (label: string, message: Uint8Array) =>
  concatBytes(utf8.encode(`coffer/v1/${label}\u0000`), message);

export function signWithLabel(
  label: string,
  message: Uint8Array,
  key: SigningSecretKey,
): Uint8Array {
  return platform.ed25519Sign(domain(label, message), key);
}

export function verifyWithLabel(
  label: string,
  message: Uint8Array,
  signature: Uint8Array,
  key: SigningPublicKey,
): boolean {
  if (signature.length !== 64 || key.length !== 32) return false;
  // Strict RFC 8032 on both platforms, so a signature has exactly one valid form.
  return platform.ed25519Verify(signature, domain(label, message), key);
}

export function signingPublicKey(secret: SigningSecretKey): SigningPublicKey {
  return ed25519.getPublicKey(secret) as SigningPublicKey;
}

export function newSigningKeyPair(): { secretKey: SigningSecretKey; publicKey: SigningPublicKey } {
  const secretKey = ed25519.utils.randomSecretKey() as SigningSecretKey;
  return { secretKey, publicKey: signingPublicKey(secretKey) };
}
