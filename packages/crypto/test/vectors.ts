// Known-answer vectors for every format. `makeVectors` produced test/vectors/*.json once (see
// generate-vectors.ts); `checkVectors` runs in Node and, bundled, in Chromium, and proves that
// both platforms read every committed object and produce the deterministic ones byte for byte.

import { type ContextField, openEnvelope, sealEnvelope } from '../src/envelope.ts';
import type { FormatName } from '../src/format.ts';
import { identityFromSeeds } from '../src/identity.ts';
import {
  type AccountId,
  asKey,
  buildPack,
  type ChunkId,
  createKeyBundle,
  decryptContent,
  decryptMetadata,
  type ExportKey,
  encryptContent,
  encryptMetadata,
  fingerprint,
  formatRecoveryKey,
  fromHex,
  type LinkId,
  type LinkSecret,
  type NodeId,
  openLink,
  openManifest,
  openSealed,
  parseRecoveryKey,
  type RecoveryKey,
  sealManifest,
  sealToRecipient,
  toHex,
  unwrapIdentity,
  unwrapMasterKeyWithPassword,
  unwrapMasterKeyWithRecovery,
  unwrapNodeKey,
  verifyKeyBundle,
  wrapForLink,
  wrapIdentity,
  wrapMasterKeyWithPassword,
  wrapMasterKeyWithRecovery,
  wrapNodeKey,
} from '../src/index.ts';

type Json = Record<string, unknown>;
export type Vectors = Record<string, Json[]>;

const h = (s: string) => fromHex(s, 'vector');
const fill = (n: number, byte: number) => new Uint8Array(n).fill(byte);
const seq = (n: number, start = 0) => Uint8Array.from({ length: n }, (_, i) => (start + i) & 255);

const ACCOUNT = '0a'.repeat(16) as AccountId;
const OTHER = '0b'.repeat(16) as AccountId;
const PARENT = '01'.repeat(16) as NodeId;
const CHILD = '02'.repeat(16) as NodeId;
const FILE = '03'.repeat(16) as NodeId;
const LINK = '04'.repeat(16) as LinkId;
const alice = () => identityFromSeeds(fill(32, 0x11), fill(32, 0x12));
const bob = () => identityFromSeeds(fill(32, 0x21), fill(32, 0x22));
const CREATED = 1_790_000_000_000;

type JsonField = { s: string } | { n: number } | { b: string };
const toField = (f: JsonField): ContextField => ('s' in f ? f.s : 'n' in f ? f.n : h(f.b));

async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value.slice());
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

async function chunkVector(size: number, chunkSize: number) {
  const { chunks, summary } = encryptContent(seq(size, 7), {
    fileId: FILE,
    revision: 3,
    chunkSize,
    contentKey: asKey.content(fill(32, 0x33)),
  });
  const objects: string[] = [];
  const reader = chunks.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    objects.push(toHex(value.bytes));
  }
  const s = await summary;
  return { size, chunkSize, objects, ids: s.chunks.map((c) => c.id), contentHash: s.contentHash };
}

