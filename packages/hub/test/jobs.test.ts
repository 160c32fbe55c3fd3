import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import {
  type ClaimedJob,
  claimJobs,
  enqueueJobs,
  finishJob,
  JOB_LEASE_MS,
  MAX_ATTEMPTS,
  renewJobs,
} from '../src/services/jobs.ts';
import { testDatabases } from './databases.ts';

// [Note: Job queue]: a job goes to one claimer; a claim whose lease ran out goes to the next;
// the old claimer cannot then record an outcome; a failed job comes back after a backoff, and
// is kept as failed after MAX_ATTEMPTS; many claimers at once never share a job.

for (const d of await testDatabases()) {
  describe(`the job queue on ${d.kind}`, () => {
    after(() => d.drop());

    test('claims, leases, renewals and outcomes', async () => {
      const db = await d.open();
      try {
        const t = 1_000_000;
        await enqueueJobs(
          db.kysely,
          [1, 2, 3].map((n) => ({ kind: 'k', payload: { n } })),
          t,
        );
        await enqueueJobs(db.kysely, [{ kind: 'later', payload: {}, runAfter: t + 5_000 }], t);
        const a = await claimJobs(db.kysely, db.dialect, 'A', ['k'], 2, t);
        assert.equal(a.length, 2);
        assert.ok(a.every((j) => j.attempts === 1 && j.kind === 'k'));
        const b = await claimJobs(db.kysely, db.dialect, 'B', ['k', 'later'], 5, t);
        assert.deepEqual(
          b.map((j) => j.payload),
          [{ n: [1, 2, 3].find((n) => !a.some((j) => (j.payload as { n: number }).n === n)) }],
        );
        assert.equal((await claimJobs(db.kysely, db.dialect, 'C', ['k'], 5, t)).length, 0);
        assert.equal(
          (await claimJobs(db.kysely, db.dialect, 'C', ['later'], 5, t + 5_000)).length,
          1,
        );

        // B renews; A does not: at the lease's end C gets A's jobs only.
        await renewJobs(db.kysely, 'B', b, t + JOB_LEASE_MS / 2);
        const c = await claimJobs(db.kysely, db.dialect, 'C', ['k'], 5, t + JOB_LEASE_MS + 1);
        assert.deepEqual(c.map((j) => j.id).sort(), a.map((j) => j.id).sort());
        assert.ok(c.every((j) => j.attempts === 2));
        // A's outcome no longer counts; C's and B's do.
        assert.equal(
          await finishJob(db.kysely, a[0] as ClaimedJob, 'A', t + JOB_LEASE_MS + 2),
          false,
        );
        assert.equal(
          await finishJob(db.kysely, c[0] as ClaimedJob, 'C', t + JOB_LEASE_MS + 2),
          true,
        );
        assert.equal(
          await finishJob(db.kysely, b[0] as ClaimedJob, 'B', t + JOB_LEASE_MS + 2),
          true,
        );

        // A failure comes back after a backoff, then stays failed after MAX_ATTEMPTS claims.
        const failing = c[1]?.id as string;
        let now = t + JOB_LEASE_MS + 3;
        assert.equal(await finishJob(db.kysely, c[1] as ClaimedJob, 'C', now, 'boom'), true);
        assert.equal((await claimJobs(db.kysely, db.dialect, 'D', ['k'], 5, now)).length, 0);
        for (let attempt = 3; attempt <= MAX_ATTEMPTS; attempt++) {
          now += 60_000;
          const [again] = await claimJobs(db.kysely, db.dialect, 'D', ['k'], 5, now);
          assert.equal(again?.id, failing);
          assert.equal(again?.attempts, attempt);
          assert.equal(await finishJob(db.kysely, again as ClaimedJob, 'D', now, 'boom'), true);
        }
        const row = await db.kysely
          .selectFrom('jobs')
          .selectAll()
          .where('id', '=', failing)
          .executeTakeFirstOrThrow();
        assert.equal(row.state, 'failed');
        assert.equal(row.error, 'boom');
        assert.equal(
          (await claimJobs(db.kysely, db.dialect, 'D', ['k'], 5, now + 3_600_000)).length,
          0,
        );
      } finally {
        await db.close();
      }
    });

    test('renewals cover only the jobs named; a job that kills its claimer every time ends failed', async () => {
      const db = await d.open();
      try {
        const t = 3_000_000;
        await enqueueJobs(
          db.kysely,
          [1, 2].map((n) => ({ kind: 'crash', payload: { n } })),
          t,
        );
        const [kept, forgotten] = await claimJobs(db.kysely, db.dialect, 'A', ['crash'], 2, t);
        // A renews only the job it still runs; the one whose end it lost goes to the next.
        await renewJobs(db.kysely, 'A', [kept as ClaimedJob], t + JOB_LEASE_MS / 2);
        let now = t + JOB_LEASE_MS + 1;
        const next = await claimJobs(db.kysely, db.dialect, 'B', ['crash'], 5, now);
        assert.deepEqual(
          next.map((j) => j.id),
          [forgotten?.id],
        );
        assert.equal(await finishJob(db.kysely, kept as ClaimedJob, 'A', now), true);
        // Its claimers keep dying: after MAX_ATTEMPTS claims it is failed, not claimed again.
        for (let attempt = 3; attempt <= MAX_ATTEMPTS; attempt++) {
          now += JOB_LEASE_MS + 1;
          const [again] = await claimJobs(db.kysely, db.dialect, 'B', ['crash'], 1, now);
          assert.equal(again?.id, forgotten?.id);
          assert.equal(again?.attempts, attempt);
        }
        now += JOB_LEASE_MS + 1;
        assert.deepEqual(await claimJobs(db.kysely, db.dialect, 'C', ['crash'], 5, now), []);
        const row = await db.kysely
          .selectFrom('jobs')
          .selectAll()
          .where('id', '=', forgotten?.id as string)
          .executeTakeFirstOrThrow();
        assert.equal(row.state, 'failed');
        assert.match(row.error ?? '', /stopped before finishing it, 5 times/);
      } finally {
        await db.close();
      }
    });

    test('a process that claims its own lapsed job again: the first claim no longer counts', async () => {
      const db = await d.open();
      try {
        const t = 4_000_000;
        await enqueueJobs(db.kysely, [{ kind: 'again', payload: {} }], t);
        const [first] = await claimJobs(db.kysely, db.dialect, 'A', ['again'], 1, t);
        const later = t + JOB_LEASE_MS + 1;
        const [second] = await claimJobs(db.kysely, db.dialect, 'A', ['again'], 1, later);
        assert.equal(second?.id, first?.id);
        assert.equal(second?.attempts, 2);
        // The first run's renewal and end touch nothing; the second's count.
        await renewJobs(db.kysely, 'A', [first as ClaimedJob], later + 1);
        assert.equal(await finishJob(db.kysely, first as ClaimedJob, 'A', later + 2, 'old'), false);
        assert.equal(await finishJob(db.kysely, second as ClaimedJob, 'A', later + 3), true);
        const row = await db.kysely
          .selectFrom('jobs')
          .selectAll()
          .where('id', '=', first?.id as string)
          .executeTakeFirstOrThrow();
        assert.equal(row.state, 'done');
        assert.equal(row.error, null);
      } finally {
        await db.close();
      }
    });

    test('twenty claimers at once: every job claimed exactly once', async () => {
      const db = await d.open();
      try {
        const t = 2_000_000;
        await enqueueJobs(
          db.kysely,
          Array.from({ length: 300 }, (_, n) => ({ kind: 'many', payload: { n } })),
          t,
        );
        const claimed: string[] = [];
        await Promise.all(
          Array.from({ length: 20 }, async (_, w) => {
            for (;;) {
              const jobs = await claimJobs(db.kysely, db.dialect, `w${w}`, ['many'], 7, t);
              if (jobs.length === 0) return;
              claimed.push(...jobs.map((j) => j.id));
            }
          }),
        );
        assert.equal(claimed.length, 300);
        assert.equal(new Set(claimed).size, 300);
      } finally {
        await db.close();
      }
    });
  });
}
