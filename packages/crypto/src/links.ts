import { IntegrityError, ValidationError } from '@coffer/errors';
import { argon2idAsync } from '@noble/hashes/argon2.js';
import { platform } from '#platform';
import {
  ByteReader,
  ByteWriter,
  concatBytes,
  fromBase64Url,
  toBase64Url,
  toHex,
  utf8,
} from './bytes.ts';
import { envelopeBytes, envelopePrefix, openEnvelope, sealEnvelope } from './envelope.ts';
import {
  type AccountId,
  asKey,
  type FileKey,
  type FolderKey,
  idBytes,
  type LinkId,
  type LinkSecret,
  type NodeId,
  type NodeKind,
  type SigningPublicKey,
} from './types.ts';

// [Note: Link envelope]
// A public link is https://hub/l/<linkId>#<secret>. Browsers never send the fragment, so the
// hub sees the link id but never the 32-byte secret. The hub stores a link envelope that wraps
// the node key:
//
//   without a password: key material = secret
//   with a password:    key material = secret ‖ Argon2id(password, salt, t, m, p)
//
// so the password is useless without the URL and the URL is useless without the password;
// the hub, which has neither, cannot mount an offline guess. The envelope is key-committing
// (see [Note: Committing envelope]), so a ciphertext built to open under several passwords
// (a partitioning oracle) is rejected.
//
// Prefix: mode u8 (0 none, 1 argon2id) ‖ [t u32 ‖ m (KiB) u32 ‖ p u8 ‖ salt(16)]

export interface Argon2Params {
  /** Passes. */
  t: number;
  /** Memory in KiB. */
  m: number;
  /** Lanes. */
  p: number;
}

/**
 * 64 MiB and three passes, as in RFC 9106's second recommended option, but one lane: browsers
 * run Argon2id on one thread. About 1 s in Node here.
 */
export const DEFAULT_LINK_ARGON2: Argon2Params = { t: 3, m: 64 * 1024, p: 1 };

// Bounds on what an envelope may ask for, so a malicious hub cannot make a visitor's browser
// spin for minutes or allocate gigabytes.
const ARGON2_LIMITS = { tMax: 10, mMin: 8 * 1024, mMax: 256 * 1024, pMax: 4 };

function checkArgon2(p: Argon2Params, error: (what: string) => Error): void {
  const L = ARGON2_LIMITS;
  const ok = (n: number, lo: number, hi: number) => Number.isInteger(n) && n >= lo && n <= hi;
  if (!ok(p.t, 1, L.tMax) || !ok(p.m, L.mMin, L.mMax) || !ok(p.p, 1, L.pMax)) {
    throw error('Argon2id parameters out of bounds');
  }
}

