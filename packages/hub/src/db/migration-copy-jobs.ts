import type { Kysely, Migration } from 'kysely';

// Migration 0016, in a file of its own to keep migrations.ts short. The same rules hold: the
// schema builder only, never edited once shipped.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema type
type Db = Kysely<any>;

const text = 'text' as const;
const big = 'bigint' as const;

// Direct copies ([Note: Direct copies] in protocol/src/copy-orders.ts): a job per copy, its
// current order, and which of its chunks are done, so that a copy cut short resumes with a new
// order for what remains. A finished job's chunk rows go at once, the job row after
// `copies.keepFinishedMs`.
export const copyJobs: Migration = {
  async up(db: Db) {
    await db.schema
      .createTable('copy_jobs')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('source_id', text, (c) => c.notNull())
      .addColumn('destination_id', text, (c) => c.notNull())
      .addColumn('state', text, (c) => c.notNull())
      .addColumn('chunks_total', big, (c) => c.notNull())
      .addColumn('bytes_total', big, (c) => c.notNull())
      .addColumn('chunks_done', big, (c) => c.notNull().defaultTo(0))
      .addColumn('bytes_done', big, (c) => c.notNull().defaultTo(0))
      .addColumn('orders', big, (c) => c.notNull().defaultTo(0))
      .addColumn('order_id', text)
      .addColumn('order_text', text)
      .addColumn('order_ends_at', big)
      .addColumn('done_at_order', big, (c) => c.notNull().defaultTo(0))
      .addColumn('stalls', big, (c) => c.notNull().defaultTo(0))
      .addColumn('next_try_at', big, (c) => c.notNull().defaultTo(0))
      .addColumn('touched_at', big, (c) => c.notNull())
      .addColumn('progress_at', big, (c) => c.notNull())
      .addColumn('last_error', text)
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('finished_at', big)
      .execute();
    await db.schema.createIndex('copy_jobs_state').on('copy_jobs').column('state').execute();
    await db.schema
      .createTable('copy_job_chunks')
      .addColumn('job_id', text, (c) => c.notNull())
      .addColumn('chunk_id', text, (c) => c.notNull())
      .addColumn('size', big, (c) => c.notNull())
      .addColumn('position', big, (c) => c.notNull())
      .addColumn('done', 'integer', (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('copy_job_chunks_pk', ['job_id', 'chunk_id'])
      .execute();
    await db.schema
      .createIndex('copy_job_chunks_next')
      .on('copy_job_chunks')
      .columns(['job_id', 'done', 'position'])
      .execute();
    await db.schema
      .createIndex('copy_job_chunks_chunk')
      .on('copy_job_chunks')
      .column('chunk_id')
      .execute();
  },
};
