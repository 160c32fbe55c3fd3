import { z } from 'zod';
import { hostId } from './schemas.ts';

/** Header names and paths of the host API (hosts speak raw bytes, not JSON, for chunks). */
export const HOST = {
  chunkPath: (id: string) => `/chunks/${id}`,
  /** Put: the tokens of the hosts further down the chain, comma-separated, in order. */
  forwardHeader: 'coffer-forward',
  healthPath: '/health',
  /** Prometheus metrics: chunks, bytes, requests. Public: nothing in it is secret. */
  metricsPath: '/metrics',
} as const;

export const hostRoutes = {
  putResponse: z.object({
    /** Signed receipts: this host's first, then each host down the chain that stored it. */
    receipts: z.array(z.string()),
    /** Hosts down the chain that did not store it; the client places those copies again. */
    failed: z.array(z.object({ host: hostId, message: z.string() })),
  }),
  health: z.object({ ok: z.literal(true), hostId, chunks: z.number().int() }),
};
