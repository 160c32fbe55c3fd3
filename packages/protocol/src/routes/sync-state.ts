import { z } from 'zod';
import { b64, recordId, timestamp } from '../schemas.ts';
import { type RouteSpec, route } from './route.ts';
import { savedVersion } from './shapes.ts';

// Each session's sync state (tag `syncState`; [Note: Sync state on the hub] in the hub's
// services/sync-state.ts): an opaque blob sealed under the account's master key, which the
// Sessions page shows under each device.

/** A session's sealed sync state: at most 32 KiB of JSON in an envelope. */
export const MAX_SYNC_STATE_CHARS = 43_800;
const sealedSyncState = b64(MAX_SYNC_STATE_CHARS).min(1, 'expected a sealed sync state');

export const syncStateInfo = z.object({
  sessionId: recordId,
  version: z.number().int(),
  state: sealedSyncState,
  updatedAt: timestamp,
});
export type SyncStateInfo = z.infer<typeof syncStateInfo>;

export const syncStateRoutes = {
  saveSyncState: route({
    method: 'put',
    path: '/api/sessions/current/sync-state',
    auth: 'session',
    tag: 'syncState',
    summary:
      'Saves the sync state of the calling session (its sync roots, sealed under your master key) as `version`, which must be above the stored one (409 otherwise). At most 43 800 characters.',
    body: z
      .object({
        version: savedVersion,
        state: sealedSyncState,
      })
      .strict(),
    response: z.object({ version: z.number().int() }),
  }),
  syncStates: route({
    method: 'get',
    path: '/api/sessions/sync-states',
    auth: 'session',
    tag: 'syncState',
    summary:
      "The sealed sync states of the account's live sessions (a revoked or expired session's goes with it).",
    response: z.object({ states: z.array(syncStateInfo) }),
  }),
} as const satisfies Record<string, RouteSpec>;
