import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { ChunkRef } from '../src/content.ts';
import {
  buildPack,
  chunkContextOf,
  decryptContent,
  decryptMetadata,
  encryptContent,
  encryptMetadata,
  encryptSmall,
  generateIdentity,
  hashContent,
  newFileKey,
  newFolderKey,
  newLinkId,
  newLinkSecret,
  newNodeId,
  openLink,
  openManifest,
  openSealed,
  parseAccountId,
  sealManifest,
  sealToRecipient,
  sliceFromPack,
  unwrapNodeKey,
  wrapForLink,
  wrapNodeKey,
} from '../src/index.ts';
import { collect, encryptToStore } from './helpers.ts';

const runs = { numRuns: 40 };

test('a node key wrapped under its parent unwraps to the same key, for any place in the tree', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('file' as const, 'folder' as const),
      fc.nat({ max: 0xffffffff }),
      async (kind, keyVersion) => {
        const parent = newFolderKey();
        const child = kind === 'file' ? newFileKey() : newFolderKey();
        const place = { nodeId: newNodeId(), parentId: newNodeId(), kind, keyVersion };
        const wrapped = await wrapNodeKey(parent, child, place);
        assert.deepEqual(await unwrapNodeKey(parent, wrapped, place), child);
      },
    ),
    runs,
  );
});

test('metadata round-trips any valid name, and its length leaks only in 64-byte steps', async () => {
  const name = fc
    .string({ minLength: 1, maxLength: 80, unit: 'grapheme' })
    .filter((n) => n !== '.' && n !== '..' && !n.includes('/') && !n.includes('\u0000'));
  await fc.assert(
    fc.asyncProperty(name, fc.option(fc.nat(), { nil: undefined }), async (n, size) => {
      const key = newFileKey();
      const place = { nodeId: newNodeId(), kind: 'file' as const };
      const meta = size === undefined ? { name: n } : { name: n, size };
      const env = await encryptMetadata(key, meta, place);
      assert.deepEqual(await decryptMetadata(key, env, place), meta);
      assert.equal((env.length - 84) % 64, 0);
    }),
    runs,
  );
});

test('file content of any length and chunk size decrypts to the same bytes, whole and by range', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uint8Array({ minLength: 0, maxLength: 6000 }),
      fc.integer({ min: 1024, max: 3000 }),
      fc.nat(),
      fc.nat(),
      async (data, chunkSize, a, b) => {
        const fileId = newNodeId();
        const author = generateIdentity();
        const fileKey = newFileKey();
        const { store, summary } = await encryptToStore(data, fileId, 2, chunkSize);
        assert.equal(summary.size, data.length);
        assert.equal(summary.contentHash, await hashContent(data, chunkSize));
        const sealed = await sealManifest(
          fileKey,
          { ...summary, fileId, revision: 2, createdAt: 1 },
          author,
        );
        const m = await openManifest(fileKey, sealed, { fileId, revision: 2 }, () => true);
        const fetch = async (ref: { id: string }) =>
          (store.get(ref.id as never) as Uint8Array).slice();
        assert.deepEqual(await collect(decryptContent(m, fetch)), data);
        const start = data.length ? a % data.length : 0;
        const end = start + (data.length ? b % (data.length - start + 1) : 0);
        assert.deepEqual(
          await collect(decryptContent(m, fetch, { range: { start, end } })),
          data.subarray(start, end),
        );
      },
    ),
    runs,
  );
});

test('a small file encrypted in one step matches the streamed encryption and decrypts', async () => {
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 5000 }), async (data) => {
      const fileId = newNodeId();
      const small = await encryptSmall(data, { fileId, revision: 3 });
      const { chunks, summary } = encryptContent(data, {
        fileId,
        revision: 3,
        chunkSize: small.summary.chunkSize,
        contentKey: small.summary.contentKey,
      });
      const streamed = [];
      for await (const c of chunks as unknown as AsyncIterable<{ bytes: Uint8Array }>) {
        streamed.push(c.bytes.slice());
      }
      assert.deepEqual(streamed, [small.object.bytes]);
      assert.deepEqual(await summary, small.summary);
      const plain = decryptContent({ ...small.summary, fileId, revision: 3 }, async () =>
        small.object.bytes.slice(),
      );
      assert.deepEqual(await collect(plain), data);
    }),
    { numRuns: 25 },
  );
});

test('a file decrypts from one concatenated stream of its chunk objects', async () => {
  const data = crypto.getRandomValues(new Uint8Array(5000));
  const fileId = newNodeId();
  const { store, order, summary } = await encryptToStore(data, fileId, 0, 1024);
  const objects = order.map((id) => store.get(id) as Uint8Array);
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      // Arbitrary boundaries, as a network read would give.
      const all = Buffer.concat(objects);
      for (let i = 0; i < all.length; i += 777) c.enqueue(all.subarray(i, i + 777));
      c.close();
    },
  });
  assert.deepEqual(
    await collect(decryptContent({ ...summary, fileId, revision: 0 }, stream)),
    data,
  );
});

