import { type Capability, signCapability } from '@coffer/protocol';
import type { Caller, Hub } from '../context.ts';
import { newRecordId } from './ids.ts';

// [Note: Capabilities for apps]
// A host checks a capability token's signature and expiry, never the hub's sessions, so a token
// handed out stays good until it expires even if whoever got it loses access meanwhile. For an
// app that window is what a revocation leaves open: what it located or was given room for just
// before, it may still get or put for a while. So tokens issued to an app token expire sooner
// (`apps.capabilityTtlSeconds`, 5 minutes) than those for the account's own clients
// (`tokenTtlSeconds`, an hour); a client asks again when one runs out.

/** A capability token for one operation on one chunk at one host, signed by the hub. */
export function capability(
  hub: Hub,
  c: Omit<Capability, 'v' | 'exp' | 'serial'>,
  ttlSeconds = hub.config.tokenTtlSeconds,
): string {
  return signCapability(
    {
      v: 1,
      ...c,
      exp: hub.now() + ttlSeconds * 1000,
      serial: newRecordId(),
    },
    hub.signingKey,
  );
}

/** How long the capabilities issued to `caller` live ([Note: Capabilities for apps]). */
export function capabilityTtlFor(hub: Hub, caller: Pick<Caller, 'app'>): number {
  const { tokenTtlSeconds } = hub.config;
  return caller.app
    ? Math.min(hub.config.apps.capabilityTtlSeconds, tokenTtlSeconds)
    : tokenTtlSeconds;
}
