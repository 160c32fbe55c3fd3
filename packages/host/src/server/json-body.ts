import type { IncomingMessage } from 'node:http';
import { ValidationError } from '@coffer/errors';
import { schemas } from '@coffer/protocol';
import type { z } from 'zod';
import { HttpError } from './responses.ts';

// Small JSON bodies (copy orders and pull requests): read whole, up to a limit, and parsed
// with a schema, so bad input is a 4xx naming the field.

export async function readJsonBody<T>(
  req: IncomingMessage,
  maxBytes: number,
  schema: z.ZodType<T>,
): Promise<T> {
  const declared = Number(req.headers['content-length'] ?? 0);
  const tooLarge = () => {
    // Read on and drop the rest, so the sender sees the answer rather than a reset connection.
    req.resume();
    return new HttpError(413, new ValidationError('body', `larger than ${maxBytes} bytes`));
  };
  if (declared > maxBytes) throw tooLarge();
  const parts: Buffer[] = [];
  let size = 0;
  // Not destroyed when the loop stops early: a too-large body is drained, not cut off.
  for await (const piece of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    size += piece.length;
    if (size > maxBytes) throw tooLarge();
    parts.push(piece);
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(parts).toString('utf8'));
  } catch {
    throw new ValidationError('body', 'expected a JSON object');
  }
  return schemas.parseOrThrow(schema, value, 'body');
}
