// The Node platform checked against second implementations: WebCrypto (as Node ships it),
// @noble/hashes, and node:crypto's own Ed25519 and X25519.
import assert from 'node:assert/strict';
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  hkdfSync,
  randomBytes,
  verify,
  webcrypto,
} from 'node:crypto';
import { test } from 'node:test';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { platform } from '../src/platform/node.ts';
import { signWithLabel } from '../src/sign.ts';
import type { SigningSecretKey } from '../src/types.ts';

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });

test('AES-256-GCM agrees with WebCrypto', async () => {
  await fc.assert(
    fc.asyncProperty(
      bytes(32),
      bytes(12),
      fc.uint8Array({ maxLength: 64 }),
      fc.uint8Array({ maxLength: 3000 }),
      async (key, iv, aad, pt) => {
        const k = await webcrypto.subtle.importKey('raw', key, 'AES-GCM', false, ['encrypt']);
        const reference = new Uint8Array(
          await webcrypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad }, k, pt),
        );
        const ours = await platform.aesGcmEncrypt(key, iv, aad, pt);
        assert.deepEqual(ours, reference);
        assert.deepEqual(await platform.aesGcmDecrypt(key, iv, aad, ours), pt);
      },
    ),
  );
});

test('HKDF-SHA256 and SHA-256 agree with @noble/hashes', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uint8Array({ maxLength: 80 }),
      fc.uint8Array({ maxLength: 40 }),
      fc.uint8Array({ maxLength: 40 }),
      fc.integer({ min: 1, max: 96 }),
      async (ikm, salt, info, n) => {
        assert.deepEqual(
          await platform.hkdfSha256(ikm, salt, info, n),
          hkdf(sha256, ikm, salt, info, n),
        );
        assert.deepEqual(await platform.sha256(ikm), sha256(ikm));
      },
    ),
  );
  assert.equal(hkdfSync('sha256', 'a', 'b', 'c', 8).byteLength, 8);
});

test('chunk sealing agrees with a plain AES-GCM and SHA-256 of the same bytes', async () => {
  const key = new Uint8Array(32).fill(9);
  const iv = new Uint8Array(12).fill(1);
  const header = Uint8Array.of(0x43, 0x46, 0x43, 1);
  const plaintext = new Uint8Array(randomBytes(300_000));
  const buffer = new Uint8Array(4 + plaintext.length + 16);
  buffer.set(plaintext, 4);
  const r = await platform.sealChunk({
    key,
    iv,
    aad: header,
    header,
    buffer,
    plaintextLength: plaintext.length,
  });
  const k = await webcrypto.subtle.importKey('raw', key, 'AES-GCM', false, ['encrypt']);
  const ct = new Uint8Array(
    await webcrypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: header }, k, plaintext),
  );
  assert.deepEqual(r.object, new Uint8Array(Buffer.concat([header, ct])));
  assert.deepEqual(r.id, new Uint8Array(createHash('sha256').update(r.object).digest()));
  assert.deepEqual(r.plaintextHash, sha256(plaintext));
});

test('Ed25519 signatures from @noble/curves verify with node:crypto, and X25519 agrees', () => {
  fc.assert(
    fc.property(
      bytes(32),
      fc.uint8Array({ maxLength: 200 }),
      bytes(32),
      bytes(32),
      (seed, msg, xa, xb) => {
        const sig = signWithLabel('test', msg, seed as SigningSecretKey);
        const spki = Buffer.concat([
          Buffer.from('302a300506032b6570032100', 'hex'),
          ed25519.getPublicKey(seed),
        ]);
        const label = Buffer.concat([Buffer.from('coffer/v1/test\u0000'), msg]);
        assert.ok(
          verify(null, label, createPublicKey({ key: spki, format: 'der', type: 'spki' }), sig),
        );
        const pkcs8 = (k: Uint8Array) =>
          createPrivateKey({
            key: Buffer.concat([Buffer.from('302e020100300506032b656e04220420', 'hex'), k]),
            format: 'der',
            type: 'pkcs8',
          });
        const pub = (k: Uint8Array) =>
          createPublicKey({
            key: Buffer.concat([
              Buffer.from('302a300506032b656e032100', 'hex'),
              x25519.getPublicKey(k),
            ]),
            format: 'der',
            type: 'spki',
          });
        const ours = x25519.getSharedSecret(xa, x25519.getPublicKey(xb));
        assert.deepEqual(
          new Uint8Array(diffieHellman({ privateKey: pkcs8(xa), publicKey: pub(xb) })),
          ours,
        );
      },
    ),
    { numRuns: 30 },
  );
});

test('random bytes from the pool are never handed out twice, small or large', () => {
  const seen = new Set<string>();
  // More than a pool's worth, so it is refilled on the way; sizes across the pooled limit.
  for (let i = 0; i < 2000; i++) {
    const length = [16, 32, 64, 65, 1][i % 5] as number;
    const b = platform.randomBytes(length);
    assert.equal(b.length, length);
    if (length >= 16) {
      const hex = Buffer.from(b).toString('hex');
      assert.ok(!seen.has(hex), `value ${i} repeated`);
      seen.add(hex);
    }
  }
  // Each value is a copy: changing one leaves the next untouched.
  const a = platform.randomBytes(32);
  a.fill(0);
  assert.notDeepEqual(platform.randomBytes(32), new Uint8Array(32));
});