export const newLinkSecret = (): LinkSecret => platform.randomBytes(32) as LinkSecret;
export const encodeLinkSecret = (s: LinkSecret): string => toBase64Url(s);
export const parseLinkSecret = (fragment: string): LinkSecret =>
  asKey.linkSecret(fromBase64Url(fragment.replace(/^#/, ''), 'linkSecret', 32));

export interface LinkPlace {
  linkId: LinkId;
  nodeId: NodeId;
  kind: NodeKind;
  /**
   * Who may have written what the link shows (encodeLinkAuthors), bound into the envelope so
   * the hub, which stores the list next to it, cannot change it. Absent in the test vectors.
   */
  authors?: Uint8Array;
}

// [Note: Link authors]
// A visitor knows nobody's keys, so the link says whose signatures to accept: the owner's
// (with their earlier keys) and, in a shared folder, its writers', as accountId(16) ‖ Ed25519
// public key(32) pairs after a count u8. The list rides in the envelope's context, so it is
// as authentic as the secret in the URL.

const MAX_LINK_AUTHORS = 64;

export function encodeLinkAuthors(
  authors: readonly { accountId: AccountId; signingPublic: SigningPublicKey }[],
): Uint8Array {
  if (authors.length > MAX_LINK_AUTHORS)
    throw new ValidationError('authors', `at most ${MAX_LINK_AUTHORS} signing keys`);
  const w = new ByteWriter().u8(authors.length);
  for (const a of authors) w.raw(idBytes(a.accountId)).raw(a.signingPublic);
  return w.finish();
}

export function decodeLinkAuthors(
  bytes: Uint8Array,
): { accountId: AccountId; signingPublic: SigningPublicKey }[] {
  const r = new ByteReader(bytes, 'linkAuthors');
  const n = r.u8();
  const out = [];
  for (let i = 0; i < n; i++)
    out.push({
      accountId: toHex(r.raw(16)) as AccountId,
      signingPublic: r.raw(32).slice() as SigningPublicKey,
    });
  r.end();
  return out;
}

const PLAIN_PREFIX = Uint8Array.of(0);
const PASSWORD_PREFIX_LENGTH = 1 + 4 + 4 + 1 + 16;
/** A link envelope's two sizes: without a password, and with one. */
export const LINK_ENVELOPE_BYTES = [
  envelopeBytes(32, PLAIN_PREFIX.length),
  envelopeBytes(32, PASSWORD_PREFIX_LENGTH),
] as const;

const linkSpec = (place: LinkPlace, prefix: Uint8Array) => ({
  format: 'link' as const,
  purpose: prefix[0] === 1 ? 'link/password' : 'link',
  context: [
    idBytes(place.linkId),
    idBytes(place.nodeId),
    place.kind,
    ...(place.authors ? [place.authors] : []),
  ],
  prefix,
});

async function stretch(password: string, salt: Uint8Array, p: Argon2Params): Promise<Uint8Array> {
  return argon2idAsync(utf8.encode(password), salt, { t: p.t, m: p.m, p: p.p, dkLen: 32 });
}

export async function wrapForLink(
  nodeKey: FileKey | FolderKey,
  secret: LinkSecret,
  place: LinkPlace,
  password?: string,
  params: Argon2Params = DEFAULT_LINK_ARGON2,
): Promise<Uint8Array> {
  if (password === undefined) return sealEnvelope(linkSpec(place, PLAIN_PREFIX), secret, nodeKey);
  if (password.length === 0) throw new ValidationError('password', 'must not be empty');
  checkArgon2(
    params,
    (what) =>
      new ValidationError(
        'argon2',
        `${what}: t 1..${ARGON2_LIMITS.tMax}, m ${ARGON2_LIMITS.mMin}..${ARGON2_LIMITS.mMax} KiB, p 1..${ARGON2_LIMITS.pMax}`,
      ),
  );
  const salt = platform.randomBytes(16);
  const prefix = new ByteWriter().u8(1).u32(params.t).u32(params.m).u8(params.p).raw(salt).finish();
  const material = concatBytes(secret, await stretch(password, salt, params));
  return sealEnvelope(linkSpec(place, prefix), material, nodeKey);
}

function readPrefix(envelope: Uint8Array): {
  prefix: Uint8Array;
  argon?: Argon2Params & { salt: Uint8Array };
} {
  const mode = envelopePrefix(envelope, 'link', 1)[0];
  if (mode === 0) return { prefix: PLAIN_PREFIX };
  if (mode !== 1) throw new IntegrityError('link: unknown protection mode');
  const prefix = envelopePrefix(envelope, 'link', PASSWORD_PREFIX_LENGTH);
  const r = new ByteReader(prefix, 'link');
  r.u8();
  const argon = { t: r.u32(), m: r.u32(), p: r.u8(), salt: r.raw(16) };
  const L = ARGON2_LIMITS;
  if (
    argon.t < 1 ||
    argon.t > L.tMax ||
    argon.m < L.mMin ||
    argon.m > L.mMax ||
    argon.p < 1 ||
    argon.p > L.pMax
  ) {
    throw new IntegrityError('link: Argon2id parameters out of bounds');
  }
  return { prefix, argon };
}

export function linkNeedsPassword(envelope: Uint8Array): boolean {
  return readPrefix(envelope).argon !== undefined;
}

/** Opens a link envelope. A wrong password or secret is a DecryptionError. */
export async function openLink(
  envelope: Uint8Array,
  secret: LinkSecret,
  place: LinkPlace,
  password?: string,
): Promise<FileKey | FolderKey> {
  const { prefix, argon } = readPrefix(envelope);
  let material: Uint8Array = secret;
  if (argon) {
    if (password === undefined || password.length === 0) {
      throw new ValidationError('password', 'this link is protected by a password');
    }
    material = concatBytes(secret, await stretch(password, argon.salt, argon));
  }
  const raw = await openEnvelope(linkSpec(place, prefix), material, envelope);
  if (raw.length !== 32) throw new IntegrityError('link: key has the wrong length');
  return place.kind === 'file' ? asKey.file(raw) : asKey.folder(raw);
}
