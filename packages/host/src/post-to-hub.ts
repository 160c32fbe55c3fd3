import { ConnectionError, IntegrityError } from '@coffer/errors';
import { fromErrorBody } from '@coffer/protocol';
import type { z } from 'zod';

/**
 * POSTs `body` as JSON to one of the hub's host routes and returns the answer as the route's
 * response schema reads it. `what` names the call in errors: the hub unreachable is a
 * ConnectionError, an error the hub answers is rethrown as it sent it, and an answer of another
 * shape is an IntegrityError.
 */
export async function postToHub<Answer extends z.ZodType>(o: {
  hubUrl: string;
  route: { path: string; response: Answer };
  body: unknown;
  what: string;
  signal?: AbortSignal | undefined;
}): Promise<z.infer<Answer>> {
  let res: Response;
  let body: unknown;
  try {
    res = await fetch(`${o.hubUrl.replace(/\/+$/, '')}${o.route.path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(o.body),
      signal: o.signal ?? AbortSignal.timeout(60_000),
    });
    body = await res.json().catch(() => undefined);
  } catch (e) {
    throw new ConnectionError(`${o.what}: hub unreachable: ${(e as Error).message}`);
  }
  if (!res.ok) throw fromErrorBody(res.status, body, o.what);
  const parsed = o.route.response.safeParse(body);
  if (!parsed.success) throw new IntegrityError(`${o.what}: the hub answered something else`);
  return parsed.data;
}
