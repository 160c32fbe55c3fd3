import { readiness } from '../services/readiness.ts';
import type { AreaHandlers } from './handler.ts';

/** The hub's version, in /api/info and the OpenAPI document. */
export const HUB_VERSION = '0.1.0';

export const metaHandlers: AreaHandlers<'meta'> = {
  health: async () => ({ ok: true }),
  ready: (hub) => readiness(hub),
  info: async (hub) => ({
    name: 'coffer-hub',
    version: HUB_VERSION,
    hubPublicKey: hub.publicKey,
    policy: hub.config.placement,
    maxChunkSize: 64 * 1024 * 1024 + 20,
  }),
};
