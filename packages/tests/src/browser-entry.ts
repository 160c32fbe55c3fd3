// Bundled for Chromium by test/browser.test.ts: the SDK against a real network, in a browser.
import { CofferClient, IntegrityError } from '@coffer/sdk';

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    parts.push(value);
  }
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const same = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

async function roundTrip(hubUrl: string) {
  const steps: string[] = [];
  const { client, recoveryKey } = await CofferClient.signup({
    hubUrl,
    email: 'browser@example.com',
    password: 'browser password',
  });
  steps.push(`signed up (${recoveryKey.length} character recovery key)`);
  // Incompressible test bytes from xorshift; only packages/crypto touches real randomness.
  const big = new Uint8Array(9 * 1024 * 1024);
  let x = 2463534242;
  for (let i = 0; i < big.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    big[i] = x & 255;
  }
  let progress = 0;
  await client.upload('/browser/big.bin', big, {
    parents: true,
    onProgress: (p) => (progress = p.bytesDone),
  });
  steps.push(`uploaded ${progress} bytes`);
  await client.uploadMany(
    Array.from({ length: 30 }, (_, i) => ({
      path: `/browser/small/${i}.txt`,
      bytes: new TextEncoder().encode(`note ${i}`),
    })),
    { parents: true },
  );
  const again = await CofferClient.login({
    hubUrl,
    email: 'browser@example.com',
    password: 'browser password',
  });
  const { stream } = await again.download('/browser/big.bin');
  if (!same(await readAll(stream), big)) throw new Error('big file differs after the round trip');
  const range = await again.download('/browser/big.bin', {
    range: { start: 5_000_000, end: 5_000_100 },
  });
  if (!same(await readAll(range.stream), big.subarray(5_000_000, 5_000_100)))
    throw new Error('range differs');
  const small = await again.download('/browser/small/17.txt');
  const text = new TextDecoder().decode(await readAll(small.stream));
  if (text !== 'note 17') throw new Error(`small file reads ${text}`);
  steps.push('downloaded and compared');
  const names = (await again.list('/browser/small')).map((e) => e.name);
  steps.push(`listed ${names.length} small files`);
  return { steps, typedErrors: typeof IntegrityError === 'function' };
}

declare global {
  interface Window {
    cofferRoundTrip: typeof roundTrip;
  }
}
window.cofferRoundTrip = roundTrip;
