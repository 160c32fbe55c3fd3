import type { Kysely } from 'kysely';

// What the migrations in migrations.ts, migration-hosts.ts and migration-sharing.ts write with.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema type
export type Db = Kysely<any>;

export const text = 'text' as const;
export const big = 'bigint' as const;
