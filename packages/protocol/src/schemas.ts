import { ValidationError } from '@coffer/errors';
import { z } from 'zod';

// Wire primitives shared by every route. Binary values travel as unpadded base64url.

export const nodeId = z
  .string()
  .regex(/^[0-9a-f]{32}$/, 'expected 32 lowercase hex characters')
  .meta({ description: 'A node (file or folder) id: 16 random bytes in hex.' });
export const accountId = nodeId.meta({ description: 'An account id: 16 random bytes in hex.' });
export const hostId = z
  .string()
  .regex(/^[0-9a-f]{32}$/, 'expected 32 lowercase hex characters')
  .meta({ description: 'A host id: the first 16 bytes of SHA-256 of its Ed25519 key, in hex.' });
export const chunkId = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex characters')
  .meta({ description: 'SHA-256 of the stored chunk object, in hex.' });
export const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex characters');
export const recordId = z.string().regex(/^[0-9a-f]{32}$/, 'expected 32 lowercase hex characters');

const B64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Whether `s` is unpadded base64url exactly as clients decode it: no length that leaves a
 * lone character, and no stray bits in the last character (which a strict decoder refuses,
 * so the hub must never store them; [Note: Stored fields] in routes/shapes.ts).
 */
export function isBase64Url(s: string): boolean {
  if (!/^[A-Za-z0-9_-]*$/.test(s)) return false;
  const rest = s.length % 4;
  if (rest === 0) return true;
  if (rest === 1) return false;
  const last = B64_ALPHABET.indexOf(s.charAt(s.length - 1));
  return (last & (rest === 2 ? 0x0f : 0x03)) === 0;
}

export const b64 = (maxChars: number) =>
  z
    .string()
    .max(maxChars, `expected at most ${maxChars} base64url characters`)
    .refine(isBase64Url, 'expected unpadded base64url');

/** Base64url of exactly one of `sizes` bytes: keys, signatures and envelopes of fixed size. */
export const b64Bytes = (...sizes: number[]) => {
  // Canonical base64url of n bytes has exactly this many characters.
  const chars = sizes.map((n) => Math.ceil((n * 4) / 3));
  const what = `expected ${sizes.join(' or ')} bytes of base64url`;
  return z
    .string()
    .max(Math.max(...chars), what)
    .refine(isBase64Url, 'expected unpadded base64url')
    .refine((s) => chars.includes(s.length), what);
};

export const country = z
  .string()
  .regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 country code such as FR')
  .meta({ description: 'ISO 3166-1 alpha-2 country code.' });

const tagPart = z
  .string()
  .regex(/^[a-z0-9_.-]{1,32}$/, 'expected 1-32 characters of a-z, 0-9, "_", "." or "-"');

/** A host's tags (power=solar, tier=home): placement policies can require them. */
export const hostTags = z
  .record(tagPart, tagPart)
  .refine((t) => Object.keys(t).length <= 16, 'expected at most 16 tags')
  .meta({ description: 'Tags as key=value pairs, at most 16.' });

export const email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, 'expected at most 254 characters')
  .pipe(z.email('expected an email address'));

export const httpUrl = z
  .string()
  .max(2048)
  .url('expected an http(s) URL')
  .refine((u) => /^https?:\/\//.test(u), 'expected an http(s) URL');

export const timestamp = z
  .number()
  .int()
  .nonnegative()
  .meta({ description: 'Milliseconds since the Unix epoch.' });
export const byteCount = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
export const version = z
  .number()
  .int()
  .nonnegative()
  .max(2 ** 31)
  .meta({ description: 'The node version the write is based on (optimistic concurrency).' });

/** Query-string integers arrive as text. */
export const queryInt = (max: number) => z.coerce.number().int().nonnegative().max(max);

/** Parses `value`, or throws a ValidationError naming the first bad field under `where`. */
export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = issue?.path.length ? `${where}.${issue.path.join('.')}` : where;
  throw new ValidationError(path, issue?.message ?? 'invalid');
}
