import assert from 'node:assert/strict';
import { test } from 'node:test';
import { base32 } from '@scure/base';
import {
  newTotpRecoveryCode,
  newTotpSecret,
  openTotpSecret,
  sealTotpSecret,
  TOTP_SECRET_BYTES,
  totpCode,
  totpMatch,
  totpRecoveryCodeHash,
  totpStep,
  totpUri,
} from '../src/server.ts';

// RFC 6238, appendix B: the SHA-1 seed is the ASCII "12345678901234567890".
const RFC_SECRET = base32.encode(new TextEncoder().encode('12345678901234567890'));

test('RFC 6238 SHA-1 vectors, as 6-digit codes', () => {
  const vectors: [number, string][] = [
    [59, '94287082'],
    [1111111109, '07081804'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
  ];
  for (const [seconds, eight] of vectors) {
    assert.equal(totpCode(RFC_SECRET, seconds * 1000), eight.slice(2));
  }
});

test('codes one step early or late match, with their step; two steps off do not', () => {
  const secret = newTotpSecret();
  const now = 1_800_000_015_000;
  const step = totpStep(now);
  assert.equal(totpMatch(secret, totpCode(secret, now), now), step);
  assert.equal(totpMatch(secret, totpCode(secret, now - 30_000), now), step - 1);
  assert.equal(totpMatch(secret, totpCode(secret, now + 30_000), now), step + 1);
  assert.equal(totpMatch(secret, totpCode(secret, now + 60_000), now), null);
  assert.equal(totpMatch(secret, 'abcdef', now), null);
  assert.equal(totpMatch(secret, '1234567', now), null);
});

test('a secret has 160 bits and its URI says SHA-1, 6 digits, 30 s', () => {
  const secret = newTotpSecret();
  assert.equal(TOTP_SECRET_BYTES, 20);
  assert.equal(base32.decode(`${secret}====`.slice(0, 32)).length, 20);
  assert.notEqual(newTotpSecret(), secret);
  const uri = new URL(totpUri(secret, 'Coffer', 'ana@example.com'));
  assert.equal(uri.protocol, 'otpauth:');
  assert.equal(uri.host, 'totp');
  assert.equal(uri.searchParams.get('secret'), secret);
  assert.equal(uri.searchParams.get('algorithm'), 'SHA1');
  assert.equal(uri.searchParams.get('digits'), '6');
  assert.equal(uri.searchParams.get('period'), '30');
  assert.equal(uri.searchParams.get('issuer'), 'Coffer');
});

test('sealed secrets open only for their account under their key', async () => {
  const key = new Uint8Array(32).fill(7);
  const secret = newTotpSecret();
  const sealed = await sealTotpSecret(key, 'a'.repeat(32), secret);
  assert.ok(!sealed.includes(secret));
  assert.equal(await openTotpSecret(key, 'a'.repeat(32), sealed), secret);
  await assert.rejects(openTotpSecret(key, 'b'.repeat(32), sealed), { code: 'auth' });
  await assert.rejects(openTotpSecret(new Uint8Array(32), 'a'.repeat(32), sealed), {
    code: 'auth',
  });
});

test('recovery codes: 80 bits, hashed per account, typed in any case and with spaces', async () => {
  const code = newTotpRecoveryCode();
  assert.match(code, /^[0-9a-z]{4}(-[0-9a-z]{4}){3}$/);
  assert.notEqual(newTotpRecoveryCode(), code);
  const hash = await totpRecoveryCodeHash('a'.repeat(32), code);
  assert.equal(
    await totpRecoveryCodeHash('a'.repeat(32), ` ${code.toUpperCase().replaceAll('-', ' ')} `),
    hash,
  );
  assert.notEqual(await totpRecoveryCodeHash('b'.repeat(32), code), hash);
});
