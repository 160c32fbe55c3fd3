import { DecryptionError, IntegrityError, ValidationError } from '@coffer/errors';
import { x25519 } from '@noble/curves/ed25519.js';
import { z } from 'zod';
import { platform } from '#platform';
import { fromBase64Url, toBase64Url, utf8 } from './bytes.ts';
import { type ContentSummary, MAX_CHUNK_SIZE, MIN_CHUNK_SIZE } from './content.ts';
import { encodeContext, openEnvelope, sealEnvelope } from './envelope.ts';
import { checkConsistent } from './manifest.ts';
import { nameProblem } from './nodes.ts';
import { openBox, sealBox } from './share.ts';
import {
  type AccountId,
  type AgreementPublicKey,
  type AgreementSecretKey,
  asKey,
  type ChunkId,
  idBytes,
  type LinkId,
  type MasterKey,
  type NodeId,
} from './types.ts';

// [Note: File requests]
// A file request is https://hub/r/<requestId>#<public key>: an X25519 key pair made for the
// request. Its secret key is wrapped under the owner's master key and kept on the hub (bound
// to the owner, the request and its folder); its public key travels only in the URL fragment,
// which browsers never send, so the hub never learns it.
//
// - The request's title is an envelope keyed by the public key: whoever holds the URL can read
//   it, the hub can neither read nor change it.
// - Each file a visitor sends is encrypted like any file (a fresh content key, chunks bound to
//   the node id the visitor picks), and its name, size and content summary are sealed to the
//   request's public key in a drop box ([Note: Sealed box], base mode, bound to the request
//   and the node id). A visitor holds no key that opens anything else, and nothing lets them
//   list the folder.
// - The owner's client opens each drop with the request's secret key, checks it and takes the
//   file in: a new file key wrapped under the folder key, metadata and a manifest it signs.
// - As the public key is needed to make a drop, the hub cannot forge one; it can withhold or
//   replay drops (a replay names a node id that is taken by then).

const TITLE_PURPOSE = 'file-request';
const DROP_PURPOSE = 'file-drop';
const KEY_PURPOSE = 'file-request-key';

/** A request's key pair, as the owner holds it. */
export interface FileRequestKey {
  secret: AgreementSecretKey;
  public: AgreementPublicKey;
}

export interface FileRequestPlace {
  ownerId: AccountId;
  requestId: LinkId;
  folderId: NodeId;
}

/** What a visitor sees on a request's page; both set by its owner. */
export interface FileRequestTitle {
  /** What the owner asks for ("Tax documents 2026"). */
  title: string;
  /** Who asks (the owner's name or email, as they chose to show it). */
  from: string;
}

const titleSchema = z.object({ title: z.string().max(200), from: z.string().max(200) }).strict();

export const newFileRequestKey = (): FileRequestKey => {
  const secret = platform.randomBytes(32) as AgreementSecretKey;
  return { secret, public: x25519.getPublicKey(secret) as AgreementPublicKey };
};

export const encodeFileRequestKey = (k: AgreementPublicKey): string => toBase64Url(k);

