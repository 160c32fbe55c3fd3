import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { after, describe, test } from 'node:test';
import { claimSqlite, SQLITE_LEASE } from '../src/roles.ts';
import { RENEW_MS, takeLease } from '../src/services/leases.ts';
import { testDatabases } from './databases.ts';

// [Note: One process on SQLite]: a holder whose pid is gone here is taken over once it has not
// renewed for a renewal interval; one that still renews (a process with the same host name in
// another container, whose pid this one cannot see) is not.

const [sqlite] = (await testDatabases()).filter((d) => d.kind === 'sqlite');

describe('the one-process lease on SQLite', () => {
  after(() => sqlite?.drop());

  /** A holder name on this host with a pid that is not running here. */
  const ghost = `${hostname()}:2147483646:ghost`;

  test('a holder with a dead pid that still renews keeps the file', async () => {
    const db = await sqlite?.open();
    assert.ok(db);
    try {
      assert.equal(await takeLease(db.kysely, SQLITE_LEASE, ghost, Date.now()), true);
      const renewing = setInterval(() => {
        void takeLease(db.kysely, SQLITE_LEASE, ghost, Date.now());
      }, RENEW_MS / 5);
      try {
        await assert.rejects(
          claimSqlite(db.kysely, 'me', '/data/hub.db', Date.now()),
          /another hub process \(.*ghost\) is using \/data\/hub\.db/,
        );
      } finally {
        clearInterval(renewing);
      }
      // It stops renewing (it died): the next start takes over without waiting for expiry.
      await claimSqlite(db.kysely, 'me', '/data/hub.db', Date.now());
      const row = await db.kysely
        .selectFrom('leases')
        .select('holder')
        .where('name', '=', SQLITE_LEASE)
        .executeTakeFirstOrThrow();
      assert.equal(row.holder, 'me');
    } finally {
      await db.close();
    }
  });
});
