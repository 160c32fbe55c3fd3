import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import pg from 'pg';
import { openDatabase } from '../src/db/index.ts';
import { migrations } from '../src/db/migrations.ts';
import { PG_URL, postgresAvailable } from './databases.ts';

// A hub on PostgreSQL looks at its own schema alone when it migrates ([Note: Introspecting one
// schema]): other schemas on the same server, made and dropped meanwhile or holding tables of
// the same names, change nothing.

const available = await postgresAvailable();
if (!available && process.env.CI) throw new Error(`PostgreSQL is required in CI at ${PG_URL}`);

const run = async (text: string) => {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    return (await c.query(text)).rows as Record<string, unknown>[];
  } finally {
    await c.end();
  }
};
const fresh = (prefix: string) => `${prefix}_${Math.random().toString(36).slice(2, 12)}`;
const made: string[] = [];
const dropAll = () => Promise.all(made.map((s) => run(`drop schema if exists ${s} cascade`)));

after(async () => {
  if (available) await dropAll();
});

test('a hub starts while other schemas are made and dropped beside it', {
  skip: !available,
}, async () => {
  // Another hub's schema of 40 tables, dropped and made again over and over. Before, the
  // migrator's look at every schema in the server failed 4 starts in 15 this way.
  const others = [fresh('other'), fresh('other')];
  made.push(...others);
  let stop = false;
  const tables = (s: string) =>
    Array.from({ length: 40 }, (_, i) => `create table ${s}.t${i} (id serial primary key)`);
  const churn = (async () => {
    for (let n = 0; !stop; n++) {
      const s = others[n % 2] as string;
      await run(`drop schema if exists ${s} cascade`);
      await run([`create schema ${s}`, ...tables(s)].join(';'));
    }
  })();
  try {
    for (let i = 0; i < 12; i++) {
      const schema = fresh('starts');
      made.push(schema);
      const db = await openDatabase({ kind: 'postgres', url: PG_URL, schema }, () => {});
      await db.close();
      await run(`drop schema ${schema} cascade`);
    }
  } finally {
    stop = true;
    await churn;
  }
});

test('tables of the same names in another schema are not taken for ours', {
  skip: !available,
}, async () => {
  // A schema that looks migrated: Kysely's tables with every migration recorded.
  const decoy = fresh('decoy');
  const ours = fresh('ours');
  made.push(decoy, ours);
  await run(
    [
      `create schema ${decoy}`,
      `create table ${decoy}.kysely_migration (name varchar(255) primary key, timestamp varchar(255) not null)`,
      `create table ${decoy}.kysely_migration_lock (id varchar(255) primary key, is_locked integer not null default 0)`,
      `create table ${decoy}.accounts (id text)`,
      ...Object.keys(await migrations.getMigrations()).map(
        (name) => `insert into ${decoy}.kysely_migration values ('${name}', 'then')`,
      ),
    ].join(';'),
  );
  const db = await openDatabase({ kind: 'postgres', url: PG_URL, schema: ours }, () => {});
  try {
    const recorded = await run(`select count(*)::int as n from ${ours}.kysely_migration`);
    assert.equal(recorded[0]?.n, Object.keys(await migrations.getMigrations()).length);
    const columns = await run(
      `select column_name from information_schema.columns where table_schema = '${ours}' and table_name = 'accounts'`,
    );
    assert.ok(columns.length > 1, 'our accounts table is the migrations’, not the decoy’s');
  } finally {
    await db.close();
  }
});
