import { fromHex } from './bytes.ts';
import { openEnvelope, sealEnvelope } from './envelope.ts';
import { type AccountId, idBytes, type MasterKey } from './types.ts';

// [Note: Sync state]
// What a session's sync client last did (its roots: local and remote paths, device name, last
// pass, state, counts) is private to the account: remote paths name folders the hub must not
// learn. It is one envelope under the master key per session, format T, purpose `sync-state`,
// bound to the account, the session and the version, so the hub cannot show one session's
// state under another session or one version's as another's.

const spec = (accountId: AccountId, sessionId: string, version: number) => ({
  format: 'syncState' as const,
  purpose: 'sync-state',
  context: [idBytes(accountId), fromHex(sessionId, 'sessionId'), version],
});

/** Seals a session's sync state (the client's encoding) as its `version`. */
export function sealSyncState(
  masterKey: MasterKey,
  accountId: AccountId,
  sessionId: string,
  version: number,
  state: Uint8Array,
): Promise<Uint8Array> {
  return sealEnvelope(spec(accountId, sessionId, version), masterKey, state);
}

/** Opens `version` of a session's sync state; a DecryptionError if it is not that. */
export function openSyncState(
  masterKey: MasterKey,
  accountId: AccountId,
  sessionId: string,
  version: number,
  sealed: Uint8Array,
): Promise<Uint8Array> {
  return openEnvelope(spec(accountId, sessionId, version), masterKey, sealed);
}
