import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConnectionError, NotFoundError } from '@coffer/errors';
import { MAX_COPY_ORDER, verifyCopyOrder } from '@coffer/protocol';
import { z } from 'zod';
import type { Ctx } from './context.ts';
import { readJsonBody } from './json-body.ts';
import { sendJson } from './responses.ts';

// POST /copy-orders: the hub hands this host (the destination) an order to pull chunks
// straight from another host ([Note: Direct copies] in protocol/src/copy-orders.ts).

const body = z.object({ order: z.string() }).strict();

export async function acceptCopyOrder(
  o: Ctx,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (!o.puller) throw new NotFoundError('copy-orders: this host takes no copy orders');
  const { order: text } = await readJsonBody(req, MAX_COPY_ORDER + 1024, body);
  const hubKey = o.hubKey();
  if (!hubKey) throw new ConnectionError('host: not registered with its hub yet; retry shortly');
  const order = verifyCopyOrder('order', text, hubKey, { host: o.identity.hostId, as: 'dest' });
  const state = o.puller.accept(order, text);
  sendJson(res, 202, { order: order.id, state });
}
