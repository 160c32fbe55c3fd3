import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { platform } from '#platform';
import { toBase64Url, toHex, utf8 } from './bytes.ts';

/** SHA-256 of bytes that arrive in pieces; a host checks a chunk against its id this way. */
export const createSha256 = () => platform.createSha256();

export const sha256Hex = async (data: Uint8Array): Promise<string> =>
  toHex(await platform.sha256(data));

/** Fresh random bytes from the platform's CSPRNG (user codes: protocol's newUserCode). */
export const randomBytes = (n: number): Uint8Array => platform.randomBytes(n);

/** A random bearer secret (session tokens, operator tokens): 32 bytes, base64url. */
export const newSecretToken = (): string => toBase64Url(platform.randomBytes(32));

/**
 * A server's tag over `message` under a key derived (HMAC-SHA256) from its secret for
 * `purpose`, base64url: for tokens only that server makes and checks (link download tickets).
 */
export function serverTag(secret: Uint8Array, purpose: string, message: string): string {
  const key = hmac(sha256, secret, utf8.encode(`coffer/v1/${purpose}`));
  return toBase64Url(hmac(sha256, key, utf8.encode(message)));
}
