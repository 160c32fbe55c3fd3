import {
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type Kysely,
  PostgresDialect,
  type PostgresDialectConfig,
  type SchemaMetadata,
  sql,
  type TableMetadata,
} from 'kysely';

// [Note: Introspecting one schema]
// Kysely's migrator asks the dialect's introspector whether its schema and tables exist, on
// every start. PostgreSQL's introspector lists the tables of every schema in the database and
// calls `has_schema_privilege` and `pg_get_serial_sequence` on each: catalog functions that
// read the catalog as it is now, not as the query's snapshot saw it. When another schema is
// dropped meanwhile (another hub on the same server, a test network closing), the start
// fails with `schema "…" does not exist`, naming the other schema: 4 starts in 15 did, with
// schemas of 40 tables made and dropped beside them. Several hubs on one server is what
// `database.schema` is for, so the hub's introspector looks at its own schema alone (the
// configured one, else `current_schema()`), and reads names only, which is all the
// migrator needs.

/** PostgreSQL, with an introspector that sees `schema` alone (current_schema() if none). */
export class OneSchemaPostgresDialect extends PostgresDialect {
  constructor(
    config: PostgresDialectConfig,
    private readonly schema: string | undefined,
  ) {
    super(config);
  }

  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new OneSchemaIntrospector(db, this.schema);
  }
}

class OneSchemaIntrospector implements DatabaseIntrospector {
  constructor(
    private readonly db: Kysely<unknown>,
    private readonly schema: string | undefined,
  ) {}

  private get ours() {
    return this.schema === undefined ? sql`current_schema()` : sql`${this.schema}`;
  }

  async getSchemas(): Promise<SchemaMetadata[]> {
    const r = await sql<{ name: string }>`
      select nspname as name from pg_catalog.pg_namespace where nspname = ${this.ours}`.execute(
      this.db,
    );
    return r.rows;
  }

  async getTables(): Promise<TableMetadata[]> {
    const r = await sql<{ name: string; schema: string; is_view: boolean }>`
      select c.relname as name, n.nspname as schema, c.relkind in ('v', 'm') as is_view
      from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where n.nspname = ${this.ours} and c.relkind in ('r', 'p', 'v', 'm', 'f')
      order by c.relname`.execute(this.db);
    return r.rows.map((t) => ({ name: t.name, schema: t.schema, isView: t.is_view, columns: [] }));
  }

  async getMetadata(): Promise<DatabaseMetadata> {
    return { tables: await this.getTables() };
  }
}
