import { type Kysely, type Migration, sql } from 'kysely';

// Migration 0024, in a file of its own like 0014 on. The same rules hold: the schema builder
// only, never edited once shipped.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema type
type Db = Kysely<any>;

// The second factor ([Note: Second factor on the hub] in services/second-factor.ts): each
// account's sealed TOTP secret with its failure counters, the steps already used (the replay
// cache), the hashed recovery codes, and the sessions still waiting for their code. All of it
// in the database, so every hub process on one PostgreSQL sees the same.
export const secondFactor: Migration = {
  async up(db: Db) {
    await db.schema
      .createTable('account_totp')
      .addColumn('account_id', 'text', (c) => c.primaryKey())
      .addColumn('sealed_secret', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('enabled_at', 'bigint')
      .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_failure_at', 'bigint')
      .addColumn('locked_until', 'bigint')
      .execute();
    await db.schema
      .createTable('totp_used_steps')
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('step', 'bigint', (c) => c.notNull())
      .addColumn('used_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('totp_used_steps_pk', ['account_id', 'step'])
      .execute();
    await db.schema
      .createTable('totp_recovery_codes')
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('code_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('totp_recovery_codes_pk', ['account_id', 'code_hash'])
      .execute();
    await db.schema
      .alterTable('sessions')
      .addColumn('second_factor_pending', 'integer', (c) => c.notNull().defaultTo(sql`0`))
      .execute();
  },
};
