import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromBase64Url, toBase64Url } from '@coffer/crypto';
import fc from 'fast-check';
import { b64Bytes, isBase64Url } from '../src/schemas.ts';

// The hub must accept exactly the base64url its clients decode ([Note: Stored fields]).

const decodes = (s: string) => {
  try {
    fromBase64Url(s, 'x');
    return true;
  } catch {
    return false;
  }
};

test('isBase64Url agrees with the decoder clients use, on any string', () => {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=. ';
  fc.assert(
    fc.property(
      fc.string({ unit: fc.constantFrom(...chars), maxLength: 40 }),
      (s) => isBase64Url(s) === decodes(s),
    ),
    { numRuns: 5000 },
  );
  fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => isBase64Url(toBase64Url(b))));
  // Stray bits in the last character: decoders refuse them.
  assert.equal(isBase64Url('AB'), false);
  assert.equal(isBase64Url('AA'), true);
});

test('b64Bytes takes exactly the sizes it names, and says so', () => {
  const key = b64Bytes(116);
  assert.ok(key.safeParse(toBase64Url(new Uint8Array(116))).success);
  for (const n of [0, 115, 117, 119]) {
    const r = key.safeParse(toBase64Url(new Uint8Array(n)));
    assert.equal(r.success, false, `${n} bytes`);
    assert.match(r.error?.issues[0]?.message ?? '', /expected 116 bytes of base64url/);
  }
  const two = b64Bytes(117, 142);
  assert.ok(two.safeParse(toBase64Url(new Uint8Array(117))).success);
  assert.ok(two.safeParse(toBase64Url(new Uint8Array(142))).success);
  assert.equal(two.safeParse(toBase64Url(new Uint8Array(130))).success, false);
});
