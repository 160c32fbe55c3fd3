import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SigningSecretKey } from '@coffer/crypto';
import { signReceipt } from '@coffer/protocol';
import { sql } from 'kysely';
import type { Hub } from '../src/context.ts';
import type { Db } from '../src/db/index.ts';
import { foldStoredBytes } from '../src/services/stored-bytes.ts';
import { receiptsForUpload } from '../src/services/upload-receipts.ts';
import { addTestHosts, testDatabases, testHub } from './databases.ts';

// A host's stored_bytes must follow its replica records exactly: placement reads it as the
// space the host has left, and operators read it as what the network holds.

const hex = (n: number, chars: number) => n.toString(16).padStart(chars, '0');
const UPLOAD = hex(1, 32);

for (const database of await testDatabases()) {
  describe(`recording receipts on ${database.kind}`, () => {
    let db: Db;
    let hub: Hub;
    const hosts: { id: string; key: SigningSecretKey }[] = [];

    before(async () => {
      db = await database.open();
      hub = testHub(db.kysely);
      hosts.push(...(await addTestHosts(hub, ['FR', 'DE', 'ES', 'PT'])));
      await db.kysely
        .insertInto('uploads')
        .values({
          id: UPLOAD,
          account_id: hex(2, 32),
          request_id: null,
          created_at: hub.now(),
          expires_at: hub.now() + 3_600_000,
        })
        .execute();
    });
    after(async () => {
      await db.close();
      await database.drop();
    });

    /** Each host's stored bytes, and the sizes of the chunks its replica records name. */
    async function accounts() {
      await foldStoredBytes(db.kysely);
      const rows = await db.kysely
        .selectFrom('hosts as h')
        .leftJoin('chunk_replicas as r', 'r.host_id', 'h.id')
        .leftJoin('chunks as c', 'c.id', 'r.chunk_id')
        .select(['h.id', 'h.stored_bytes', sql<number>`coalesce(sum(c.size), 0)`.as('replicas')])
        .groupBy(['h.id', 'h.stored_bytes'])
        .orderBy('h.id')
        .execute();
      return rows.map((r) => ({
        host: r.id,
        stored: Number(r.stored_bytes),
        replicas: Number(r.replicas),
      }));
    }

    test('receipts sent at once for the same hosts: every byte is counted once', async () => {
      // Chunks of a file whose receipts the client sends as each chunk is stored, several at
      // once, each chunk on two hosts in another order, as placement chose them.
      const chunks = Array.from({ length: 24 }, (_, i) => ({
        id: hex(1000 + i, 64),
        size: 1000 + i,
        on: [hosts[i % 4], hosts[(i + 1 + (i % 2)) % 4]].map((h) => h as (typeof hosts)[0]),
      }));
      await db.kysely
        .insertInto('upload_chunks')
        .values(
          chunks.map((c) => ({ upload_id: UPLOAD, chunk_id: c.id, size: c.size, policy: null })),
        )
        .execute();
      const at = hub.now();
      // Folds of the ledger run meanwhile, as the hub's periodic fold would.
      const results = await Promise.allSettled([
        ...chunks.map((c) =>
          receiptsForUpload(hub, UPLOAD, {
            receipts: c.on.map((h) =>
              signReceipt({ v: 1, host: h.id, chunk: c.id, size: c.size, at }, h.key),
            ),
          }),
        ),
        ...chunks.slice(0, 6).map(() => foldStoredBytes(db.kysely)),
      ]);
      assert.deepEqual(
        results.filter((r) => r.status === 'rejected'),
        [],
        'no receipt is refused',
      );
      const counted = await accounts();
      assert.deepEqual(
        counted.map((h) => h.stored),
        counted.map((h) => h.replicas),
      );
      assert.equal(
        counted.reduce((s, h) => s + h.stored, 0),
        2 * chunks.reduce((s, c) => s + c.size, 0),
      );
    });

    test('a receipt sent again counts nothing more', async () => {
      const before = await accounts();
      const chunk = hex(1000, 64);
      const h = hosts[0] as (typeof hosts)[0];
      const receipt = signReceipt({ v: 1, host: h.id, chunk, size: 1000, at: hub.now() }, h.key);
      await Promise.all([
        receiptsForUpload(hub, UPLOAD, { receipts: [receipt] }),
        receiptsForUpload(hub, UPLOAD, { receipts: [receipt] }),
      ]);
      assert.deepEqual(await accounts(), before);
    });
  });
}
