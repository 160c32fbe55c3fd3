import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SigningSecretKey } from '@coffer/crypto';
import { AuthError, ValidationError } from '@coffer/errors';
import { COPY_REPORT_LABEL, signMessage, signReceipt } from '@coffer/protocol';
import type { Hub } from '../src/context.ts';
import type { Db } from '../src/db/index.ts';
import { copyProgress, copyReport, createCopyJob } from '../src/services/copy-orders.ts';
import { foldStoredBytes } from '../src/services/stored-bytes.ts';
import { addTestHosts, testDatabases, testHub } from './databases.ts';

// Copy jobs ([Note: Direct copies]): a job counts what the destination holds already, and the
// destination's signed receipts, checked against its key, become replicas and progress.

const hex = (n: number, chars: number) => n.toString(16).padStart(chars, '0');
const chunk = (n: number) => ({ id: hex(n, 64), size: 1000 + n });

for (const database of await testDatabases()) {
  describe(`copy jobs on ${database.kind}`, () => {
    let db: Db;
    let hub: Hub;
    const hosts: { id: string; key: SigningSecretKey }[] = [];
    const nth = (i: number) => () => hosts[i] as (typeof hosts)[0];
    const [source, dest, other] = [nth(0), nth(1), nth(2)];

    before(async () => {
      db = await database.open();
      hub = testHub(db.kysely);
      hosts.push(...(await addTestHosts(hub, ['FR', 'DE', 'ES'])));
      const now = hub.now();
      for (let n = 1; n <= 4; n++) {
        const c = chunk(n);
        await db.kysely
          .insertInto('chunks')
          .values({ ...c, created_at: now })
          .execute();
        await db.kysely
          .insertInto('chunk_replicas')
          .values({ chunk_id: c.id, host_id: source().id, receipt: 'r', stored_at: now })
          .execute();
      }
      // The destination holds chunk 4 already.
      await db.kysely
        .insertInto('chunk_replicas')
        .values({ chunk_id: chunk(4).id, host_id: dest().id, receipt: 'r', stored_at: now })
        .execute();
    });
    after(async () => {
      await db.close();
      await database.drop();
    });

    const receipt = (by: (typeof hosts)[0], c: { id: string; size: number }, host = by.id) =>
      signReceipt({ v: 1, host, chunk: c.id, size: c.size, at: hub.now() }, by.key);
    const report = (by: (typeof hosts)[0], receipts: string[], finished = false) =>
      signMessage(
        COPY_REPORT_LABEL,
        { v: 1, host: by.id, at: hub.now(), order: hex(7, 32), receipts, failed: [], finished },
        by.key,
      );

    test('chunks the destination holds count as done; a job of only those is done at once', async () => {
      const job = await createCopyJob(hub, {
        source: source().id,
        destination: dest().id,
        chunks: [chunk(1), chunk(4)],
      });
      assert.equal(job.state, 'running');
      assert.deepEqual(job.chunks, { done: 1, total: 2 });
      assert.deepEqual(job.bytes, { done: chunk(4).size, total: chunk(1).size + chunk(4).size });
      const done = await createCopyJob(hub, {
        source: source().id,
        destination: dest().id,
        chunks: [chunk(4)],
      });
      assert.equal(done.state, 'done');
      assert.equal((await copyProgress(hub, done.id)).finishedAt, done.createdAt);
    });

    test("the destination's receipts become replicas and progress, and finish the job", async () => {
      const job = await createCopyJob(hub, {
        source: source().id,
        destination: dest().id,
        chunks: [chunk(2), chunk(3)],
      });
      assert.deepEqual(await copyReport(hub, report(dest(), [receipt(dest(), chunk(2))])), {
        recorded: 1,
      });
      assert.deepEqual((await copyProgress(hub, job.id)).chunks, { done: 1, total: 2 });
      // Again: nothing new.
      assert.deepEqual(await copyReport(hub, report(dest(), [receipt(dest(), chunk(2))])), {
        recorded: 0,
      });
      await copyReport(hub, report(dest(), [receipt(dest(), chunk(3))], true));
      const p = await copyProgress(hub, job.id);
      assert.equal(p.state, 'done');
      assert.deepEqual(p.bytes, { done: chunk(2).size + chunk(3).size, total: p.bytes.total });
      const rows = await db.kysely
        .selectFrom('copy_job_chunks')
        .select('chunk_id')
        .where('job_id', '=', job.id)
        .execute();
      assert.equal(rows.length, 0, 'a finished job keeps no chunk rows');
      await foldStoredBytes(db.kysely);
      const host = await db.kysely
        .selectFrom('hosts')
        .select('stored_bytes')
        .where('id', '=', dest().id)
        .executeTakeFirstOrThrow();
      assert.equal(Number(host.stored_bytes), chunk(2).size + chunk(3).size);
    });

    test('a report signed by another host, or with its receipts, is refused', async () => {
      await createCopyJob(hub, {
        source: source().id,
        destination: dest().id,
        chunks: [chunk(1)],
      });
      const forged = signMessage(
        COPY_REPORT_LABEL,
        {
          v: 1,
          host: dest().id,
          at: hub.now(),
          order: hex(7, 32),
          receipts: [],
          failed: [],
          finished: true,
        },
        other().key,
      );
      await assert.rejects(copyReport(hub, forged), AuthError);
      // The other host's receipt in the destination's report.
      await assert.rejects(
        copyReport(hub, report(dest(), [receipt(other(), chunk(1))])),
        (e) => e instanceof AuthError && /report\.receipts\.0/.test(e.message),
      );
      // A receipt the destination signed, naming another host.
      await assert.rejects(
        copyReport(hub, report(dest(), [receipt(dest(), chunk(1), other().id)])),
        (e) => e instanceof ValidationError && e.field === 'report.receipts.0.host',
      );
      // A receipt for a chunk no job copies to that host records nothing.
      assert.deepEqual(await copyReport(hub, report(other(), [receipt(other(), chunk(1))])), {
        recorded: 0,
      });
    });
  });
}
