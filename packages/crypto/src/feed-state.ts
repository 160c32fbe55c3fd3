import { openEnvelope, sealEnvelope } from './envelope.ts';
import { type AccountId, idBytes, type MasterKey } from './types.ts';

// [Note: Feed state]
// What an account's feed remembers (when it last looked in each group, what it kept and what it
// discarded) is private to the account and shared by its devices: one envelope under the master
// key, stored on the hub like the contact book ([Note: Contact book]) but apart from it, with
// its own purpose label, format H and version. The version is bound into the envelope, so the
// hub cannot serve one version's state as another's.

const spec = (accountId: AccountId, version: number) => ({
  format: 'feedState' as const,
  purpose: 'feed-state',
  context: [idBytes(accountId), version],
});

/** Seals the feed state (the client's encoding) as `version` of the account's. */
export function sealFeedState(
  masterKey: MasterKey,
  accountId: AccountId,
  version: number,
  state: Uint8Array,
): Promise<Uint8Array> {
  return sealEnvelope(spec(accountId, version), masterKey, state);
}

/** Opens `version` of the account's feed state; a DecryptionError if it is not that. */
export function openFeedState(
  masterKey: MasterKey,
  accountId: AccountId,
  version: number,
  sealed: Uint8Array,
): Promise<Uint8Array> {
  return openEnvelope(spec(accountId, version), masterKey, sealed);
}
