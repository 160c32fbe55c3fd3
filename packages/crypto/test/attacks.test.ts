// Replays of the attack classes in "MEGA: Malleable Encryption Goes Awry" (Backendal, Haller,
// Paterson, IEEE S&P 2023) and its follow-ups, as far as they apply to this design. Each is
// rejected with a typed error.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuthError, DecryptionError, IntegrityError } from '@coffer/errors';
import type { DecryptableContent, FetchChunk } from '../src/decrypt.ts';
import { sealEnvelope } from '../src/envelope.ts';
import {
  type ChunkId,
  decryptContent,
  decryptMetadata,
  decryptWhole,
  encryptContent,
  encryptMetadata,
  finishLogin,
  finishRegistration,
  generateIdentity,
  newAccountId,
  newFileKey,
  newFolderKey,
  newMasterKey,
  newNodeId,
  openManifest,
  sealManifest,
  startLogin,
  startRegistration,
  unwrapIdentity,
  unwrapNodeKey,
  wrapIdentity,
  wrapNodeKey,
} from '../src/index.ts';
import {
  createOpaqueServerSetup,
  opaqueRegistrationResponse,
  opaqueStartLogin,
} from '../src/server.ts';
import { collect, encryptToStore, mutations, rejectsWith } from './helpers.ts';

const same = (a: Uint8Array) => (k: Uint8Array) => Buffer.from(a).equals(Buffer.from(k));

test('a hub that tampers with a wrapped private key gets a DecryptionError, never a key', async () => {
  const master = newMasterKey();
  const account = newAccountId();
  const w = await wrapIdentity(master, generateIdentity(), account);
  // MEGA's RSA key recovery worked by modifying the wrapped private key block by block and
  // watching the client. Here every modification fails the AEAD...
  for (const [name, m] of mutations(w.signing, 200)) {
    // Header and structure damage is an IntegrityError, covered in tamper.test.ts.
    if (name.startsWith('flip bit') && Number(name.slice(9)) < 32) continue;
    if (name === 'swap halves' || m.length < w.signing.length) continue;
    await rejectsWith(unwrapIdentity(master, { ...w, signing: m }, account), DecryptionError, name);
  }
  // ...swapping the two wrapped halves fails (each is bound to its algorithm)...
  await rejectsWith(
    unwrapIdentity(master, { signing: w.agreement, agreement: w.signing }, account),
    DecryptionError,
    'swapped halves',
  );
  // ...and so does serving another account's wrapped keys.
  const other = await wrapIdentity(master, generateIdentity(), newAccountId());
  await rejectsWith(unwrapIdentity(master, other, account), DecryptionError, 'another account');
});

test('a hub that swaps wrapped node keys or metadata between two nodes is detected', async () => {
  const parent = newFolderKey();
  const parentId = newNodeId();
  const a = { nodeId: newNodeId(), parentId, kind: 'file' as const, keyVersion: 1 };
  const b = { nodeId: newNodeId(), parentId, kind: 'file' as const, keyVersion: 1 };
  const keyA = newFileKey();
  const wrappedA = await wrapNodeKey(parent, keyA, a);
  await rejectsWith(unwrapNodeKey(parent, wrappedA, b), DecryptionError, 'A served as B');
  await rejectsWith(
    unwrapNodeKey(parent, wrappedA, { ...a, parentId: newNodeId() }),
    DecryptionError,
    'moved to another parent',
  );
  await rejectsWith(
    unwrapNodeKey(parent, wrappedA, { ...a, kind: 'folder' }),
    DecryptionError,
    'file served as folder',
  );
  await rejectsWith(
    unwrapNodeKey(parent, wrappedA, { ...a, keyVersion: 2 }),
    DecryptionError,
    'older key version replayed',
  );
  const metaA = await encryptMetadata(keyA, { name: 'a.txt' }, a);
  await rejectsWith(decryptMetadata(keyA, metaA, b), DecryptionError, 'metadata of A served as B');
});

