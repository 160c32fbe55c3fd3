import { type Capability, signCapability } from '@coffer/protocol';
import type { Hub } from '../context.ts';
import { newRecordId } from './ids.ts';

/** A capability token for one operation on one chunk at one host, signed by the hub. */
export function capability(hub: Hub, c: Omit<Capability, 'v' | 'exp' | 'serial'>): string {
  return signCapability(
    {
      v: 1,
      ...c,
      exp: hub.now() + hub.config.tokenTtlSeconds * 1000,
      serial: newRecordId(),
    },
    hub.signingKey,
  );
}
