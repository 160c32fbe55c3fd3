import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConnectionError, RateLimitedError } from '@coffer/errors';
import { parseHubConfig } from '../src/config.ts';
import type { Hub } from '../src/context.ts';
import type { Db } from '../src/db/index.ts';
import {
  addressBucket,
  spendCodeAttempt,
  USER_CODE_DRAWS,
  withFreshUserCode,
} from '../src/services/app-limits.ts';
import { testDatabases, testHub } from './databases.ts';

// [Note: Guessing user codes]: client addresses by their /64, fresh user codes drawn until one
// is free, and the network's budget of failed look-ups on each database.

test('addressBucket: an IPv6 address by its /64, IPv4 as itself, anything else unchanged', () => {
  const same64 = [
    '2001:db8:1:2::1',
    '2001:0db8:0001:0002:ffff:ffff:ffff:ffff',
    '2001:DB8:1:2:3:4:5:6',
    '2001:db8:1:2::1.2.3.4',
    '2001:db8:1:2::7%eth0',
  ];
  for (const a of same64) assert.equal(addressBucket(a), '2001:db8:1:2::/64', a);
  assert.equal(addressBucket('2001:db8:1:3::1'), '2001:db8:1:3::/64');
  assert.equal(addressBucket('2001:db8::1'), '2001:db8:0:0::/64');
  assert.equal(addressBucket('::1'), '0:0:0:0::/64');
  assert.equal(addressBucket('fe80::1:2:3:4'), 'fe80:0:0:0::/64');
  assert.equal(addressBucket('1:2:3:4:5::'), '1:2:3:4::/64');
  assert.equal(addressBucket('203.0.113.7'), '203.0.113.7');
  assert.equal(addressBucket('::ffff:203.0.113.7'), '203.0.113.7');
  assert.equal(addressBucket('unknown'), 'unknown');
  assert.equal(addressBucket('2001:db8:::1'), '2001:db8:::1');
});

test('withFreshUserCode: draws again while the code is taken, then a retryable 503', async () => {
  const taken = new Set(['AAAA', 'BBBB']);
  const codes = ['AAAA', 'BBBB', 'CCCC'];
  const tried: string[] = [];
  const got = await withFreshUserCode(
    () => codes.shift() as string,
    async (code) => {
      tried.push(code);
      return taken.has(code) ? undefined : `inserted ${code}`;
    },
  );
  assert.equal(got, 'inserted CCCC');
  assert.deepEqual(tried, ['AAAA', 'BBBB', 'CCCC']);
  let draws = 0;
  await assert.rejects(
    withFreshUserCode(
      () => {
        draws++;
        return 'AAAA';
      },
      async () => undefined,
    ),
    (e) =>
      e instanceof ConnectionError && e.retryable && /userCode: no free user code/.test(e.message),
  );
  assert.equal(draws, USER_CODE_DRAWS);
});

for (const database of await testDatabases()) {
  describe(`the network's budget of failed user codes on ${database.kind}`, () => {
    let db: Db;
    let now = 1_000_000;
    let hub: Hub;
    before(async () => {
      db = await database.open();
      hub = {
        ...testHub(db.kysely),
        config: parseHubConfig({
          dataDir: '/nonexistent',
          apps: { failedCodes: 3, failedCodesWindowSeconds: 60 },
        }),
        now: () => now,
      };
    });
    after(async () => {
      await db.close();
      await database.drop();
    });

    test('failures spend it, look-ups that find their request give theirs back', async () => {
      for (let i = 0; i < 5; i++) await (await spendCodeAttempt(hub))();
      for (let i = 0; i < 3; i++) await spendCodeAttempt(hub);
      const spent = await spendCodeAttempt(hub).catch((e) => e);
      assert.ok(spent instanceof RateLimitedError, String(spent));
      assert.match(spent.message, /userCode: too many unknown codes/);
      assert.equal(spent.retryAfterMs, 60_000);
      // A new window, a new budget.
      now += 60_000;
      await spendCodeAttempt(hub);
    });
  });
}