test('no decryption oracle: every tampered ciphertext fails the same way, and a tampered login returns nothing', async () => {
  const parent = newFolderKey();
  const place = {
    nodeId: newNodeId(),
    parentId: newNodeId(),
    kind: 'file' as const,
    keyVersion: 1,
  };
  const wrapped = await wrapNodeKey(parent, newFileKey(), place);
  const messages = new Set<string>();
  for (const [name, m] of mutations(wrapped)) {
    if (name.startsWith('flip bit') && Number(name.slice(9)) < 32) continue;
    if (name === 'swap halves' || m.length < wrapped.length) continue;
    try {
      await unwrapNodeKey(parent, m, place);
      assert.fail(`${name} opened`);
    } catch (e) {
      assert.ok(e instanceof DecryptionError);
      messages.add(e.message);
    }
  }
  // One message for every failure: nothing tells the attacker where or how the plaintext broke.
  assert.deepEqual([...messages], ['wrappedKey: could not decrypt']);

  // MEGA's login decrypted a server-chosen blob and sent the result back. OPAQUE's client
  // only ever sends messages derived from its own state; a tampered server response ends the
  // login with AuthError and hands nothing to the server.
  const setup = await createOpaqueServerSetup();
  const reg = await startRegistration('pw');
  const record = (
    await finishRegistration(
      'pw',
      reg.state,
      await opaqueRegistrationResponse(setup, 'alice', reg.request),
    )
  ).record;
  const login = await startLogin('pw');
  const { response } = await opaqueStartLogin(setup, 'alice', record, login.request);
  const bytes = Buffer.from(response, 'base64url');
  bytes[bytes.length - 5] = (bytes[bytes.length - 5] as number) ^ 1;
  await rejectsWith(
    finishLogin('pw', login.state, bytes.toString('base64url')),
    AuthError,
    'tampered login response',
  );
});

test('someone who knows one key cannot plant a file the owner accepts', async () => {
  const owner = generateIdentity();
  const intruder = generateIdentity(); // knows the file key, e.g. from a link, but is not a writer
  const fileKey = newFileKey();
  const fileId = newNodeId();
  const trusted = same(owner.signingPublic);
  const { summary } = await encryptToStore(new TextEncoder().encode('planted'), fileId, 2, 1024);
  const planted = await sealManifest(
    fileKey,
    { ...summary, fileId, revision: 2, createdAt: 1 },
    intruder,
  );
  await rejectsWith(
    openManifest(fileKey, planted, { fileId, revision: 2 }, trusted),
    IntegrityError,
    'manifest by a non-writer',
  );
  // The hub, which knows no key at all, cannot even produce a manifest that decrypts.
  const forged = await sealEnvelope(
    { format: 'manifest', purpose: 'manifest', context: [] },
    newFileKey(),
    new Uint8Array(200),
  );
  await rejectsWith(
    openManifest(fileKey, forged, { fileId, revision: 2 }, trusted),
    DecryptionError,
    'manifest under a hub-chosen key',
  );
});

// Both readers: the streamed one, and the one that returns a small file's bytes in one buffer.
for (const [how, decrypt] of [
  ['streamed', (c: DecryptableContent, f: FetchChunk) => collect(decryptContent(c, f))],
  ['in one buffer', (c: DecryptableContent, f: FetchChunk) => decryptWhole(c, f)],
] as const) {
  test(`chunks reordered, truncated, extended or spliced from another file are rejected (${how})`, async () => {
    const data = crypto.getRandomValues(new Uint8Array(4000));
    const fileId = newNodeId();
    const { store, order, summary } = await encryptToStore(data, fileId, 1, 1024);
    const content = { ...summary, fileId, revision: 1 };
    const get = (id: ChunkId) => (store.get(id) as Uint8Array).slice();
    const read = (c: typeof content) => decrypt(c, async (ref) => get(ref.id));

    // A host that serves chunk 2 in place of chunk 1.
    await rejectsWith(
      decrypt(content, async (ref, i) => get((i === 1 ? order[2] : ref.id) as ChunkId)),
      IntegrityError,
      'host swaps chunks',
    );
    // Someone who rewrites the chunk list itself (bypassing the signed manifest) is still caught
    // by the AEAD: index, last flag, file and revision are bound into each chunk.
    const swapped = [...summary.chunks];
    [swapped[1], swapped[2]] = [
      swapped[2] as (typeof swapped)[0],
      swapped[1] as (typeof swapped)[0],
    ];
    await rejectsWith(read({ ...content, chunks: swapped }), DecryptionError, 'reordered list');
    await rejectsWith(
      read({ ...content, chunks: summary.chunks.slice(0, 2), size: 2048 }),
      DecryptionError,
      'truncated after a full chunk',
    );
    const other = await encryptToStore(
      crypto.getRandomValues(new Uint8Array(4000)),
      newNodeId(),
      1,
      1024,
    );
    for (const [id, bytes] of other.store) store.set(id, bytes);
    const spliced = [...summary.chunks];
    spliced[1] = other.summary.chunks[1] as (typeof spliced)[0];
    await rejectsWith(
      read({ ...content, chunks: spliced }),
      DecryptionError,
      'chunk spliced from another file',
    );
    await rejectsWith(
      read({ ...content, revision: 2 }),
      DecryptionError,
      'chunks replayed as another revision',
    );

    // Extension: the original final chunk carries the last flag, so a chunk appended after it
    // (even one made with the same content key) breaks it.
    const { chunks, summary: longer } = encryptContent(new Uint8Array(5000), {
      fileId,
      revision: 1,
      chunkSize: 1024,
      contentKey: summary.contentKey,
    });
    for await (const c of chunks as unknown as AsyncIterable<{ id: ChunkId; bytes: Uint8Array }>)
      store.set(c.id, c.bytes.slice());
    const appended = (await longer).chunks[4] as (typeof summary.chunks)[0];
    await rejectsWith(
      read({ ...content, chunks: [...summary.chunks, appended], size: 4000 + 904 }),
      DecryptionError,
      'extended with a chunk',
    );
  });
}

