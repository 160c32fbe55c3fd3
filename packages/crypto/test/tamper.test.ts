// Every single-bit flip, swap, truncation and extension of every ciphertext and wrapped key is
// rejected with the right typed error: IntegrityError when a header, signature, id or structure
// check fails, DecryptionError when the AEAD refuses.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DecryptionError, IntegrityError } from '@coffer/errors';
import {
  type ChunkId,
  createKeyBundle,
  decryptContent,
  decryptMetadata,
  decryptWhole,
  encryptMetadata,
  generateIdentity,
  newAccountId,
  newFileKey,
  newFolderKey,
  newLinkId,
  newLinkSecret,
  newMasterKey,
  newNodeId,
  openLink,
  openManifest,
  openSealed,
  sealManifest,
  sealToRecipient,
  unwrapIdentity,
  unwrapNodeKey,
  verifyKeyBundle,
  wrapForLink,
  wrapIdentity,
  wrapNodeKey,
} from '../src/index.ts';
import { collect, encryptToStore, mutations } from './helpers.ts';

type Kind = typeof IntegrityError | typeof DecryptionError;

/** The error class a mutation must produce, given the envelope's layout. */
function envelopeExpectation(
  name: string,
  original: Uint8Array,
  mutated: Uint8Array,
  headerLength = 4,
): Kind {
  const flip = /^flip bit (\d+)$/.exec(name);
  if (flip && Number(flip[1]) < headerLength * 8) return IntegrityError;
  if (name === 'swap halves') return IntegrityError; // the header moves away from the front
  if (mutated.length < original.length && mutated.length < headerLength + 32 + 32 + 16)
    return IntegrityError;
  return DecryptionError;
}

async function expectAll(
  original: Uint8Array,
  open: (b: Uint8Array) => Promise<unknown>,
  expect: (name: string, m: Uint8Array) => Kind,
  sample?: number,
) {
  await open(original); // the untouched object opens
  let count = 0;
  for (const [name, m] of mutations(original, sample)) {
    const want = expect(name, m);
    await assert.rejects(open(m), (e: unknown) => {
      assert.ok(
        e instanceof want,
        `${name}: expected ${want.name}, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`,
      );
      return true;
    });
    count++;
  }
  assert.ok(count > 10);
}

test('every mutation of a wrapped node key is rejected', async () => {
  const parent = newFolderKey();
  const place = {
    nodeId: newNodeId(),
    parentId: newNodeId(),
    kind: 'folder' as const,
    keyVersion: 1,
  };
  const wrapped = await wrapNodeKey(parent, newFolderKey(), place);
  await expectAll(
    wrapped,
    (b) => unwrapNodeKey(parent, b, place),
    (n, m) => envelopeExpectation(n, wrapped, m),
  );
});

test('every mutation of encrypted metadata is rejected', async () => {
  const key = newFileKey();
  const place = { nodeId: newNodeId(), kind: 'file' as const };
  const env = await encryptMetadata(key, { name: 'taxes.pdf', size: 10 }, place);
  await expectAll(
    env,
    (b) => decryptMetadata(key, b, place),
    (n, m) => envelopeExpectation(n, env, m),
  );
});

test('every mutation of a wrapped private key is rejected', async () => {
  const master = newMasterKey();
  const account = newAccountId();
  const w = await wrapIdentity(master, generateIdentity(), account);
  await expectAll(
    w.signing,
    (b) => unwrapIdentity(master, { ...w, signing: b }, account),
    (n, m) => envelopeExpectation(n, w.signing, m),
  );
  await expectAll(
    w.agreement,
    (b) => unwrapIdentity(master, { ...w, agreement: b }, account),
    (n, m) => envelopeExpectation(n, w.agreement, m),
  );
});

test('every mutation of a sealed manifest is rejected', async () => {
  const fileId = newNodeId();
  const key = newFileKey();
  const author = generateIdentity();
  const { summary } = await encryptToStore(new Uint8Array(3000), fileId, 1, 1024);
  const env = await sealManifest(key, { ...summary, fileId, revision: 1, createdAt: 5 }, author);
  await expectAll(
    env,
    (b) => openManifest(key, b, { fileId, revision: 1 }, () => true),
    (n, m) => envelopeExpectation(n, env, m),
    600,
  );
});

test('every mutation of a chunk object is rejected as an integrity failure', async () => {
  const fileId = newNodeId();
  const data = crypto.getRandomValues(new Uint8Array(2500));
  const { store, order, summary } = await encryptToStore(data, fileId, 1, 1024);
  const target = order[1];
  assert.ok(target);
  const original = store.get(target) as Uint8Array;
  const fetch = (replacement: Uint8Array) => async (ref: { id: ChunkId }) =>
    ref.id === target ? replacement.slice() : (store.get(ref.id) as Uint8Array).slice();
  const content = { ...summary, fileId, revision: 1 };
  const read = (replacement: Uint8Array) => collect(decryptContent(content, fetch(replacement)));
  assert.deepEqual(await read(original), data);
  await expectAll(original, read, () => IntegrityError, 400);
  // The same through the reader that returns a small file in one buffer.
  const whole = (replacement: Uint8Array) => decryptWhole(content, fetch(replacement));
  assert.deepEqual(await whole(original), data);
  await expectAll(original, whole, () => IntegrityError, 400);
});

test('every mutation of a sealed box is rejected before decryption', async () => {
  const alice = generateIdentity();
  const bob = generateIdentity();
  const ctx = {
    purpose: 'folder-share',
    senderId: newAccountId(),
    recipientId: newAccountId(),
    fields: [],
  };
  const sealed = await sealToRecipient(
    newFolderKey(),
    bob.agreementPublic,
    alice.signingSecret,
    ctx,
  );
  const open = (b: Uint8Array) =>
    openSealed(
      b,
      { secret: bob.agreementSecret, public: bob.agreementPublic },
      alice.signingPublic,
      ctx,
    );
  await expectAll(sealed, open, () => IntegrityError);
});

test('every mutation of a key bundle is rejected', async () => {
  const account = newAccountId();
  const bundle = createKeyBundle(generateIdentity(), account, 1);
  await expectAll(
    bundle,
    async (b) => verifyKeyBundle(b, account),
    () => IntegrityError,
  );
});

test('every mutation of a link envelope is rejected', async () => {
  const secret = newLinkSecret();
  const place = { linkId: newLinkId(), nodeId: newNodeId(), kind: 'file' as const };
  const env = await wrapForLink(newFileKey(), secret, place);
  // The protection-mode byte right after the header is structure too.
  await expectAll(
    env,
    (b) => openLink(b, secret, place),
    (n, m) =>
      /^flip bit ([0-9]|[1-3][0-9])$/.test(n) ? IntegrityError : envelopeExpectation(n, env, m, 5),
  );
});
