// The client's per-file CPU budget for small files: each cryptographic step a 4 KiB file
// goes through on upload (`uploadSmallFiles`) and download (`coffer get`), timed in this
// process, in µs per file, next to the Ed25519 floor. The steps run one after another over
// BUDGET_FILES files, best of BUDGET_ROUNDS rounds, so a busy machine skews them less.
//
//   node --import tsx bench/small-files/budget.ts
import {
  buildPack,
  type ChunkId,
  decryptContent,
  decryptMetadata,
  decryptWhole,
  encryptMetadata,
  encryptSmall,
  type FileKey,
  type FolderKey,
  generateIdentity,
  type NodeId,
  nameHash,
  newFileKey,
  newFolderKey,
  newNodeId,
  openManifest,
  sealManifest,
  signNode,
  signWithLabel,
  unwrapNodeKey,
  type VerifiedManifest,
  verifyWithLabel,
  wrapNodeKey,
} from '@coffer/crypto';
import { XorShift128 } from '../network/workloads.ts';

const FILES = Number(process.env.BUDGET_FILES ?? 2000);
const ROUNDS = Number(process.env.BUDGET_ROUNDS ?? 3);

interface File {
  name: string;
  bytes: Uint8Array;
  fileId: NodeId;
  fileKey: FileKey;
  hash?: string;
  wrapped?: Uint8Array;
  metadata?: Uint8Array;
  object?: { id: ChunkId; bytes: Uint8Array };
  content?: Awaited<ReturnType<typeof encryptSmall>>['summary'];
  manifest?: Uint8Array;
  verified?: VerifiedManifest;
}

const rows: [string, number][] = [];
async function step(label: string, files: File[], f: (x: File) => unknown) {
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < ROUNDS; r++) {
    const t = performance.now();
    for (const x of files) await f(x);
    best = Math.min(best, ((performance.now() - t) * 1000) / files.length);
  }
  rows.push([label, best]);
}

const me = generateIdentity();
const parent: FolderKey = newFolderKey();
const parentId = newNodeId();
const rng = new XorShift128(7);
const files: File[] = Array.from({ length: FILES }, (_, i) => {
  const bytes = new Uint8Array(4096);
  rng.fill(bytes);
  return { name: `f${i}.bin`, bytes, fileId: newNodeId(), fileKey: newFileKey() };
});
const place = (x: File) => ({ nodeId: x.fileId, parentId, kind: 'file' as const, keyVersion: 1 });
const meta = (x: File) => ({
  name: x.name,
  size: 4096,
  mtime: 1_700_000_000_000,
  contentHash: x.content?.contentHash,
});

await step('upload: encrypt content (key, AES-GCM, ids, content hash)', files, async (x) => {
  const r = await encryptSmall(x.bytes, { fileId: x.fileId, revision: 1 });
  x.object = r.object;
  x.content = r.summary;
});
await step('upload: name hash', files, async (x) => {
  x.hash = await nameHash(parent, x.name);
});
await step('upload: wrap file key', files, async (x) => {
  x.wrapped = await wrapNodeKey(parent, x.fileKey, place(x));
});
await step('upload: encrypt metadata', files, async (x) => {
  x.metadata = await encryptMetadata(x.fileKey, meta(x), { nodeId: x.fileId, kind: 'file' });
});
const pack = await buildPack(files.map((x) => x.object as { id: ChunkId; bytes: Uint8Array }));
{
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < ROUNDS; r++) {
    const t = performance.now();
    await buildPack(files.map((x) => x.object as { id: ChunkId; bytes: Uint8Array }));
    best = Math.min(best, ((performance.now() - t) * 1000) / files.length);
  }
  rows.push(['upload: pack building (per file)', best]);
}
await step('upload: seal manifest (Ed25519 sign + envelope)', files, async (x) => {
  const i = files.indexOf(x);
  x.manifest = await sealManifest(
    x.fileKey,
    {
      fileId: x.fileId,
      revision: 1,
      createdAt: 1_700_000_000_000,
      ...(x.content as NonNullable<File['content']>),
      chunks: [pack.refs[i] as NonNullable<(typeof pack.refs)[number]>],
    },
    me,
  );
});
await step('upload: node signature (Ed25519 sign)', files, (x) =>
  signNode(
    {
      nodeId: x.fileId,
      parentId,
      kind: 'file',
      authorId: x.fileId as string as never,
      wrappedKey: x.wrapped as Uint8Array,
      metadata: x.metadata as Uint8Array,
      nameHash: x.hash as string,
    },
    me.signingSecret,
  ),
);
await step('download: unwrap file key', files, (x) =>
  unwrapNodeKey(parent, x.wrapped as Uint8Array, place(x)),
);
await step('download: decrypt metadata', files, (x) =>
  decryptMetadata(x.fileKey, x.metadata as Uint8Array, { nodeId: x.fileId, kind: 'file' }),
);
await step('download: name hash check', files, (x) => nameHash(parent, x.name));
await step('download: open manifest (Ed25519 verify + envelope)', files, async (x) => {
  x.verified = await openManifest(
    x.fileKey,
    x.manifest as Uint8Array,
    { fileId: x.fileId, revision: 1 },
    () => true,
  );
});
await step('download: verify + decrypt content', files, async (x) => {
  const m = x.verified as VerifiedManifest;
  const object = x.object as { bytes: Uint8Array };
  const stream = decryptContent({ ...m, fileId: x.fileId, revision: 1 }, async () =>
    object.bytes.slice(),
  );
  for await (const _ of stream as unknown as AsyncIterable<Uint8Array>) {
    // drained
  }
});
// What `coffer get` now runs for a small file (not in the download total: the same step).
await step('no streams: verify + decrypt content', files, async (x) => {
  const m = x.verified as VerifiedManifest;
  const object = x.object as { bytes: Uint8Array };
  await decryptWhole({ ...m, fileId: x.fileId, revision: 1 }, async () => object.bytes.slice());
});
const message = new Uint8Array(200);
const signature = signWithLabel('bench', message, me.signingSecret);
await step('floor: one Ed25519 sign', files, () =>
  signWithLabel('bench', message, me.signingSecret),
);
await step('floor: one Ed25519 verify', files, () =>
  verifyWithLabel('bench', message, signature, me.signingPublic),
);

const width = Math.max(...rows.map(([l]) => l.length));
console.log(`${FILES} files of 4 KiB, best of ${ROUNDS} rounds, µs per file`);
for (const [label, us] of rows) console.log(`${label.padEnd(width)}  ${us.toFixed(1).padStart(7)}`);
const sum = (prefix: string) =>
  rows.filter(([l]) => l.startsWith(prefix)).reduce((s, [, us]) => s + us, 0);
console.log(`${'upload total'.padEnd(width)}  ${sum('upload').toFixed(1).padStart(7)}`);
console.log(`${'download total'.padEnd(width)}  ${sum('download').toFixed(1).padStart(7)}`);
