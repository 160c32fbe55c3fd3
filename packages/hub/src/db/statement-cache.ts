import type Sqlite from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

// [Note: Prepared statements on SQLite]
// Kysely's SQLite driver prepares every query it runs, and compiling the SQL cost the hub more
// CPU than running it (a third of the hub's time in `bench:groups`). Kysely builds the same
// text for the same query shape, so a statement is prepared once and kept by its text. Reuse
// is safe because Kysely runs one query at a time on its one SQLite connection (its driver
// holds a mutex, for a stream's whole length too), so a kept statement is never busy when it
// is asked for again. SQLite re-prepares a statement by itself after a schema change. Texts
// that vary with the data (`in (?, ?, …)` of any length) would grow the cache without end, so
// it keeps the most recently used MAX_STATEMENTS.

const MAX_STATEMENTS = 512;

/** `db` as Kysely's dialect sees it, with its statements prepared once per SQL text. */
export function cachingStatements(db: Sqlite.Database): SqliteDatabase {
  const kept = new Map<string, Sqlite.Statement>();
  return {
    close: () => {
      kept.clear();
      db.close();
    },
    prepare: (sql: string) => {
      let stmt = kept.get(sql);
      if (stmt) {
        kept.delete(sql); // to the back: most recently used
      } else {
        stmt = db.prepare(sql);
        if (kept.size >= MAX_STATEMENTS) {
          const oldest = kept.keys().next().value;
          if (oldest !== undefined) kept.delete(oldest);
        }
      }
      kept.set(sql, stmt);
      return stmt;
    },
  };
}
