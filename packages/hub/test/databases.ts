import { newSigningKeyPair, type SigningSecretKey, toBase64Url } from '@coffer/crypto';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { parseHubConfig } from '../src/config.ts';
import type { Hub, RepairStatus } from '../src/context.ts';
import { type Database, type Db, openDatabase } from '../src/db/index.ts';

// The databases the hub's unit tests run on: SQLite in memory, and PostgreSQL when it answers
// at COFFER_TEST_PG (in a schema made for the test and dropped after). No process is started.

const PG_URL = process.env.COFFER_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

async function postgresAvailable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

export interface TestDatabase {
  kind: 'sqlite' | 'postgres';
  open(): Promise<Db>;
  /** Drops what open() made. */
  drop(): Promise<void>;
}

/** SQLite, and PostgreSQL if it answers (in CI it must). */
export async function testDatabases(): Promise<TestDatabase[]> {
  const sqlite: TestDatabase = {
    kind: 'sqlite',
    open: () => openDatabase({ kind: 'sqlite', path: ':memory:' }),
    drop: async () => {},
  };
  if (!(await postgresAvailable())) {
    if (process.env.CI) throw new Error(`PostgreSQL is required in CI but ${PG_URL} is down`);
    console.log(`PostgreSQL does not answer at ${PG_URL}: these tests run on SQLite only`);
    return [sqlite];
  }
  const schema = `hub_unit_${Math.random().toString(36).slice(2, 12)}`;
  return [
    sqlite,
    {
      kind: 'postgres',
      open: () => openDatabase({ kind: 'postgres', url: PG_URL, schema }),
      drop: async () => {
        const c = new pg.Client({ connectionString: PG_URL });
        await c.connect();
        await c.query(`drop schema if exists ${schema} cascade`);
        await c.end();
      },
    },
  ];
}

/** A hub on `db` with the default config, for calling services directly. */
export function testHub(db: Kysely<Database>): Hub {
  const keys = newSigningKeyPair();
  const repair: RepairStatus = {
    underReplicated: 0,
    copied: 0,
    failed: 0,
    lastRoundAt: null,
    copiedTotal: 0,
  };
  return {
    db,
    config: parseHubConfig({ dataDir: '/nonexistent' }),
    signingKey: keys.secretKey,
    publicKey: toBase64Url(keys.publicKey),
    opaqueSetup: '',
    operatorTokenHash: '',
    decoySecret: '',
    now: () => Date.now(),
    kickGc: () => {},
    kickCopies: () => {},
    kickMirrors: () => {},
    repairStatus: () => repair,
  };
}

/**
 * Registers one test host per country, ids 100, 101, … in hex, each with a fresh key, and
 * returns their ids and secret keys (to sign receipts and host messages with).
 */
export async function addTestHosts(hub: Hub, countries: readonly string[]) {
  const hosts: { id: string; key: SigningSecretKey }[] = [];
  for (const [i, country] of countries.entries()) {
    const keys = newSigningKeyPair();
    const id = (100 + i).toString(16).padStart(32, '0');
    hosts.push({ id, key: keys.secretKey });
    await hub.db
      .insertInto('hosts')
      .values({
        id,
        public_key: toBase64Url(keys.publicKey),
        url: `http://127.0.0.1:${9000 + i}`,
        country,
        capacity: 1e12,
        used_bytes: 0,
        chunks: 0,
        stored_bytes: 0,
        last_seen_at: hub.now(),
        registered_at: hub.now(),
        declared_country: country,
        owner_account_id: null,
        bandwidth: null,
      })
      .execute();
  }
  return hosts;
}
