import { z } from 'zod';
import { hostId, recordId } from './schemas.ts';

/** Header names and paths of the host API (hosts speak raw bytes, not JSON, for chunks). */
export const HOST = {
  chunkPath: (id: string) => `/chunks/${id}`,
  /** Put: the tokens of the hosts further down the chain, comma-separated, in order. */
  forwardHeader: 'coffer-forward',
  healthPath: '/health',
  /** Prometheus metrics: chunks, bytes, requests. Public: nothing in it is secret. */
  metricsPath: '/metrics',
  /** The hub delivers a copy order to its destination ([Note: Direct copies]). */
  copyOrdersPath: '/copy-orders',
  /** A destination pulls one chunk of an order from its source. */
  pullPath: (id: string) => `/pull/${id}`,
  /** A destination closes an order at its source. */
  pullClosePath: '/pull/close',
} as const;

export const hostRoutes = {
  putResponse: z.object({
    /** Signed receipts: this host's first, then each host down the chain that stored it. */
    receipts: z.array(z.string()),
    /** Hosts down the chain that did not store it; the client places those copies again. */
    failed: z.array(z.object({ host: hostId, message: z.string() })),
  }),
  health: z.object({ ok: z.literal(true), hostId, chunks: z.number().int() }),
  /** A copy order delivered: whether the destination started it, is on it, or is done with it. */
  copyOrderResponse: z.object({
    order: recordId,
    state: z.enum(['started', 'running', 'finished']),
  }),
  /** The body of a pull (chunk bytes come back) or a close (204). */
  pullRequest: z.object({ order: z.string(), request: z.string() }).strict(),
};
