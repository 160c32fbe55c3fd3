import { platform } from '#platform';
import { toBase64Url, toHex } from './bytes.ts';

/** SHA-256 of bytes that arrive in pieces; a host checks a chunk against its id this way. */
export const createSha256 = () => platform.createSha256();

export const sha256Hex = async (data: Uint8Array): Promise<string> =>
  toHex(await platform.sha256(data));

/** A random bearer secret (session tokens, operator tokens): 32 bytes, base64url. */
export const newSecretToken = (): string => toBase64Url(platform.randomBytes(32));
