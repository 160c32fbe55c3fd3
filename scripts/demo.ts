// What `npm start` shows until the network exists: one file through every layer of the crypto.
import {
  decryptContent,
  encryptContent,
  encryptMetadata,
  formatRecoveryKey,
  generateIdentity,
  newFileKey,
  newNodeId,
  newRecoveryKey,
  openManifest,
  sealManifest,
} from '@coffer/crypto';

const text = new TextEncoder().encode(
  'Hello from Coffer: encrypted on this device, readable only here.\n'.repeat(20000),
);
const fileId = newNodeId();
const me = generateIdentity();
const fileKey = newFileKey();
const stored = new Map<string, Uint8Array>();
const t = performance.now();
const { chunks, summary } = encryptContent(text, { fileId, revision: 1, chunkSize: 256 * 1024 });
for await (const c of chunks as unknown as AsyncIterable<{ id: string; bytes: Uint8Array }>)
  stored.set(c.id, c.bytes.slice());
const s = await summary;
const manifest = await sealManifest(
  fileKey,
  { ...s, fileId, revision: 1, createdAt: Date.now() },
  me,
);
const meta = await encryptMetadata(
  fileKey,
  { name: 'hello.txt', size: text.length },
  { nodeId: fileId, kind: 'file' },
);
const verified = await openManifest(fileKey, manifest, { fileId, revision: 1 }, () => true);
let back = 0;
for await (const p of decryptContent(verified, async (ref) =>
  (stored.get(ref.id) as Uint8Array).slice(),
) as unknown as AsyncIterable<Uint8Array>)
  back += p.length;
console.log(
  `  ${text.length} bytes -> ${s.chunks.length} encrypted chunks, ids ${s.chunks.map((c) => c.id.slice(0, 8)).join(', ')}`,
);
console.log(`  signed manifest: ${manifest.length} bytes, encrypted name: ${meta.length} bytes`);
console.log(`  decrypted and verified ${back} bytes in ${(performance.now() - t).toFixed(0)} ms`);
console.log(`  a recovery key looks like: ${await formatRecoveryKey(newRecoveryKey())}`);
console.log('\nRun `npm test` for the full suite and `npm run bench:crypto` for throughput.');