/** The public key in a request URL's fragment (with or without the '#'). */
export const parseFileRequestKey = (fragment: string): AgreementPublicKey =>
  asKey.agreementPublic(fromBase64Url(fragment.replace(/^#/, ''), 'fragment', 32));

const keySpec = (p: FileRequestPlace) => ({
  format: 'wrappedKey' as const,
  purpose: KEY_PURPOSE,
  context: [idBytes(p.ownerId), idBytes(p.requestId), idBytes(p.folderId)],
});

/** The request's secret key wrapped under the owner's master key, for the hub to keep. */
export const wrapFileRequestKey = (
  master: MasterKey,
  key: FileRequestKey,
  place: FileRequestPlace,
): Promise<Uint8Array> => sealEnvelope(keySpec(place), master, key.secret);

export async function unwrapFileRequestKey(
  master: MasterKey,
  wrapped: Uint8Array,
  place: FileRequestPlace,
): Promise<FileRequestKey> {
  const secret = (await openEnvelope(keySpec(place), master, wrapped)) as AgreementSecretKey;
  if (secret.length !== 32) throw new IntegrityError('file request key: wrong length');
  return { secret, public: x25519.getPublicKey(secret) as AgreementPublicKey };
}

const titleSpec = (requestId: LinkId) => ({
  format: 'fileRequest' as const,
  purpose: TITLE_PURPOSE,
  context: [idBytes(requestId)],
});

export function sealFileRequestTitle(
  publicKey: AgreementPublicKey,
  requestId: LinkId,
  t: FileRequestTitle,
): Promise<Uint8Array> {
  const parsed = titleSchema.safeParse(t);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ValidationError(issue?.path.join('.') || 'title', issue?.message ?? 'invalid');
  }
  return sealEnvelope(titleSpec(requestId), publicKey, utf8.encode(JSON.stringify(parsed.data)));
}

/** IntegrityError or DecryptionError if the hub changed or swapped the envelope. */
export async function openFileRequestTitle(
  publicKey: AgreementPublicKey,
  requestId: LinkId,
  envelope: Uint8Array,
): Promise<FileRequestTitle> {
  const plain = await openEnvelope(titleSpec(requestId), publicKey, envelope);
  return parseJson(plain, titleSchema, 'file request title');
}

/** One file a visitor sends: what the owner needs to take it in. */
export interface DropContent {
  name: string;
  mtime?: number;
  mime?: string;
  content: ContentSummary;
}

const dropSchema = z
  .object({
    name: z.string(),
    mtime: z.number().int().nonnegative().optional(),
    mime: z.string().max(255).optional(),
    contentKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
    chunkSize: z.number().int().min(MIN_CHUNK_SIZE).max(MAX_CHUNK_SIZE),
    size: z.number().int().nonnegative(),
    contentHash: z.string().regex(/^[0-9a-f]{64}$/),
    chunks: z.array(
      z.object({ id: z.string().regex(/^[0-9a-f]{64}$/), length: z.number().int() }).strict(),
    ),
  })
  .strict();

const dropContext = (requestId: LinkId, nodeId: NodeId) =>
  encodeContext([DROP_PURPOSE, idBytes(requestId), idBytes(nodeId)]);

export function sealDrop(
  publicKey: AgreementPublicKey,
  place: { requestId: LinkId; nodeId: NodeId },
  drop: DropContent,
): Promise<Uint8Array> {
  const problem = nameProblem(drop.name);
  if (problem) throw new ValidationError('name', problem);
  if (drop.content.chunks.some((c) => c.pack))
    throw new ValidationError('content', 'a dropped file has chunks of its own, not packed ones');
  const payload = {
    name: drop.name,
    ...(drop.mtime !== undefined ? { mtime: drop.mtime } : {}),
    ...(drop.mime !== undefined ? { mime: drop.mime } : {}),
    contentKey: toBase64Url(drop.content.contentKey),
    chunkSize: drop.content.chunkSize,
    size: drop.content.size,
    contentHash: drop.content.contentHash,
    chunks: drop.content.chunks.map((c) => ({ id: c.id, length: c.length })),
  };
  return sealBox(
    'drop',
    utf8.encode(JSON.stringify(payload)),
    publicKey,
    DROP_PURPOSE,
    dropContext(place.requestId, place.nodeId),
  );
}

/**
 * Opens a drop with the request's key. A drop that does not open, was made for another
 * request or node, or describes impossible content is an IntegrityError.
 */
export async function openDrop(
  key: FileRequestKey,
  sealed: Uint8Array,
  place: { requestId: LinkId; nodeId: NodeId },
): Promise<DropContent> {
  let plain: Uint8Array;
  try {
    plain = await openBox(
      'drop',
      sealed,
      key,
      DROP_PURPOSE,
      dropContext(place.requestId, place.nodeId),
    );
  } catch (e) {
    if (e instanceof DecryptionError)
      throw new IntegrityError('drop: does not open with this request’s key for this file', {
        cause: e,
      });
    throw e;
  }
  const d = parseJson(plain, dropSchema, 'drop');
  if (nameProblem(d.name) !== null) throw new IntegrityError('drop: the file name is not valid');
  const content: ContentSummary = {
    contentKey: asKey.content(fromBase64Url(d.contentKey, 'contentKey', 32)),
    chunkSize: d.chunkSize,
    size: d.size,
    contentHash: d.contentHash,
    chunks: d.chunks.map((c) => ({ id: c.id as ChunkId, length: c.length })),
  };
  checkConsistent(content);
  return {
    name: d.name,
    ...(d.mtime !== undefined ? { mtime: d.mtime } : {}),
    ...(d.mime !== undefined ? { mime: d.mime } : {}),
    content,
  };
}

function parseJson<T>(bytes: Uint8Array, schema: z.ZodType<T>, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(bytes));
  } catch {
    throw new IntegrityError(`${what}: not valid JSON`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new IntegrityError(`${what}: does not match the schema`);
  return parsed.data;
}
