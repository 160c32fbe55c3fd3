import type { Socket } from 'node:net';
import { CofferError, ValidationError } from '@coffer/errors';
import { type ClientErrorLog, forLog, isBrokenBody, STATUS, toErrorBody } from '@coffer/protocol';
import type { Context } from 'hono';
import { incomingOf, MediaTypeError } from './http-request.ts';

/** Where the hub's HTTP layer writes: internal errors in full, client errors rate-limited. */
export interface HttpLogs {
  internal: (line: string) => void;
  client: ClientErrorLog;
  /** Connections whose framing Node's parser refused (logged then, not again for the body). */
  refused: WeakSet<Socket>;
}

/**
 * The answer to an error a handler threw. A CofferError is the client's and says so; a body
 * the client broke off or framed wrongly is a 400 and one short, rate-limited log line; only
 * anything else is ours: a 500, logged with its stack ([Note: Client-error log] in protocol).
 */
export function errorResponse(c: Context, e: unknown, logs: HttpLogs) {
  if (e instanceof CofferError) {
    if (e.code === 'rate_limited' && 'retryAfterMs' in e) {
      c.header('retry-after', String(Math.ceil(Number(e.retryAfterMs) / 1000)));
    }
    const status = e instanceof MediaTypeError ? 415 : STATUS[e.code];
    return c.json(toErrorBody(e), status as 400);
  }
  const incoming = incomingOf(c);
  if (isBrokenBody(e) || incoming?.errored) {
    const socket = incoming?.socket;
    if (!socket || !logs.refused.has(socket)) {
      logs.client(
        socket?.remoteAddress ?? 'unknown',
        `${c.req.method} ${forLog(c.req.path)}: body cut short or malformed (${forLog(String((e as Error)?.message ?? e), 60)})`,
      );
    }
    const error = new ValidationError('body', 'the request body was cut short or malformed');
    return c.json(toErrorBody(error), 400);
  }
  logs.internal(
    `internal error on ${c.req.method} ${forLog(c.req.path, 300)}: ${(e as Error)?.stack ?? String(e)}`,
  );
  return c.json(
    { error: { code: 'internal', message: 'internal error; it has been logged' } },
    500,
  );
}
