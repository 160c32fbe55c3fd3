import { openEnvelope, sealEnvelope } from './envelope.ts';
import { type AccountId, idBytes, type MasterKey } from './types.ts';

// [Note: Contact book]
// A user's contacts (pinned key bundles, verified or not) are one envelope under the master
// key, stored on the hub so every device sees them. Its version is bound into the envelope,
// so the hub cannot serve one version's book as another's; a rollback to an older book is
// caught by the client remembering the highest version it has seen.

const bookSpec = (accountId: AccountId, version: number) => ({
  format: 'contactBook' as const,
  purpose: 'contact-book',
  context: [idBytes(accountId), version],
});

export function sealContactBook(
  masterKey: MasterKey,
  accountId: AccountId,
  version: number,
  book: Uint8Array,
): Promise<Uint8Array> {
  return sealEnvelope(bookSpec(accountId, version), masterKey, book);
}

export function openContactBook(
  masterKey: MasterKey,
  accountId: AccountId,
  version: number,
  sealed: Uint8Array,
): Promise<Uint8Array> {
  return openEnvelope(bookSpec(accountId, version), masterKey, sealed);
}
