import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { parseBandwidth } from '../src/bandwidth.ts';
import { parseTags } from '../src/tags.ts';
import { Direction, TokenBucket, Traffic } from '../src/throttle.ts';

describe('TokenBucket', () => {
  test('lets a burst through, then paces at the rate, with debt shared in order', () => {
    let now = 0;
    const b = new TokenBucket(1000, 500, () => now);
    assert.equal(b.reserve(500), 0); // the burst
    assert.equal(b.reserve(100), 100); // 100 bytes of debt at 1000 B/s
    assert.equal(b.reserve(100), 200); // queued behind the first
    now = 200; // the debt is paid
    assert.equal(b.reserve(0), 0);
    now = 10_000; // idle: refills to the burst, never beyond
    assert.equal(b.reserve(500), 0);
    assert.equal(b.reserve(1), 1);
  });

  test('a stream through a 256 KiB/s direction takes as long as the limit says', async () => {
    const rate = 256 * 1024;
    const d = new Direction(new TokenBucket(rate, 64 * 1024));
    const pieces = Array.from({ length: 12 }, () => Buffer.alloc(16 * 1024, 7));
    const started = performance.now();
    let got = 0;
    for await (const piece of d.pass(Readable.from(pieces))) got += piece.length;
    const seconds = (performance.now() - started) / 1000;
    assert.equal(got, 12 * 16 * 1024);
    assert.equal(d.bytes, got);
    // 192 KiB with a 64 KiB burst: at least 128 KiB at 256 KiB/s, 0.5 s.
    assert.ok(seconds >= 0.45, `took ${seconds} s`);
    assert.ok(d.waitedMs > 0);
  });

  test('no limit: counts, never waits', () => {
    const t = new Traffic(null);
    assert.equal(t.in.take(1 << 30), undefined);
    assert.equal(t.in.bytes, 1 << 30);
    assert.equal(t.out.bytes, 0);
  });
});

describe('parseBandwidth', () => {
  test('bytes, binary bytes and bits', () => {
    assert.equal(parseBandwidth('10MB/s'), 10_000_000);
    assert.equal(parseBandwidth('8MiB/s'), 8 * 2 ** 20);
    assert.equal(parseBandwidth('100Mbit/s'), 12_500_000);
    assert.equal(parseBandwidth('100Mbps'), 12_500_000);
    assert.equal(parseBandwidth('1Gbit/s'), 125_000_000);
    assert.equal(parseBandwidth('10MBps'), 10_000_000);
    assert.equal(parseBandwidth('1.5 MB/s'), 1_500_000);
    assert.equal(parseBandwidth('500kB/s'), 500_000);
    assert.equal(parseBandwidth('20M'), 20 * 2 ** 20);
    assert.equal(parseBandwidth('1048576'), 2 ** 20);
  });

  test('refuses with the flag named and what was expected', () => {
    const refuses = (text: string, re: RegExp) =>
      assert.throws(
        () => parseBandwidth(text),
        (e: Error) => {
          assert.match(e.message, /^--bandwidth: /);
          assert.match(e.message, re);
          return true;
        },
      );
    refuses('fast', /expected a rate such as 10MB\/s/);
    refuses('10XB/s', /expected a rate/);
    refuses('', /expected a rate/);
    refuses('-5MB/s', /expected a rate/);
    refuses('10Mb/s', /ambiguous: write 10MB\/s for bytes or 10Mbit\/s for bits/);
    refuses('10kb', /ambiguous/);
    refuses('100KB/s', /at least 256KiB\/s/);
    refuses('0', /at least/);
  });
});

describe('parseTags', () => {
  test('key=value pairs', () => {
    assert.deepEqual(parseTags(['power=solar', 'tier=home', 'rack.id=r-1_a']), {
      power: 'solar',
      tier: 'home',
      'rack.id': 'r-1_a',
    });
    assert.deepEqual(parseTags(undefined), {});
  });

  test('refuses bad tags, naming --tag', () => {
    const refuses = (list: string[], re: RegExp) =>
      assert.throws(
        () => parseTags(list),
        (e: Error) => {
          assert.match(e.message, /^--tag: /);
          assert.match(e.message, re);
          return true;
        },
      );
    refuses(['power'], /expected key=value/);
    refuses(['Power=solar'], /the key of "Power=solar": expected 1-32 characters of a-z/);
    refuses(['power=sol ar'], /the value of/);
    refuses(['power='], /the value of/);
    refuses([`k=${'x'.repeat(33)}`], /the value of/);
    refuses(['a=1', 'a=2'], /"a" is given twice/);
    refuses(
      Array.from({ length: 17 }, (_, i) => `k${i}=v`),
      /at most 16 tags, got 17/,
    );
  });
});
