import type { IncomingMessage } from 'node:http';
import { AuthError, ValidationError } from '@coffer/errors';
import type { Context } from 'hono';
import type { Hub } from './context.ts';

// Reading a request: who sent it, its credentials and its JSON body.

const unmapped = (a: string) => (a.startsWith('::ffff:') ? a.slice(7) : a);

/** Node's request under Hono's, when the hub runs on node:http (always, but for unit tests). */
export const incomingOf = (c: Context): IncomingMessage | undefined =>
  (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;

/**
 * The address rate limits count against: the connection's peer, or, when that peer is a
 * trusted proxy, the nearest address in X-Forwarded-For that is not one of ours.
 */
export function clientAddress(hub: Hub, c: Context): string {
  const peer = unmapped(incomingOf(c)?.socket?.remoteAddress ?? 'unknown');
  const trusted = new Set(hub.config.trustedProxies.map(unmapped));
  if (!trusted.has(peer)) return peer;
  const chain = (c.req.header('x-forwarded-for') ?? '')
    .split(',')
    .map((a) => unmapped(a.trim()))
    .filter(Boolean);
  for (let i = chain.length - 1; i >= 0; i--) {
    const a = chain[i] as string;
    if (!trusted.has(a)) return a;
  }
  return chain[0] ?? peer;
}

export function bearer(c: Context): string {
  const h = c.req.header('authorization') ?? '';
  const m = /^Bearer ([A-Za-z0-9_.-]{16,256})$/i.exec(h);
  if (!m?.[1]) throw new AuthError('authorization: expected "Bearer <token>"');
  return m[1];
}

/** A body sent under another content type than JSON: 415, not 400. */
export class MediaTypeError extends ValidationError {}

const JSON_TYPE = /^application\/json\s*(;\s*charset\s*=\s*("utf-8"|utf-8)\s*)?$/i;

/**
 * The JSON body of a route that takes one. A body must say it is JSON (`Content-Type:
 * application/json`, optionally with `charset=utf-8`): a form or text/plain body is a 415, so
 * that a cross-site form can never post to the API, and a client's mistake is named.
 */
export async function jsonBody(c: Context): Promise<unknown> {
  const length = c.req.header('content-length');
  const sent = c.req.header('transfer-encoding') !== undefined || Number(length ?? 0) > 0;
  const type = c.req.header('content-type');
  if (sent && !JSON_TYPE.test(type?.trim() ?? '')) {
    throw new MediaTypeError(
      'content-type',
      `expected application/json (optionally with charset=utf-8), got ${type === undefined ? 'none' : JSON.stringify(type.slice(0, 100))}`,
    );
  }
  try {
    return await c.req.json();
  } catch (e) {
    // A body the client broke off is handled by the caller's error path (a client error).
    if (incomingOf(c)?.errored) throw e;
    throw new ValidationError('body', 'expected a JSON object');
  }
}
