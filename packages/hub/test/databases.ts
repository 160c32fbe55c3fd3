import { newSigningKeyPair, type SigningSecretKey, toBase64Url } from '@coffer/crypto';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { ChangeBus } from '../src/change-bus.ts';
import { parseHubConfig } from '../src/config.ts';
import type { Hub, RepairStatus } from '../src/context.ts';
import { type Database, type Db, openDatabase } from '../src/db/index.ts';
import type { NodesTable } from '../src/db/schema.ts';

// The databases the hub's unit tests run on: SQLite in memory, and PostgreSQL when it answers
// at COFFER_TEST_PG (in a schema made for the test and dropped after). No process is started.

export const PG_URL = process.env.COFFER_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

export async function postgresAvailable(): Promise<boolean> {
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
    totpKey: new Uint8Array(32),
    now: () => Date.now(),
    leads: () => true,
    kickGc: () => {},
    kickJobs: () => {},
    kickCopies: () => {},
    kickMirrors: () => {},
    repairStatus: () => repair,
    changes: new ChangeBus(),
  };
}

/** Accounts with these ids (no keys: enough for rows that point at them). */
export async function addTestAccounts(
  db: Kysely<Database>,
  ids: readonly string[],
  rootId: string,
) {
  for (const [i, id] of ids.entries()) {
    await db
      .insertInto('accounts')
      .values({
        id,
        email: `${i}@example.com`,
        opaque_record: '',
        wrapped_master_key: '',
        recovery_wrapped_master_key: '',
        recovery_proof_hash: '',
        wrapped_signing: '',
        wrapped_agreement: '',
        key_bundle: '',
        root_id: rootId,
        created_at: 0,
      })
      .execute();
  }
}

/** A share of `nodeId` by `ownerId` (an unsigned member list) with these members. */
export async function addTestShare(
  db: Kysely<Database>,
  s: { id: string; nodeId: string; ownerId: string },
  members: readonly { accountId: string; role: 'read' | 'write' }[],
) {
  await db
    .insertInto('shares')
    .values({
      id: s.id,
      node_id: s.nodeId,
      owner_id: s.ownerId,
      list_version: 1,
      key_version: 1,
      member_list: '',
      created_at: 0,
      updated_at: 0,
    })
    .execute();
  await db
    .insertInto('share_members')
    .values(
      members.map((m) => ({ share_id: s.id, account_id: m.accountId, role: m.role, added_at: 0 })),
    )
    .execute();
}

/** A node row of `owner`'s at version 1 (a file at revision 1), signed by nobody. */
export function testNode(
  owner: string,
  id: string,
  parent: string | null,
  kind: 'file' | 'folder',
): NodesTable {
  return {
    id,
    account_id: owner,
    parent_id: parent,
    kind,
    wrapped_key: 'k',
    metadata: 'm',
    name_hash: parent ? id : null,
    version: 1,
    revision: kind === 'file' ? 1 : null,
    size: 0,
    trashed_at: null,
    created_at: 0,
    updated_at: 0,
    author_id: owner,
    signature: null,
    key_version: 1,
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
