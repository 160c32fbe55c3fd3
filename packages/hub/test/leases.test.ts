import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import {
  LEASE_MS,
  LeaseKeeper,
  leaseHolders,
  releaseLease,
  takeLease,
} from '../src/services/leases.ts';
import { testDatabases } from './databases.ts';

// [Note: Leases]: one holder at a time, renewal by the holder, takeover once expired, release,
// and a keeper that stops counting itself the holder when it cannot renew.

for (const d of await testDatabases()) {
  describe(`leases on ${d.kind}`, () => {
    after(() => d.drop());

    test('one holder at a time; the holder renews; another takes over only once it expired', async () => {
      const db = await d.open();
      try {
        const t = 1_000_000;
        assert.equal(await takeLease(db.kysely, 'repair', 'a', t), true);
        assert.equal(await takeLease(db.kysely, 'repair', 'b', t + 1), false);
        assert.equal(await takeLease(db.kysely, 'repair', 'a', t + 5_000), true);
        // Renewed at t + 5 s: still a's at t + 15 s, b's after t + 20 s.
        assert.equal(await takeLease(db.kysely, 'repair', 'b', t + LEASE_MS), false);
        assert.equal(await takeLease(db.kysely, 'repair', 'b', t + 5_000 + LEASE_MS + 1), true);
        assert.equal(await takeLease(db.kysely, 'repair', 'a', t + 5_000 + LEASE_MS + 2), false);
        // Other leases are independent.
        assert.equal(await takeLease(db.kysely, 'gc', 'a', t), true);
        const held = await leaseHolders(db.kysely, t + 5_000 + LEASE_MS + 2);
        assert.deepEqual(
          held.map((h) => [h.name, h.holder]),
          [['repair', 'b']],
        );
        // Released: free at once.
        await releaseLease(db.kysely, 'repair', 'a'); // not a's: nothing happens
        assert.equal(await takeLease(db.kysely, 'repair', 'c', t + 5_000 + LEASE_MS + 3), false);
        await releaseLease(db.kysely, 'repair', 'b');
        assert.equal(await takeLease(db.kysely, 'repair', 'c', t + 5_000 + LEASE_MS + 3), true);
      } finally {
        await db.close();
      }
    });

    test('many takers at once: exactly one wins', async () => {
      const db = await d.open();
      try {
        const wins = await Promise.all(
          Array.from({ length: 20 }, (_, i) => takeLease(db.kysely, 'audits', `p${i}`, 5_000)),
        );
        assert.equal(wins.filter(Boolean).length, 1);
      } finally {
        await db.close();
      }
    });

    test('a keeper holds its leases, another keeper none; stopping hands them over', async () => {
      const db = await d.open();
      let now = 2_000_000;
      const clock = () => now;
      const first = new LeaseKeeper(db.kysely, ['repair', 'gc'], clock, () => {});
      const second = new LeaseKeeper(db.kysely, ['repair', 'gc'], clock, () => {});
      try {
        await first.start();
        await second.start();
        assert.deepEqual(first.held(), ['repair', 'gc']);
        assert.deepEqual(second.held(), []);
        // A keeper that has not renewed for LEASE_MS no longer counts itself the holder.
        now += LEASE_MS;
        assert.equal(first.holds('repair'), false);
        await first.stop();
        await second.renew();
        assert.deepEqual(second.held(), ['repair', 'gc']);
      } finally {
        await first.stop();
        await second.stop();
        await db.close();
      }
    });
  });
}
