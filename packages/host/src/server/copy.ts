import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConnectionError, NotFoundError, ValidationError } from '@coffer/errors';
import { HOST } from '@coffer/protocol';
import { authorize } from './auth.ts';
import type { Ctx } from './context.ts';
import { Downstream } from './forward.ts';
import { sendJson } from './responses.ts';

// POST /chunks/{id}: copies a stored chunk to another host (repair).

/**
 * Sends a stored chunk to the one host named in a hub-signed copy token, with that host's put
 * token in the forward header, and answers with its receipt. The target checks the bytes
 * against the id, so a chunk rotten here is refused there, never spread.
 */
export async function copyChunk(
  o: Ctx,
  req: IncomingMessage,
  res: ServerResponse,
  id: string,
): Promise<void> {
  const cap = authorize(o, req, null, 'copy', id);
  const chain = cap.fwd ?? [];
  if (chain.length !== 1) throw new ValidationError('token', 'a copy names exactly one target');
  const header = req.headers[HOST.forwardHeader];
  const token = typeof header === 'string' ? header.trim() : '';
  if (!/^[A-Za-z0-9_.-]{1,8192}$/.test(token)) {
    throw new ValidationError(HOST.forwardHeader, "expected the target host's put token");
  }
  const loc = o.store.locate(id);
  if (!loc) throw new NotFoundError('chunk: not stored on this host');
  if (loc.length !== cap.max) throw new ValidationError('token', 'names another size');
  req.resume();
  const down = new Downstream(
    chain,
    [token],
    id,
    loc.length,
    o.forwardTimeoutMs ?? 30_000,
    o.traffic.out,
  );
  const stream = o.store.createReadStream(loc, 0, loc.length - 1);
  try {
    for await (const piece of stream) await down.write(piece as Buffer);
    down.end();
  } catch (e) {
    down.abort('this host could not read the chunk');
    o.log(`STORE ERROR: cannot read chunk ${id} from segment ${loc.segment}: ${String(e)}`);
    throw new ConnectionError('chunk: unreadable on this host');
  }
  const result = await down.result;
  for (const f of result.failed) o.log(`host: copying ${id} to ${f.host} failed: ${f.message}`);
  sendJson(res, result.receipts.length ? 201 : 502, result);
}