test('a large file streams through the worker pool and back unchanged', async () => {
  const data = crypto.getRandomValues(new Uint8Array(65536)).subarray(0);
  const big = new Uint8Array(9 * 1024 * 1024 + 5);
  for (let i = 0; i < big.length; i += data.length)
    big.set(data.subarray(0, Math.min(data.length, big.length - i)), i);
  const fileId = newNodeId();
  const { store, summary } = await encryptToStore(big, fileId, 1, 4 * 1024 * 1024);
  assert.equal(summary.chunks.length, 3);
  const out = await collect(
    decryptContent({ ...summary, fileId, revision: 1 }, async (ref) =>
      (store.get(ref.id) as Uint8Array).slice(),
    ),
  );
  assert.ok(Buffer.from(out).equals(Buffer.from(big)));
});

test('an adopted file\u2019s manifest names the origin its chunks were encrypted for, and they decrypt', async () => {
  const author = generateIdentity();
  const adopter = generateIdentity();
  const data = crypto.getRandomValues(new Uint8Array(3000));
  const originId = newNodeId();
  const { store, summary } = await encryptToStore(data, originId, 4, 1024);
  const copyId = newNodeId();
  const copyKey = newFileKey();
  const origin = { fileId: originId, revision: 4 };
  const sealed = await sealManifest(
    copyKey,
    { ...summary, fileId: copyId, revision: 1, createdAt: 5, origin },
    adopter,
  );
  const m = await openManifest(copyKey, sealed, { fileId: copyId, revision: 1 }, () => true);
  assert.deepEqual(m.origin, origin);
  assert.deepEqual(chunkContextOf(m), origin);
  const fetch = async (ref: ChunkRef) => (store.get(ref.id) as Uint8Array).slice();
  assert.deepEqual(await collect(decryptContent({ ...m, ...chunkContextOf(m) }, fetch)), data);
  // Without the origin, the chunks' AAD does not match the new file.
  await assert.rejects(collect(decryptContent({ ...m, fileId: copyId, revision: 1 }, fetch)));
  // A manifest without one reads as before.
  const plain = await sealManifest(
    copyKey,
    { ...summary, fileId: originId, revision: 4, createdAt: 5 },
    author,
  );
  const p = await openManifest(copyKey, plain, { fileId: originId, revision: 4 }, () => true);
  assert.equal(p.origin, undefined);
  assert.deepEqual(chunkContextOf(p), origin);
});

test('small files packed together decrypt from a range read of the pack', async () => {
  const files = await Promise.all(
    [10, 4096, 0].map(async (n) => {
      const fileId = newNodeId();
      const data = crypto.getRandomValues(new Uint8Array(n));
      return { fileId, data, ...(await encryptToStore(data, fileId, 0, 4 * 1024 * 1024)) };
    }),
  );
  const pack = await buildPack(
    files.map((f) => ({
      id: f.order[0] as never,
      bytes: f.store.get(f.order[0] as never) as Uint8Array,
    })),
  );
  for (const [i, f] of files.entries()) {
    const ref = pack.refs[i];
    assert.ok(ref?.pack);
    const content = { ...f.summary, chunks: [ref], fileId: f.fileId, revision: 0 };
    const fromRange = async () =>
      sliceFromPack(
        pack.bytes.slice(ref.pack?.offset, (ref.pack?.offset ?? 0) + ref.length),
        ref,
        true,
      );
    assert.deepEqual(await collect(decryptContent(content, fromRange)), f.data);
    assert.deepEqual(
      await collect(decryptContent(content, async () => sliceFromPack(pack.bytes, ref).slice())),
      f.data,
    );
  }
});

test('a key sealed to a recipient opens for that recipient with the sender verified', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uint8Array({ minLength: 0, maxLength: 100 }),
      fc.string(),
      async (payload, field) => {
        const alice = generateIdentity();
        const bob = generateIdentity();
        const ctx = {
          purpose: 'folder-share',
          senderId: parseAccountId('aa'.repeat(16)),
          recipientId: parseAccountId('bb'.repeat(16)),
          fields: [field],
        };
        const sealed = await sealToRecipient(
          payload,
          bob.agreementPublic,
          alice.signingSecret,
          ctx,
        );
        const opened = await openSealed(
          sealed,
          { secret: bob.agreementSecret, public: bob.agreementPublic },
          alice.signingPublic,
          ctx,
        );
        assert.deepEqual(opened, payload);
      },
    ),
    runs,
  );
});

test('a link opens with its secret, and with its password when it has one', async () => {
  const key = newFileKey();
  const secret = newLinkSecret();
  const place = { linkId: newLinkId(), nodeId: newNodeId(), kind: 'file' as const };
  assert.deepEqual(await openLink(await wrapForLink(key, secret, place), secret, place), key);
  const cheap = { t: 1, m: 8 * 1024, p: 1 };
  assert.deepEqual(
    await openLink(
      await wrapForLink(key, secret, place, 'hunter2', cheap),
      secret,
      place,
      'hunter2',
    ),
    key,
  );
});

test('a link with Argon2id parameters outside the safe bounds is refused when created', async () => {
  const { ValidationError } = await import('@coffer/errors');
  const place = { linkId: newLinkId(), nodeId: newNodeId(), kind: 'file' as const };
  await assert.rejects(
    wrapForLink(newFileKey(), newLinkSecret(), place, 'pw', { t: 1, m: 1024 * 1024, p: 1 }),
    ValidationError,
  );
});
