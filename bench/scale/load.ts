// Bulk-loads accounts and file nodes straight into the hub's PostgreSQL schema, with
// INSERT … SELECT over generate_series run by the server: no row crosses the wire, and nothing
// goes through the API. The rows only need to be valid for the queries the bench measures. For
// the big load, indexes.ts drops the indexes first and builds them after.
//
// The shape: every account has its root folder; the other nodes are folders of 100 files,
// each folder in some account's root. Folder k holds files 0..99 and belongs to account
// (k × 7919) mod accounts, so folders spread over the accounts loaded so far. Field lengths
// are those of real rows (measured from rows the SDK wrote, `lengths` below).
import type pg from 'pg';
import { onPool } from './indexes.ts';

export const FOLDER_ENTRIES = 100;

/** The lengths of a real node's and account's fields, measured on rows written by the SDK. */
export interface Lengths {
  wrappedKey: number;
  metadata: number;
  nameHash: number;
  manifest: number;
  opaqueRecord: number;
  wrapped: number;
  keyBundle: number;
}

/** What is loaded after a stage: `accounts` accounts (and roots), `folders` folders of 100. */
export interface Stage {
  accounts: number;
  folders: number;
}

/** The stage that holds about `nodes` nodes, with accounts in the same ratio as the target. */
export function stageFor(nodes: number, target: { nodes: number; accounts: number }): Stage {
  const accounts = Math.max(1, Math.round((target.accounts * nodes) / target.nodes));
  return { accounts, folders: Math.max(0, Math.floor((nodes - accounts) / (FOLDER_ENTRIES + 1))) };
}

export const nodesOf = (s: Stage) => s.accounts + s.folders * (FOLDER_ENTRIES + 1);

// A random-looking id of a real id's length (22 characters of base64url, 128 bits), made of hex.
const id = (expr: string) => `substr(md5(${expr}), 1, 22)`;
const filler = (n: number) => `repeat('x', ${Math.max(1, n)})`;

interface Job {
  rows: number;
  sql: string;
  params: unknown[];
}

/**
 * Loads from stage `from` to stage `to` with one statement per batch of up to a million rows,
 * the batches spread over the clients (whose search_path is the hub's schema), and calls
 * `progress` with the rows written so far. The accounts go first, as nodes refer to them.
 */
export async function bulkLoad(
  dbs: pg.Client[],
  from: Stage,
  to: Stage,
  len: Lengths,
  progress: (rows: number, of: number) => void,
) {
  const now = Date.now();
  const accounts: Job[] = [];
  const nodes: Job[] = [];
  const accountBatch = 250_000;
  for (let a = from.accounts; a < to.accounts; a += accountBatch) {
    const end = Math.min(to.accounts, a + accountBatch);
    accounts.push({
      rows: end - a,
      sql: `insert into accounts (id, email, opaque_record, wrapped_master_key,
         recovery_wrapped_master_key, recovery_proof_hash, wrapped_signing, wrapped_agreement,
         key_bundle, root_id, created_at)
       select ${id(`'a' || i`)}, 'scale-' || i || '@bench.invalid', ${filler(len.opaqueRecord)},
         ${filler(len.wrapped)}, ${filler(len.wrapped)}, ${filler(43)}, ${filler(len.wrapped)},
         ${filler(len.wrapped)}, ${filler(len.keyBundle)}, ${id(`'r' || i`)}, $3
       from generate_series($1::bigint, $2::bigint - 1) i`,
      params: [a, end, now],
    });
    nodes.push({
      rows: end - a,
      sql: `insert into nodes (id, account_id, parent_id, kind, wrapped_key, metadata, name_hash,
         version, size, created_at, updated_at)
       select ${id(`'r' || i`)}, ${id(`'a' || i`)}, null, 'folder', ${filler(len.wrappedKey)},
         ${filler(len.metadata)}, null, 1, 0, $3, $3
       from generate_series($1::bigint, $2::bigint - 1) i`,
      params: [a, end, now],
    });
  }
  // Folders go into accounts loaded by now, so every node's account exists.
  const owner = `(k * 7919) % ${to.accounts}`;
  const folderBatch = 10_000; // a million files, and a million revisions
  for (let k = from.folders; k < to.folders; k += folderBatch) {
    const end = Math.min(to.folders, k + folderBatch);
    const files = (end - k) * FOLDER_ENTRIES;
    nodes.push({
      rows: end - k,
      sql: `insert into nodes (id, account_id, parent_id, kind, wrapped_key, metadata, name_hash,
         version, size, created_at, updated_at)
       select ${id(`'f' || k`)}, ${id(`'a' || ${owner}`)}, ${id(`'r' || ${owner}`)}, 'folder',
         ${filler(len.wrappedKey)}, ${filler(len.metadata)},
         rpad(${id(`'nf' || k`)}, ${len.nameHash}, 'x'), 1, 0, $3, $3
       from generate_series($1::bigint, $2::bigint - 1) k`,
      params: [k, end, now],
    });
    nodes.push({
      rows: files,
      sql: `insert into nodes (id, account_id, parent_id, kind, wrapped_key, metadata, name_hash,
         version, revision, size, created_at, updated_at)
       select ${id(`'x' || k || '.' || j`)}, ${id(`'a' || ${owner}`)}, ${id(`'f' || k`)},
         'file', ${filler(len.wrappedKey)}, ${filler(len.metadata)},
         rpad(${id(`'nx' || k || '.' || j`)}, ${len.nameHash}, 'x'), 1, 1, 4096, $3, $3
       from generate_series($1::bigint, $2::bigint - 1) k,
         generate_series(0, ${FOLDER_ENTRIES - 1}) j`,
      params: [k, end, now],
    });
    nodes.push({
      rows: files,
      sql: `insert into revisions (node_id, revision, manifest, size, created_at)
       select ${id(`'x' || k || '.' || j`)}, 1, ${filler(len.manifest)}, 4096, $3
       from generate_series($1::bigint, $2::bigint - 1) k,
         generate_series(0, ${FOLDER_ENTRIES - 1}) j`,
      params: [k, end, now],
    });
  }
  const total = [...accounts, ...nodes].reduce((n, j) => n + j.rows, 0);
  let done = 0;
  const run = async (db: pg.Client, job: Job) => {
    await db.query(job.sql, job.params);
    done += job.rows;
    progress(done, total);
  };
  await onPool(dbs, accounts, run);
  await onPool(dbs, nodes, run);
}

/** The average lengths of the fields of rows already there (the bench account's own). */
export async function measureLengths(db: pg.Client): Promise<Lengths> {
  const n = (
    await db.query(`select avg(length(wrapped_key))::int as wk, avg(length(metadata))::int as md,
      avg(length(name_hash))::int as nh from nodes where name_hash is not null`)
  ).rows[0];
  const r = (await db.query('select avg(length(manifest))::int as mf from revisions')).rows[0];
  const a = (
    await db.query(`select avg(length(opaque_record))::int as op,
      avg(length(wrapped_master_key))::int as wm, avg(length(key_bundle))::int as kb from accounts`)
  ).rows[0];
  return {
    wrappedKey: n.wk ?? 100,
    metadata: n.md ?? 200,
    nameHash: n.nh ?? 43,
    manifest: r.mf ?? 300,
    opaqueRecord: a.op ?? 300,
    wrapped: a.wm ?? 100,
    keyBundle: a.kb ?? 500,
  };
}
