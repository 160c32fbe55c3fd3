import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Sqlite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { cachingStatements } from '../src/db/statement-cache.ts';

interface Tables {
  t: { id: number; name: string };
}

async function withDb(fn: (db: Kysely<Tables>, raw: Sqlite.Database) => Promise<void>) {
  const dir = await mkdtemp(join(tmpdir(), 'coffer-stmt-'));
  const raw = new Sqlite(join(dir, 'db.sqlite'));
  const db = new Kysely<Tables>({
    dialect: new SqliteDialect({ database: cachingStatements(raw) }),
  });
  try {
    await sql`create table t (id integer primary key, name text not null)`.execute(db);
    await fn(db, raw);
  } finally {
    await db.destroy();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Counts the statements SQLite is asked to prepare from now on. */
function countPrepares(raw: Sqlite.Database): { count: number } {
  const counter = { count: 0 };
  const prepare = raw.prepare.bind(raw);
  raw.prepare = ((text: string) => {
    counter.count++;
    return prepare(text);
  }) as typeof raw.prepare;
  return counter;
}

test('a query run again uses the statement prepared the first time', async () => {
  await withDb(async (db, raw) => {
    const prepares = countPrepares(raw);
    for (let i = 1; i <= 50; i++)
      await db
        .insertInto('t')
        .values({ id: i, name: `n${i}` })
        .execute();
    for (let i = 1; i <= 50; i++) {
      const row = await db.selectFrom('t').selectAll().where('id', '=', i).executeTakeFirst();
      assert.equal(row?.name, `n${i}`);
    }
    assert.equal(prepares.count, 2, 'one insert and one select statement');
  });
});

test('a kept statement still answers after the schema changed', async () => {
  await withDb(async (db) => {
    await db.insertInto('t').values({ id: 1, name: 'a' }).execute();
    const all = () => db.selectFrom('t').selectAll().execute();
    assert.deepEqual(await all(), [{ id: 1, name: 'a' }]);
    await sql`alter table t add column extra text`.execute(db);
    assert.deepEqual(await all(), [{ id: 1, name: 'a', extra: null }]);
  });
});

test('a stream and queries inside a transaction share the connection without a busy statement', async () => {
  await withDb(async (db) => {
    for (let i = 1; i <= 5; i++)
      await db
        .insertInto('t')
        .values({ id: i, name: `n${i}` })
        .execute();
    const seen: number[] = [];
    for await (const row of db.selectFrom('t').selectAll().orderBy('id').stream()) {
      seen.push(row.id);
      if (row.id === 2) break; // the statement is reset, not left busy
    }
    assert.deepEqual(seen, [1, 2]);
    const again = await db.selectFrom('t').selectAll().orderBy('id').execute();
    assert.equal(again.length, 5);
    await db.transaction().execute(async (trx) => {
      await trx.updateTable('t').set({ name: 'x' }).where('id', '=', 1).execute();
      const row = await trx.selectFrom('t').selectAll().where('id', '=', 1).executeTakeFirst();
      assert.equal(row?.name, 'x');
    });
  });
});

test('texts that vary with the data do not grow the cache without end', async () => {
  await withDb(async (db, raw) => {
    const prepares = countPrepares(raw);
    const ids = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
    // 600 different texts (in-lists of 1..600 ids): more than the cache keeps.
    for (let n = 1; n <= 600; n++)
      await db.selectFrom('t').selectAll().where('id', 'in', ids(n)).execute();
    assert.equal(prepares.count, 600);
    // The most recent ones are still kept; the first ones were let go and are prepared again.
    await db.selectFrom('t').selectAll().where('id', 'in', ids(600)).execute();
    assert.equal(prepares.count, 600);
    await db.selectFrom('t').selectAll().where('id', 'in', ids(1)).execute();
    assert.equal(prepares.count, 601);
  });
});
