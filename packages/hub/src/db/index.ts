import { ValidationError } from '@coffer/errors';
import Sqlite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { migrations } from './migrations.ts';
import { OneSchemaPostgresDialect } from './one-schema.ts';
import type { Database } from './schema.ts';
import { cachingStatements } from './statement-cache.ts';

export type { Database } from './schema.ts';

export type DatabaseConfig =
  | { kind: 'sqlite'; path: string }
  | { kind: 'postgres'; url: string; schema?: string | undefined };

export interface Db {
  kysely: Kysely<Database>;
  dialect: DatabaseConfig['kind'];
  /**
   * For the lease keeper ([Note: Leases]): on PostgreSQL a connection of its own, so that
   * renewals never queue behind a busy pool's long queries and lose a live process its leases;
   * on SQLite the one connection there is.
   */
  leases: Kysely<Database>;
  close(): Promise<void>;
}

// PostgreSQL returns bigint as text by default; every bigint here is a time or a byte count
// well inside 2^53.
const pgTypes = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text'),
};

export async function openDatabase(
  config: DatabaseConfig,
  log: (line: string) => void = (l) => console.error(l),
): Promise<Db> {
  let kysely: Kysely<Database>;
  let leases: Kysely<Database> | undefined;
  if (config.kind === 'sqlite') {
    const sqlite = new Sqlite(config.path);
    sqlite.pragma('journal_mode = WAL');
    // NORMAL in WAL mode loses at most the last transactions on power loss, never consistency;
    // receipts live on hosts too, so an upload interrupted that way resumes.
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    kysely = new Kysely<Database>({
      dialect: new SqliteDialect({ database: cachingStatements(sqlite) }),
    });
  } else {
    const schema = config.schema;
    if (schema) {
      if (!/^[a-z_][a-z0-9_]*$/.test(schema)) {
        throw new ValidationError('database.schema', 'expected a lower-case SQL identifier');
      }
      const client = new pg.Client({ connectionString: config.url });
      await client.connect();
      try {
        await client.query(`create schema if not exists ${schema}`);
      } finally {
        await client.end();
      }
    }
    const pool = (max: number, extra: pg.PoolConfig = {}) => {
      const p = new pg.Pool({
        connectionString: config.url,
        max,
        types: pgTypes,
        ...(schema ? { options: `-c search_path=${schema}` } : {}),
        ...extra,
      });
      // An idle connection the server ends (a restart, a failover, a proxy's timeout) is an
      // 'error' on the pool; unheard, it would end the process. The pool drops that connection
      // and opens another on the next query.
      p.on('error', (e) => log(`database: an idle connection failed: ${e.message}`));
      return p;
    };
    // Its introspector sees this schema alone ([Note: Introspecting one schema]).
    kysely = new Kysely<Database>({
      dialect: new OneSchemaPostgresDialect({ pool: pool(10) }, schema),
    });
    // Renewals give up after 10 s rather than hang on a half-open connection: the leases lapse
    // safely, and the next renewal opens a fresh one.
    leases = new Kysely<Database>({
      dialect: new PostgresDialect({
        pool: pool(1, { keepAlive: true, query_timeout: 10_000 }),
      }),
    });
  }
  // Named, so that Kysely looks for its own tables in this schema only: it would otherwise
  // take another schema's (another hub's on the same server) for ours.
  const migrationSchema = config.kind === 'postgres' ? config.schema : undefined;
  const migrator = new Migrator({
    db: kysely,
    provider: migrations,
    ...(migrationSchema ? { migrationTableSchema: migrationSchema } : {}),
  });
  const { error } = await migrator.migrateToLatest();
  if (error) {
    await kysely.destroy();
    await leases?.destroy();
    throw error;
  }
  return {
    kysely,
    dialect: config.kind,
    leases: leases ?? kysely,
    async close() {
      await leases?.destroy();
      await kysely.destroy();
    },
  };
}
