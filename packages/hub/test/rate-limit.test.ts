import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RateLimitedError } from '@coffer/errors';
import type { Hub } from '../src/context.ts';
import type { Db } from '../src/db/index.ts';
import { rateLimit } from '../src/services/rate-limit.ts';
import { testDatabases, testHub } from './databases.ts';

for (const database of await testDatabases()) {
  describe(`rate limits on ${database.kind}`, () => {
    let db: Db;
    let hub: Hub;
    let now = 1_000_000;
    before(async () => {
      db = await database.open();
      hub = { ...testHub(db.kysely), now: () => now };
    });
    after(async () => {
      await db.close();
      await database.drop();
    });

    const attempt = (key: string) =>
      rateLimit(hub, key, 5, 60_000).then(
        () => 'allowed' as const,
        (e: unknown) => {
          if (e instanceof RateLimitedError) return e;
          throw e;
        },
      );

    test('max attempts per window; the next waits for the window to end', async () => {
      for (let i = 0; i < 5; i++) assert.equal(await attempt('a'), 'allowed');
      now += 20_000;
      const refused = await attempt('a');
      assert.ok(refused instanceof RateLimitedError);
      assert.equal(refused.retryAfterMs, 40_000);
      now += 40_000;
      assert.equal(await attempt('a'), 'allowed');
      assert.equal(await attempt('other'), 'allowed');
    });

    test('attempts at the same moment each count: no more than max get through', async () => {
      const outcomes = await Promise.all(Array.from({ length: 30 }, () => attempt('burst')));
      assert.equal(outcomes.filter((o) => o === 'allowed').length, 5);
    });
  });
}
