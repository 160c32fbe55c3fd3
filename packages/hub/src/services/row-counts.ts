import { sql } from 'kysely';
import { databaseOf } from '../config.ts';
import type { Hub } from '../context.ts';

// [Note: Counting rows at scale]
// The operator's figures (admin stats, /metrics, the network history every 5 minutes) count
// accounts, files, folders, revisions and chunks. An exact count reads every row: at 10 million
// nodes that took 6 s of both cores (bench:scale), and it grows with the network, on every
// metrics scrape. So on PostgreSQL a table the planner estimates at EXACT_BELOW rows or more is
// counted from that estimate (`pg_class.reltuples`, kept by autovacuum's ANALYZE), and files
// and folders from the share of each kind in `pg_stats`; smaller tables, and SQLite's, are
// counted exactly. An estimate is within a few per cent, which is what a chart of a large
// network needs.

const EXACT_BELOW = 1_000_000;

type Table = 'accounts' | 'revisions' | 'chunks' | 'nodes';

export interface RowCounts {
  accounts: number;
  files: number;
  folders: number;
  revisions: number;
  chunks: number;
}

const exact = async (hub: Hub, table: Table) =>
  Number(
    (await hub.db.selectFrom(table).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow())
      .n,
  );

async function exactKinds(hub: Hub) {
  const kinds = await hub.db
    .selectFrom('nodes')
    .select(['kind', sql<number>`count(*)`.as('n')])
    .groupBy('kind')
    .execute();
  const of = (kind: string) => Number(kinds.find((k) => k.kind === kind)?.n ?? 0);
  return { files: of('file'), folders: of('folder') };
}

/** What the planner thinks each table holds; -1 for one never analysed. */
async function estimates(hub: Hub): Promise<Map<string, number>> {
  const rows = await sql<{ name: string; n: number }>`
    select relname as name, reltuples::float8 as n from pg_class
    where oid in (to_regclass('accounts'), to_regclass('revisions'), to_regclass('chunks'),
                  to_regclass('nodes'))`.execute(hub.db);
  return new Map(rows.rows.map((r) => [r.name, Number(r.n)]));
}

/** Files and folders from the share of each kind the planner keeps, or null without one. */
async function estimatedKinds(hub: Hub, nodes: number) {
  const r = await sql<{ vals: string; freqs: number[] }>`
    select most_common_vals::text as vals, most_common_freqs as freqs from pg_stats
    where schemaname = current_schema() and tablename = 'nodes' and attname = 'kind'`.execute(
    hub.db,
  );
  const row = r.rows[0];
  if (!row?.freqs) return null;
  const vals = row.vals.replace(/^\{|\}$/g, '').split(',');
  const share = (kind: string) => Number(row.freqs[vals.indexOf(kind)] ?? 0);
  return { files: Math.round(nodes * share('file')), folders: Math.round(nodes * share('folder')) };
}

export async function rowCounts(
  hub: Hub,
  o: { dialect?: 'sqlite' | 'postgres'; exactBelow?: number } = {},
): Promise<RowCounts> {
  const dialect = o.dialect ?? databaseOf(hub.config).kind;
  const exactBelow = o.exactBelow ?? EXACT_BELOW;
  const big = dialect === 'postgres' ? await estimates(hub) : new Map<string, number>();
  const count = async (table: Table) => {
    const n = big.get(table) ?? -1;
    return n >= exactBelow ? Math.round(n) : exact(hub, table);
  };
  const nodes = big.get('nodes') ?? -1;
  const kinds =
    (nodes >= exactBelow ? await estimatedKinds(hub, nodes) : null) ?? (await exactKinds(hub));
  return {
    accounts: await count('accounts'),
    ...kinds,
    revisions: await count('revisions'),
    chunks: await count('chunks'),
  };
}