/** Builds every vector from fixed inputs. Salts that the API draws at random are recorded. */
export async function makeVectors(): Promise<Vectors> {
  const envelopeCases: {
    format: FormatName;
    purpose: string;
    context: JsonField[];
    plaintext: Uint8Array;
  }[] = [
    {
      format: 'wrappedKey',
      purpose: 'node-key',
      context: [{ b: CHILD }, { b: PARENT }, { s: 'file' }, { n: 1 }],
      plaintext: fill(32, 0x44),
    },
    {
      format: 'metadata',
      purpose: 'metadata',
      context: [{ b: CHILD }, { s: 'folder' }],
      plaintext: seq(64),
    },
    { format: 'manifest', purpose: 'manifest', context: [], plaintext: new Uint8Array(0) },
  ];
  const envelope = [];
  for (const c of envelopeCases) {
    const key = fill(32, 0x55);
    const salt = seq(32, 0x80);
    const bytes = await sealEnvelope(
      { ...c, context: c.context.map(toField) },
      key,
      c.plaintext,
      salt,
    );
    envelope.push({
      ...c,
      plaintext: toHex(c.plaintext),
      key: toHex(key),
      salt: toHex(salt),
      envelope: toHex(bytes),
    });
  }

  const parentKey = asKey.folder(fill(32, 0x61));
  const childKey = asKey.file(fill(32, 0x62));
  const place = { nodeId: CHILD, parentId: PARENT, kind: 'file' as const, keyVersion: 2 };
  const nodeKey = [
    {
      parentKey: toHex(parentKey),
      childKey: toHex(childKey),
      place,
      wrapped: toHex(await wrapNodeKey(parentKey, childKey, place)),
    },
  ];

  const metaValue = {
    name: 'Résumé 2026.pdf',
    size: 12345,
    mtime: CREATED,
    mime: 'application/pdf',
    contentHash: 'ab'.repeat(32),
  };
  const metadata = [
    {
      key: toHex(childKey),
      nodeId: CHILD,
      kind: 'file',
      metadata: metaValue,
      envelope: toHex(await encryptMetadata(childKey, metaValue, { nodeId: CHILD, kind: 'file' })),
    },
  ];

  const exportKey = seq(64, 0x90) as ExportKey;
  const recoveryKey = fill(32, 0x71) as RecoveryKey;
  const masterKey = asKey.master(fill(32, 0x72));
  const masterKeyVectors = [
    {
      accountId: ACCOUNT,
      masterKey: toHex(masterKey),
      exportKey: toHex(exportKey),
      byPassword: toHex(await wrapMasterKeyWithPassword(exportKey, masterKey, ACCOUNT)),
      recoveryKey: toHex(recoveryKey),
      recoveryText: await formatRecoveryKey(recoveryKey),
      byRecovery: toHex(await wrapMasterKeyWithRecovery(recoveryKey, masterKey, ACCOUNT)),
    },
  ];

  const a = alice();
  const wrappedIdentity = await wrapIdentity(masterKey, a, ACCOUNT);
  const identity = [
    {
      accountId: ACCOUNT,
      masterKey: toHex(masterKey),
      signing: toHex(wrappedIdentity.signing),
      agreement: toHex(wrappedIdentity.agreement),
      signingPublic: toHex(a.signingPublic),
      agreementPublic: toHex(a.agreementPublic),
      bundle: toHex(createKeyBundle(a, ACCOUNT, 5, CREATED)),
      fingerprint: await fingerprint(ACCOUNT, a),
    },
  ];

  const chunk = [
    await chunkVector(0, 1024),
    await chunkVector(1000, 1024),
    await chunkVector(3000, 1024),
  ];

  const { chunks, summary } = encryptContent(seq(2500), {
    fileId: FILE,
    revision: 3,
    chunkSize: 1024,
    contentKey: asKey.content(fill(32, 0x34)),
  });
  const stored: Record<string, string> = {};
  const reader = chunks.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    stored[value.id] = toHex(value.bytes);
  }
  const s = await summary;
  const manifest = [
    {
      fileKey: toHex(childKey),
      fileId: FILE,
      revision: 3,
      author: toHex(a.signingPublic),
      envelope: toHex(
        await sealManifest(childKey, { ...s, fileId: FILE, revision: 3, createdAt: CREATED }, a),
      ),
      stored,
      plaintext: toHex(seq(2500)),
    },
  ];

  const pack = await buildPack([
    { id: 'aa'.repeat(32) as ChunkId, bytes: seq(30) },
    { id: 'bb'.repeat(32) as ChunkId, bytes: seq(50, 9) },
  ]);
  const packs = [{ bytes: toHex(pack.bytes), id: pack.id, refs: pack.refs }];

  const b = bob();
  const sealContext = {
    purpose: 'folder-share',
    senderId: ACCOUNT,
    recipientId: OTHER,
    fields: ['share-1', 7],
  };
  const sealed = await sealToRecipient(
    fill(32, 0x45),
    b.agreementPublic,
    a.signingSecret,
    sealContext,
    fill(32, 0x46),
  );
  const sealedBox = [
    {
      context: sealContext,
      payload: toHex(fill(32, 0x45)),
      ephemeralSecret: toHex(fill(32, 0x46)),
      sealed: toHex(sealed),
      recipientSecret: toHex(b.agreementSecret),
      recipientPublic: toHex(b.agreementPublic),
      senderPublic: toHex(a.signingPublic),
      senderSecret: toHex(a.signingSecret),
    },
  ];

  const secret = fill(32, 0x47) as LinkSecret;
  const linkPlace = { linkId: LINK, nodeId: FILE, kind: 'file' as const };
  const cheap = { t: 1, m: 8 * 1024, p: 1 };
  const link = [
    {
      secret: toHex(secret),
      place: linkPlace,
      nodeKey: toHex(childKey),
      envelope: toHex(await wrapForLink(childKey, secret, linkPlace)),
    },
    {
      secret: toHex(secret),
      place: linkPlace,
      nodeKey: toHex(childKey),
      password: 'correct horse battery staple',
      envelope: toHex(
        await wrapForLink(childKey, secret, linkPlace, 'correct horse battery staple', cheap),
      ),
    },
  ];

  return {
    envelope,
    nodeKey,
    metadata,
    masterKey: masterKeyVectors,
    identity,
    chunk,
    manifest,
    pack: packs,
    sealedBox,
    link,
  };
}

