import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { clientErrorLog, forLog, isBrokenBody } from '../src/client-errors.ts';

describe('client-error log', () => {
  const setup = (o: { burst?: number; totalBurst?: number; maxAddresses?: number } = {}) => {
    const lines: string[] = [];
    let now = 0;
    const log = clientErrorLog((l) => lines.push(l), { refillMs: 1000, now: () => now, ...o });
    return { lines, log, advance: (ms: number) => (now += ms) };
  };

  test('lets a burst through per address, then counts what it drops and says so later', () => {
    const { lines, log, advance } = setup({ burst: 3 });
    for (let i = 0; i < 10; i++) log('10.0.0.1', `bad ${i}`);
    assert.deepEqual(lines, [
      'client error from 10.0.0.1: bad 0',
      'client error from 10.0.0.1: bad 1',
      'client error from 10.0.0.1: bad 2',
    ]);
    // Another address has its own bucket.
    log('10.0.0.2', 'other');
    assert.equal(lines.at(-1), 'client error from 10.0.0.2: other');
    advance(1000);
    log('10.0.0.1', 'again');
    assert.deepEqual(lines.slice(-2), [
      'client error from 10.0.0.1: 7 more lines suppressed',
      'client error from 10.0.0.1: again',
    ]);
    log('10.0.0.1', 'dropped');
    assert.equal(lines.length, 6);
  });

  test('many addresses together are capped too, and forgotten addresses do not pile up', () => {
    const { lines, log } = setup({ burst: 5, totalBurst: 20, maxAddresses: 100 });
    for (let i = 0; i < 1000; i++) log(`10.0.${i >> 8}.${i & 255}`, 'bad');
    assert.equal(lines.length, 20);
  });

  test('what a client sent cannot forge lines or make them long', () => {
    const { lines, log } = setup();
    log('1.2.3.4', forLog(`/api/x\nclient error from 9.9.9.9: fake${'a'.repeat(500)}`));
    assert.equal(lines.length, 1);
    assert.ok(!lines[0]?.includes('\n'));
    assert.ok((lines[0]?.length ?? 0) < 200);
  });

  test('knows a body the client broke off from a server bug', () => {
    assert.ok(isBrokenBody(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
    assert.ok(isBrokenBody(Object.assign(new Error('x'), { code: 'HPE_INVALID_CHUNK_SIZE' })));
    assert.ok(!isBrokenBody(new Error('boom')));
    assert.ok(!isBrokenBody(new TypeError("Cannot read properties of undefined (reading 'x')")));
  });
});
