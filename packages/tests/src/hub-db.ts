import Database from 'better-sqlite3';
import pg from 'pg';
import type { Network } from './network.ts';

/**
 * Runs one SQL statement on a running hub's database, behind the hub's back: to look at rows
 * no route shows, or to break something on purpose. Values go inline (test-made, trusted).
 */
export async function hubSql(network: Pick<Network, 'database'>, text: string) {
  const db = network.database;
  if (db.kind === 'sqlite') {
    const conn = new Database(db.files[0] as string);
    try {
      conn.pragma('busy_timeout = 5000');
      const st = conn.prepare(text);
      if (st.reader) return st.all() as Record<string, unknown>[];
      st.run();
      return [];
    } finally {
      conn.close();
    }
  }
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    await c.query(`set search_path to ${db.schema}`);
    return (await c.query(text)).rows as Record<string, unknown>[];
  } finally {
    await c.end();
  }
}
