import { IntegrityError } from '@coffer/errors';
import { concatBytes, fromBase64Url, utf8 } from './bytes.ts';
import { sha256Hex } from './hashing.ts';
import { openSealed, type SealContext, sealedBy, sealToRecipient } from './share.ts';
import type {
  AccountId,
  AgreementPublicKey,
  AgreementSecretKey,
  FolderKey,
  NodeId,
  SigningPublicKey,
  SigningSecretKey,
} from './types.ts';
import { idBytes } from './types.ts';

// [Note: App grants]
// An app that asked for one folder (the device flow, services/apps.ts in the hub) receives
// that folder's key sealed to its X25519 key by the approving client and signed with the
// account's identity key (the sealed box, [Note: Sealed box]). The signed context binds
// everything the app relies on: the account, the request the app made (its id stands where a
// recipient account id would), the folder, the folder's key version, the access and both of
// the app's public keys. A hub that hands the app another folder's box, another request's
// box, or says the token covers another folder or wider rights fails the signature check.
// The account's own clients check the same signature before they accept what the app signs
// (its Ed25519 key authors the files it writes).

const PURPOSE = 'app-folder-key';

export type AppAccess = 'read' | 'readwrite';

/** What an account grants an app: bound into the sealed folder key's signature. */
export interface AppGrant {
  accountId: AccountId;
  /** The id of the app's request: 16 bytes hex, like an account id. */
  requestId: string;
  folderId: NodeId;
  keyVersion: number;
  access: AppAccess;
  appAgreementPublic: AgreementPublicKey;
  appSigningPublic: SigningPublicKey;
}

const context = (g: AppGrant): SealContext => ({
  purpose: PURPOSE,
  senderId: g.accountId,
  recipientId: g.requestId as AccountId,
  fields: [idBytes(g.folderId), g.keyVersion, g.access, g.appAgreementPublic, g.appSigningPublic],
});

/** The grant a stored app record describes, its keys in base64url (hub and account alike). */
export const appGrantOf = (
  accountId: string,
  a: {
    requestId: string;
    folderId: string;
    keyVersion: number;
    access: AppAccess;
    publicKey: string;
    signingKey: string;
  },
): AppGrant => ({
  accountId: accountId as AccountId,
  requestId: a.requestId,
  folderId: a.folderId as NodeId,
  keyVersion: a.keyVersion,
  access: a.access,
  appAgreementPublic: fromBase64Url(a.publicKey, 'publicKey') as AgreementPublicKey,
  appSigningPublic: fromBase64Url(a.signingKey, 'signingKey') as SigningPublicKey,
});

/** The folder key sealed to the app and signed by the account (the approving client). */
export function sealAppFolderKey(
  folderKey: FolderKey,
  grant: AppGrant,
  accountSigning: SigningSecretKey,
): Promise<Uint8Array> {
  return sealToRecipient(folderKey, grant.appAgreementPublic, accountSigning, context(grant));
}

/**
 * The app's side: checks the account's signature over `grant` (IntegrityError when the hub
 * changed any part of it), then opens the folder key.
 */
export async function openAppFolderKey(
  sealed: Uint8Array,
  grant: AppGrant,
  app: { secret: AgreementSecretKey; public: AgreementPublicKey },
  accountSigning: SigningPublicKey,
): Promise<FolderKey> {
  const key = await openSealed(sealed, app, accountSigning, context(grant));
  if (key.length !== 32) throw new IntegrityError('app grant: the folder key is not 32 bytes');
  return key as FolderKey;
}

/** The account's side: whether the account signed `grant` (before trusting the app's key). */
export const appGrantSigned = (
  sealed: Uint8Array,
  grant: AppGrant,
  accountSigning: SigningPublicKey,
): boolean => sealedBy(sealed, accountSigning, context(grant));

// [Note: App key fingerprint]
// The account seals the folder key to the app keys the hub says the app sent; a hub that put
// its own keys there could open the box. So the app shows, next to its user code, a fingerprint
// of the keys it really sent, and the approving screen shows the fingerprint of the keys it is
// about to seal to: the user compares them, as with a safety number, and the SDK checks the keys
// it seals to still have the fingerprint the user saw. 48 bits: a hub would have to find keys
// with the same fingerprint within the request's ten minutes.

/** The fingerprint of an app's two public keys, shown as XXXX-XXXX-XXXX (hex, upper case). */
export async function appKeyFingerprint(
  agreementPublic: AgreementPublicKey,
  signingPublic: SigningPublicKey,
): Promise<string> {
  const h = (
    await sha256Hex(
      concatBytes(utf8.encode('coffer/v1/app-keys\0'), agreementPublic, signingPublic),
    )
  )
    .slice(0, 12)
    .toUpperCase();
  return `${h.slice(0, 4)}-${h.slice(4, 8)}-${h.slice(8, 12)}`;
}
