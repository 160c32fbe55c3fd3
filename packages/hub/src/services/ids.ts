import { newAccountId, newSecretToken, sha256Hex } from '@coffer/crypto';

/** Random 16-byte hex ids for sessions, uploads and login attempts. */
export const newRecordId = (): string => newAccountId();

export const hashText = (text: string) => sha256Hex(new TextEncoder().encode(text));

export { newSecretToken };
