import type { IncomingMessage, ServerResponse } from 'node:http';
import { fromBase64Url, type SigningPublicKey } from '@coffer/crypto';
import {
  AuthError,
  ConnectionError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '@coffer/errors';
import {
  COPY_PULL_LABEL,
  type CopyOrder,
  copyPullSchema,
  hostRoutes,
  MAX_COPY_ORDER,
  openMessage,
  verifyCopyOrder,
} from '@coffer/protocol';
import type { Ctx } from './context.ts';
import { sendChunkBytes } from './get.ts';
import { readJsonBody } from './json-body.ts';
import { noContent } from './responses.ts';

// The source's side of a direct copy ([Note: Direct copies] in protocol/src/copy-orders.ts):
// POST /pull/{chunk} answers with the chunk's bytes, POST /pull/close closes an order. Both
// take { order, request }: the hub-signed order, and a request signed by the destination the
// order names.

const MAX_PULL_BODY = MAX_COPY_ORDER + 4096;

/** Sends one chunk of an order to the order's destination. */
export async function pullChunk(
  o: Ctx,
  req: IncomingMessage,
  res: ServerResponse,
  id: string,
): Promise<void> {
  const order = await authorizePull(o, req, id);
  const size = order.chunks.find((c) => c.id === id)?.size;
  const loc = o.store.locate(id);
  if (!loc) throw new NotFoundError('chunk: not stored on this host');
  if (loc.length !== size) throw new ValidationError('order', `names another size for ${id}`);
  await sendChunkBytes(o, res, loc, 0, loc.length - 1, 200, {
    'content-type': 'application/octet-stream',
    'content-length': String(loc.length),
  });
}

/** The destination is done with the order: it is refused from now on. */
export async function closePull(o: Ctx, req: IncomingMessage, res: ServerResponse): Promise<void> {
  o.pulls.close(await authorizePull(o, req, null));
  noContent(res);
}

/**
 * Checks a pull: the order carries the hub's signature, has not expired, names this host as
 * source (and the chunk), is still open, and the request is signed by the destination the
 * order names, for this order and chunk, fresh and never seen before.
 */
async function authorizePull(
  o: Ctx,
  req: IncomingMessage,
  chunk: string | null,
): Promise<CopyOrder> {
  const body = await readJsonBody(req, MAX_PULL_BODY, hostRoutes.pullRequest);
  const hubKey = o.hubKey();
  if (!hubKey) throw new ConnectionError('host: not registered with its hub yet; retry shortly');
  const order = o.pulls.order(body.order, hubKey, () =>
    verifyCopyOrder('order', body.order, hubKey, { host: o.identity.hostId, as: 'source' }),
  );
  const destKey = fromBase64Url(order.destKey, 'order.destKey', 32) as SigningPublicKey;
  let pull: ReturnType<typeof copyPullSchema.parse>;
  try {
    pull = openMessage(COPY_PULL_LABEL, 'request', body.request, copyPullSchema, destKey);
  } catch (e) {
    if (!(e instanceof AuthError)) throw e;
    throw new ForbiddenError('request: not signed by the destination host the order names');
  }
  if (pull.order !== order.id) throw new ValidationError('request.order', 'names another order');
  if (pull.chunk !== chunk) {
    throw new ValidationError('request.chunk', chunk ? `expected ${chunk}` : 'expected null');
  }
  if (chunk && !order.chunks.some((c) => c.id === chunk)) {
    throw new ForbiddenError('order: does not name this chunk');
  }
  o.pulls.checkOpen(order);
  o.pulls.admit(pull);
  return order;
}