export interface Outcome {
  name: string;
  ok: boolean;
  detail?: string;
}

function same(name: string, got: string, want: string): Outcome {
  return got === want
    ? { name, ok: true }
    : { name, ok: false, detail: `got ${got.slice(0, 80)}… want ${want.slice(0, 80)}…` };
}

const str = (v: unknown) => v as string;

/** Checks every vector; returns one outcome per check instead of throwing at the first. */
export async function checkVectors(v: Vectors): Promise<Outcome[]> {
  const out: Outcome[] = [];
  const run = async (name: string, f: () => Promise<Outcome | Outcome[]>) => {
    try {
      const r = await f();
      out.push(...(Array.isArray(r) ? r : [r]));
    } catch (e) {
      out.push({
        name,
        ok: false,
        detail: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
      });
    }
  };
  for (const [i, e] of (v.envelope ?? []).entries()) {
    const spec = {
      format: e.format as FormatName,
      purpose: str(e.purpose),
      context: (e.context as JsonField[]).map(toField),
    };
    await run(`envelope ${i} seal`, async () =>
      same(
        `envelope ${i} seal`,
        toHex(await sealEnvelope(spec, h(str(e.key)), h(str(e.plaintext)), h(str(e.salt)))),
        str(e.envelope),
      ),
    );
    await run(`envelope ${i} open`, async () =>
      same(
        `envelope ${i} open`,
        toHex(await openEnvelope(spec, h(str(e.key)), h(str(e.envelope)))),
        str(e.plaintext),
      ),
    );
  }
  for (const n of v.nodeKey ?? []) {
    await run('node key', async () => {
      const place = n.place as {
        nodeId: NodeId;
        parentId: NodeId;
        kind: 'file';
        keyVersion: number;
      };
      const key = await unwrapNodeKey(asKey.folder(h(str(n.parentKey))), h(str(n.wrapped)), place);
      return same('node key', toHex(key), str(n.childKey));
    });
  }
  for (const m of v.metadata ?? []) {
    await run('metadata', async () => {
      const meta = await decryptMetadata(asKey.file(h(str(m.key))), h(str(m.envelope)), {
        nodeId: m.nodeId as NodeId,
        kind: 'file',
      });
      return same('metadata', JSON.stringify(meta), JSON.stringify(m.metadata));
    });
  }
  for (const m of v.masterKey ?? []) {
    const id = m.accountId as AccountId;
    await run('master key by password', async () =>
      same(
        'master key by password',
        toHex(
          await unwrapMasterKeyWithPassword(
            h(str(m.exportKey)) as ExportKey,
            h(str(m.byPassword)),
            id,
          ),
        ),
        str(m.masterKey),
      ),
    );
    await run('master key by recovery', async () => {
      const rk = await parseRecoveryKey(str(m.recoveryText));
      return [
        same('recovery key text', toHex(rk), str(m.recoveryKey)),
        same('recovery key format', await formatRecoveryKey(rk), str(m.recoveryText)),
        same(
          'master key by recovery',
          toHex(await unwrapMasterKeyWithRecovery(rk, h(str(m.byRecovery)), id)),
          str(m.masterKey),
        ),
      ];
    });
  }
  for (const x of v.identity ?? []) {
    const id = x.accountId as AccountId;
    await run('identity', async () => {
      const ident = await unwrapIdentity(
        asKey.master(h(str(x.masterKey))),
        { signing: h(str(x.signing)), agreement: h(str(x.agreement)) },
        id,
      );
      const bundle = verifyKeyBundle(h(str(x.bundle)), id);
      return [
        same('identity signing public', toHex(ident.signingPublic), str(x.signingPublic)),
        same('identity agreement public', toHex(ident.agreementPublic), str(x.agreementPublic)),
        same(
          'key bundle bytes',
          toHex(createKeyBundle(ident, id, bundle.version, bundle.createdAt)),
          str(x.bundle),
        ),
        same('fingerprint', await fingerprint(id, ident), str(x.fingerprint)),
      ];
    });
  }
  for (const [i, c] of (v.chunk ?? []).entries()) {
    await run(`chunk ${i}`, async () => {
      const got = await chunkVector(c.size as number, c.chunkSize as number);
      return [
        same(`chunk ${i} objects`, got.objects.join(','), (c.objects as string[]).join(',')),
        same(`chunk ${i} ids`, got.ids.join(','), (c.ids as string[]).join(',')),
        same(`chunk ${i} content hash`, got.contentHash, str(c.contentHash)),
      ];
    });
  }
  for (const m of v.manifest ?? []) {
    await run('manifest', async () => {
      const author = str(m.author);
      const verified = await openManifest(
        asKey.file(h(str(m.fileKey))),
        h(str(m.envelope)),
        { fileId: m.fileId as NodeId, revision: m.revision as number },
        (k) => toHex(k) === author,
      );
      const stored = m.stored as Record<string, string>;
      const plain = await collect(decryptContent(verified, async (ref) => h(stored[ref.id] ?? '')));
      return same('manifest content', toHex(plain), str(m.plaintext));
    });
  }
  for (const p of v.pack ?? []) {
    await run('pack', async () => {
      const refs = p.refs as { id: ChunkId; length: number; pack: { offset: number } }[];
      const bytes = h(str(p.bytes));
      const objects = refs.map((r) => ({
        id: r.id,
        bytes: bytes.subarray(r.pack.offset, r.pack.offset + r.length),
      }));
      const rebuilt = await buildPack(objects);
      return [
        same('pack bytes', toHex(rebuilt.bytes), str(p.bytes)),
        same('pack id', rebuilt.id, str(p.id)),
      ];
    });
  }
  for (const s of v.sealedBox ?? []) {
    await run('sealed box', async () => {
      const ctx = s.context as {
        purpose: string;
        senderId: AccountId;
        recipientId: AccountId;
        fields: ContextField[];
      };
      const resealed = await sealToRecipient(
        h(str(s.payload)),
        asKey.agreementPublic(h(str(s.recipientPublic))),
        h(str(s.senderSecret)) as never,
        ctx,
        h(str(s.ephemeralSecret)),
      );
      const opened = await openSealed(
        h(str(s.sealed)),
        {
          secret: h(str(s.recipientSecret)) as never,
          public: asKey.agreementPublic(h(str(s.recipientPublic))),
        },
        asKey.signingPublic(h(str(s.senderPublic))),
        ctx,
      );
      return [
        same('sealed box bytes', toHex(resealed), str(s.sealed)),
        same('sealed box open', toHex(opened), str(s.payload)),
      ];
    });
  }
  for (const [i, l] of (v.link ?? []).entries()) {
    await run(`link ${i}`, async () => {
      const place = l.place as { linkId: LinkId; nodeId: NodeId; kind: 'file' };
      const key = await openLink(
        h(str(l.envelope)),
        h(str(l.secret)) as LinkSecret,
        place,
        l.password as string | undefined,
      );
      return same(`link ${i}`, toHex(key), str(l.nodeKey));
    });
  }
  return out;
}
