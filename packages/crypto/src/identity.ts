import { IntegrityError } from '@coffer/errors';
import { x25519 } from '@noble/curves/ed25519.js';
import { platform } from '#platform';
import { ByteReader, ByteWriter, equalBytes, toHex, utf8 } from './bytes.ts';
import { openEnvelope, sealEnvelope } from './envelope.ts';
import { checkHeader, header } from './format.ts';
import { signingPublicKey, signWithLabel, verifyWithLabel } from './sign.ts';
import {
  type AccountId,
  type AgreementPublicKey,
  type AgreementSecretKey,
  idBytes,
  type MasterKey,
  type SigningPublicKey,
  type SigningSecretKey,
} from './types.ts';

/** A user's long-term keys: Ed25519 to sign, X25519 to receive sealed keys. */
export interface Identity {
  signingSecret: SigningSecretKey;
  signingPublic: SigningPublicKey;
  agreementSecret: AgreementSecretKey;
  agreementPublic: AgreementPublicKey;
}

export function generateIdentity(): Identity {
  return identityFromSeeds(platform.randomBytes(32), platform.randomBytes(32));
}

export function identityFromSeeds(signingSeed: Uint8Array, agreementSeed: Uint8Array): Identity {
  const signingSecret = signingSeed as SigningSecretKey;
  const agreementSecret = agreementSeed as AgreementSecretKey;
  return {
    signingSecret,
    signingPublic: signingPublicKey(signingSecret),
    agreementSecret,
    agreementPublic: x25519.getPublicKey(agreementSecret) as AgreementPublicKey,
  };
}

const identitySpec = (accountId: AccountId, algorithm: 'ed25519' | 'x25519') => ({
  format: 'wrappedKey' as const,
  purpose: `identity/${algorithm}`,
  context: [idBytes(accountId), algorithm],
});

export interface WrappedIdentity {
  signing: Uint8Array;
  agreement: Uint8Array;
}

/** Wraps both private halves under the master key, each with its own label and context. */
export async function wrapIdentity(
  masterKey: MasterKey,
  id: Identity,
  accountId: AccountId,
): Promise<WrappedIdentity> {
  return {
    signing: await sealEnvelope(identitySpec(accountId, 'ed25519'), masterKey, id.signingSecret),
    agreement: await sealEnvelope(identitySpec(accountId, 'x25519'), masterKey, id.agreementSecret),
  };
}

export async function unwrapIdentity(
  masterKey: MasterKey,
  wrapped: WrappedIdentity,
  accountId: AccountId,
): Promise<Identity> {
  const s = await openEnvelope(identitySpec(accountId, 'ed25519'), masterKey, wrapped.signing);
  const a = await openEnvelope(identitySpec(accountId, 'x25519'), masterKey, wrapped.agreement);
  if (s.length !== 32 || a.length !== 32)
    throw new IntegrityError('wrappedKey: identity key has the wrong length');
  return identityFromSeeds(s, a);
}

// ---- public key bundles -----------------------------------------------------------------

/** What a bundle says about its owner, once its signature has been checked. */
export interface VerifiedKeyBundle {
  accountId: AccountId;
  version: number;
  createdAt: number;
  signingPublic: SigningPublicKey;
  agreementPublic: AgreementPublicKey;
  /** True when the keys differ from the pinned ones: the caller must warn and re-verify. */
  keyChanged: boolean;
}

/** What a client remembers about a contact's keys. */
export interface PinnedKeys {
  version: number;
  signingPublic: SigningPublicKey;
  agreementPublic: AgreementPublicKey;
}

const BUNDLE_SIGNATURE = 'key-bundle';

/**
 * A bundle is self-signed and versioned: header ‖ accountId(16) ‖ version u32 ‖ createdAt u64
 * ‖ ed25519 public(32) ‖ x25519 public(32) ‖ signature(64).
 */
export function createKeyBundle(
  id: Identity,
  accountId: AccountId,
  version: number,
  createdAt = Date.now(),
): Uint8Array {
  const body = new ByteWriter()
    .raw(header('keyBundle'))
    .raw(idBytes(accountId))
    .u32(version)
    .u64(createdAt)
    .raw(id.signingPublic)
    .raw(id.agreementPublic)
    .finish();
  return new ByteWriter()
    .raw(body)
    .raw(signWithLabel(BUNDLE_SIGNATURE, body, id.signingSecret))
    .finish();
}

/**
 * Checks a bundle the hub served for `accountId`. With `pinned`, an older version is a
 * rollback and the same version with other keys is equivocation: both are IntegrityErrors.
 */
export function verifyKeyBundle(
  bundle: Uint8Array,
  accountId: AccountId,
  pinned?: PinnedKeys,
): VerifiedKeyBundle {
  checkHeader(bundle, 'keyBundle');
  const r = new ByteReader(bundle, 'keyBundle');
  r.raw(4);
  const owner = toHex(r.raw(16)) as AccountId;
  const version = r.u32();
  const createdAt = r.u64();
  const signingPublic = r.raw(32).slice() as SigningPublicKey;
  const agreementPublic = r.raw(32).slice() as AgreementPublicKey;
  const body = bundle.subarray(0, bundle.length - 64);
  const signature = r.raw(64);
  r.end();
  if (!verifyWithLabel(BUNDLE_SIGNATURE, body, signature, signingPublic)) {
    throw new IntegrityError('keyBundle: bad signature');
  }
  if (owner !== accountId) throw new IntegrityError('keyBundle: belongs to another account');
  let keyChanged = false;
  if (pinned) {
    const same =
      equalBytes(pinned.signingPublic, signingPublic) &&
      equalBytes(pinned.agreementPublic, agreementPublic);
    if (version < pinned.version)
      throw new IntegrityError('keyBundle: rollback to an older version');
    if (version === pinned.version && !same)
      throw new IntegrityError('keyBundle: two bundles with one version');
    keyChanged = !same;
  }
  return { accountId: owner, version, createdAt, signingPublic, agreementPublic, keyChanged };
}

// ---- fingerprints -----------------------------------------------------------------------

/**
 * 30 decimal digits in six groups of five, from SHA-256 over the account id and both public
 * keys. Two people compare `safetyNumber` out of band (aloud, or by QR code).
 */
export async function fingerprint(
  accountId: AccountId,
  keys: { signingPublic: Uint8Array; agreementPublic: Uint8Array },
) {
  const digest = await platform.sha256(
    new ByteWriter()
      .raw(utf8.encode('coffer/v1/fingerprint\u0000'))
      .raw(idBytes(accountId))
      .raw(keys.signingPublic)
      .raw(keys.agreementPublic)
      .finish(),
  );
  const groups: string[] = [];
  for (let i = 0; i < 6; i++) {
    // 5 bytes (40 bits) per group, reduced mod 100000, as Signal's safety numbers do.
    let n = 0;
    for (let j = 0; j < 5; j++) n = n * 256 + (digest[i * 5 + j] as number);
    groups.push(String(n % 100000).padStart(5, '0'));
  }
  return groups.join(' ');
}

/** The same 60 digits on both sides: the two fingerprints, in sorted order. */
export function safetyNumber(mine: string, theirs: string): string {
  return [mine, theirs].sort().join(' ');
}
