// The bulk load's fast path (issue 20): the loaded tables' indexes and constraints are taken
// from the migrated schema itself, dropped, and rebuilt after the rows are in, each from its
// own definition as PostgreSQL prints it; the rebuilt set is then compared with the one the
// migrations made, so the hub is measured on exactly its own schema.
//
// [Note: Loading without indexes]
// Loading 10 million nodes with the indexes in place took about 45 min here: every row's
// random 22-character id lands on a random page of each B-tree, far more pages than 128 MB of
// shared buffers hold. Building a B-tree once from a sort of the whole table is one sequential
// pass instead: the rows then take 1 to 2 min and the indexes 1.5 to 2 min. Foreign keys to
// or from the loaded tables are dropped too (no lookup per row) and added last, which
// validates them over every row. SCALE_UNLOGGED=1 also makes the tables UNLOGGED while
// loading and SET LOGGED after (which refuses a foreign key between a logged and an unlogged
// table, another reason to drop them); measured at 10 million nodes it lost: the rows took
// 86 s against 66 s logged (at a load of 8 against 4.5 from the neighbours: no gain shows, as
// CPU, not the WAL, bounds these inserts on this fast disk), and SET LOGGED then copied every
// heap into the WAL for another 2 min. So by default the tables stay logged.
import type pg from 'pg';

export const LOADED_TABLES = ['accounts', 'nodes', 'revisions'];

export interface IndexSnapshot {
  /** Every index on the loaded tables, those behind primary keys and unique constraints too. */
  indexes: { name: string; table: string; def: string }[];
  /** Primary keys, unique and foreign keys on, or referring to, the loaded tables. */
  constraints: { name: string; table: string; type: 'p' | 'u' | 'f'; index: string; def: string }[];
}

const tables = `array[${LOADED_TABLES.map((t) => `'${t}'`).join(', ')}]::regclass[]`;

/** The loaded tables' indexes and constraints, as the migrations made them. */
export async function snapshotIndexes(db: pg.Client): Promise<IndexSnapshot> {
  const indexes = await db.query(
    `select i.indexrelid::regclass::text as name, i.indrelid::regclass::text as "table",
       pg_get_indexdef(i.indexrelid) as def
     from pg_index i where i.indrelid = any(${tables}) order by 1`,
  );
  const constraints = await db.query(
    `select c.conname as name, c.conrelid::regclass::text as "table", c.contype as type,
       coalesce(c.conindid::regclass::text, '') as index, pg_get_constraintdef(c.oid) as def
     from pg_constraint c
     where c.contype in ('p', 'u', 'f')
       and (c.conrelid = any(${tables}) or c.confrelid = any(${tables}))
     order by 1`,
  );
  return { indexes: indexes.rows, constraints: constraints.rows };
}

/** Drops them all (foreign keys first) and, if `unlogged`, makes the loaded tables UNLOGGED. */
export async function dropIndexes(db: pg.Client, s: IndexSnapshot, unlogged: boolean) {
  for (const c of s.constraints.filter((c) => c.type === 'f')) {
    await db.query(`alter table ${c.table} drop constraint ${c.name}`);
  }
  for (const c of s.constraints.filter((c) => c.type !== 'f')) {
    await db.query(`alter table ${c.table} drop constraint ${c.name}`);
  }
  const owned = new Set(s.constraints.filter((c) => c.type !== 'f').map((c) => c.index));
  for (const i of s.indexes.filter((i) => !owned.has(i.name))) {
    await db.query(`drop index ${i.name}`);
  }
  if (unlogged) for (const t of LOADED_TABLES) await db.query(`alter table ${t} set unlogged`);
}

/** Runs `jobs` on the clients, each client taking the next job when it is free. */
export async function onPool<T>(
  dbs: pg.Client[],
  jobs: T[],
  run: (db: pg.Client, job: T) => Promise<void>,
) {
  let next = 0;
  await Promise.all(
    dbs.map(async (db) => {
      while (next < jobs.length) await run(db, jobs[next++] as T);
    }),
  );
}

/**
 * Makes the tables LOGGED again if they are not, builds every index (on all the clients at
 * once, the biggest tables first), attaches the primary keys and unique constraints to
 * theirs, adds the foreign keys, and checks the result against `s`. Calls `step` with each
 * step's name and seconds.
 */
export async function rebuildIndexes(
  dbs: pg.Client[],
  s: IndexSnapshot,
  step: (what: string, seconds: number) => void,
) {
  const timed = async (what: string, f: () => Promise<unknown>) => {
    const t0 = performance.now();
    await f();
    step(what, (performance.now() - t0) / 1000);
  };
  for (const db of dbs) {
    await db.query(`set maintenance_work_mem = '1GB'`);
    // One build per core already; parallel workers would only contend with each other.
    await db.query('set max_parallel_maintenance_workers = 0');
  }
  const unlogged = (
    await db0(dbs).query(
      `select relname from pg_class where oid = any(${tables}) and relpersistence = 'u'`,
    )
  ).rows.map((r) => r.relname as string);
  // revisions and nodes hold the most rows
  const bySize = [...LOADED_TABLES].reverse().filter((t) => unlogged.includes(t));
  await onPool(dbs, bySize, (db, t) =>
    timed(`set logged ${t}`, () => db.query(`alter table ${t} set logged`)),
  );
  const order = (table: string) => LOADED_TABLES.length - LOADED_TABLES.indexOf(table);
  const builds = [...s.indexes].sort((a, b) => order(b.table) - order(a.table));
  // CREATE INDEX takes a lock that lets other index builds on the same table run beside it.
  await onPool(dbs, builds, (db, i) => timed(`index ${i.name}`, () => db.query(i.def)));
  for (const c of s.constraints.filter((c) => c.type !== 'f')) {
    const kind = c.type === 'p' ? 'primary key' : 'unique';
    await db0(dbs).query(
      `alter table ${c.table} add constraint ${c.name} ${kind} using index ${c.index}`,
    );
  }
  await onPool(
    dbs,
    s.constraints.filter((c) => c.type === 'f'),
    (db, c) =>
      timed(`foreign key ${c.name}`, () =>
        db.query(`alter table ${c.table} add constraint ${c.name} ${c.def}`),
      ),
  );
  const again = await snapshotIndexes(db0(dbs));
  if (JSON.stringify(again) !== JSON.stringify(s)) {
    throw new Error(
      `the rebuilt indexes differ from the migrations':\n${JSON.stringify(s, null, 1)}\n` +
        `now:\n${JSON.stringify(again, null, 1)}`,
    );
  }
  const logged = await db0(dbs).query(
    `select relname from pg_class where oid = any(${tables}) and relpersistence <> 'p'`,
  );
  if (logged.rows.length > 0)
    throw new Error(`still unlogged: ${logged.rows.map((r) => r.relname)}`);
}

const db0 = (dbs: pg.Client[]) => dbs[0] as pg.Client;