test('a reader who holds the file key cannot forge the author\u2019s manifest', async () => {
  const author = generateIdentity();
  const reader = generateIdentity();
  const fileKey = newFileKey();
  const fileId = newNodeId();
  const trusted = same(author.signingPublic);
  const { summary } = await encryptToStore(new Uint8Array(100), fileId, 1, 1024);
  const genuine = await sealManifest(
    fileKey,
    { ...summary, fileId, revision: 1, createdAt: 1 },
    author,
  );
  const ok = await openManifest(fileKey, genuine, { fileId, revision: 1 }, trusted);
  assert.equal(ok.size, 100);

  // The reader decrypts the genuine manifest, changes the content (here: the size and hash
  // of a file they made), keeps the author's signature and re-encrypts under the file key.
  const { openEnvelope } = await import('../src/envelope.ts');
  const spec = {
    format: 'manifest' as const,
    purpose: 'manifest',
    context: [Buffer.from(fileId, 'hex'), 1],
  };
  const plain = await openEnvelope(spec, fileKey, genuine);
  const tampered = plain.slice();
  tampered[100] = (tampered[100] as number) ^ 0xff;
  const resealed = await sealEnvelope(spec, fileKey, tampered);
  await rejectsWith(
    openManifest(fileKey, resealed, { fileId, revision: 1 }, trusted),
    IntegrityError,
    'edited body, original signature',
  );

  // Their own signature on a new manifest is valid, but they are not a writer.
  const own = await sealManifest(
    fileKey,
    { ...summary, fileId, revision: 1, createdAt: 2 },
    reader,
  );
  await rejectsWith(
    openManifest(fileKey, own, { fileId, revision: 1 }, trusted),
    IntegrityError,
    'signed by the reader',
  );

  // The genuine signed manifest replayed as another revision or another file.
  const asRev2 = await sealEnvelope(
    { ...spec, context: [Buffer.from(fileId, 'hex'), 2] },
    fileKey,
    plain,
  );
  await rejectsWith(
    openManifest(fileKey, asRev2, { fileId, revision: 2 }, trusted),
    IntegrityError,
    'replayed as revision 2',
  );
});

test('key commitment: an envelope whose ciphertext is valid under one key and commitment under another opens under neither', async () => {
  // GCM alone is not key-committing: with GHASH algebra one ciphertext can be made to verify
  // under several keys (the partitioning-oracle attack on password-protected objects). The
  // envelope stores an HKDF commitment to its key and checks it before the AEAD.
  const spec = { format: 'wrappedKey' as const, purpose: 'test', context: [] };
  const salt = new Uint8Array(32).fill(3);
  const k1 = newFileKey();
  const k2 = newFileKey();
  const e1 = await sealEnvelope(spec, k1, new Uint8Array(32), salt);
  const e2 = await sealEnvelope(spec, k2, new Uint8Array(32), salt);
  const hybrid = Buffer.concat([e2.subarray(0, 36), e1.subarray(36, 68), e2.subarray(68)]);
  const { openEnvelope } = await import('../src/envelope.ts');
  assert.deepEqual(await openEnvelope(spec, k2, e2), new Uint8Array(32));
  await rejectsWith(
    openEnvelope(spec, k2, hybrid),
    DecryptionError,
    'AEAD valid, commitment of another key',
  );
  await rejectsWith(
    openEnvelope(spec, k1, hybrid),
    DecryptionError,
    'commitment valid, AEAD of another key',
  );
});
