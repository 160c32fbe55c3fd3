import { join } from 'node:path';
import { ValidationError } from '@coffer/errors';
import Database from 'better-sqlite3';

// The index: SQLite, one row per live chunk and per segment, and a `stats` row kept up to date
// in the same transactions. See README.md for the tables.

const SCHEMA_VERSION = 3;
/** Seqs are reserved in blocks of this many; see StoreState.nextSeq. */
export const SEQ_BLOCK = 65536;

/** `segments.sealed`: where a segment is in its life. */
export const SEG_OPEN = 0; // takes appends
export const SEG_SEALED = 1; // full (or broken): read-only
export const SEG_DRAINING = 2; // compaction has moved some of its records out
export const SEG_EMPTIED = 3; // nothing in the index points into it; the file is being removed

export interface Row {
  segment: number;
  offset: number;
  length: number;
  stored_at: number;
}

export interface SegmentRow {
  committed_end: number;
  dead_bytes: number;
  kept_bytes: number;
  sealed: number;
}

export type Db = Database.Database;

export const segmentsDir = (dir: string) => join(dir, 'segments');
export const indexPath = (dir: string) => join(dir, 'index.sqlite');

function createSchema(db: Db): void {
  db.exec(`
    CREATE TABLE chunks (
      id BLOB PRIMARY KEY,
      segment INTEGER NOT NULL,
      offset INTEGER NOT NULL,
      length INTEGER NOT NULL,
      stored_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE segments (
      id INTEGER PRIMARY KEY,
      committed_end INTEGER NOT NULL DEFAULT 0,
      dead_bytes INTEGER NOT NULL DEFAULT 0,
      sealed INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX segments_open ON segments (id) WHERE sealed = 0;
    CREATE TABLE stats (
      one INTEGER PRIMARY KEY CHECK (one = 1),
      used_bytes INTEGER NOT NULL,
      chunks INTEGER NOT NULL,
      next_seq INTEGER NOT NULL,
      dead_bytes INTEGER NOT NULL
    );
    INSERT INTO stats VALUES (1, 0, 0, 1, 0);
    PRAGMA user_version = 1;
  `);
}

/**
 * Version 2: compaction. `segments.sealed` takes the SEG_* states, `kept_bytes` counts the
 * tombstones compaction copied in, `graves` lists dead chunk records per segment, and
 * `stats.graves_from` is the first segment whose dead records are all in `graves`; segments
 * written before this version never listed them. See [Note: Compaction]. `stats.segments`
 * counts the segment rows (kept by triggers), so that start-up need not.
 */
function migrateToV2(db: Db): void {
  db.exec(`
    ALTER TABLE segments ADD COLUMN kept_bytes INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX segments_waste ON segments ((dead_bytes * 1.0) / committed_end) WHERE sealed = 1;
    CREATE INDEX segments_busy ON segments (id) WHERE sealed >= 2;
    CREATE TABLE graves (
      id BLOB NOT NULL,
      segment INTEGER NOT NULL,
      PRIMARY KEY (id, segment)
    ) WITHOUT ROWID;
    ALTER TABLE stats ADD COLUMN graves_from INTEGER NOT NULL DEFAULT 1;
    UPDATE stats SET graves_from = (SELECT coalesce(max(id), 0) + 1 FROM segments);
    ALTER TABLE stats ADD COLUMN segments INTEGER NOT NULL DEFAULT 0;
    UPDATE stats SET segments = (SELECT count(*) FROM segments);
    CREATE TRIGGER segments_added AFTER INSERT ON segments
      BEGIN UPDATE stats SET segments = segments + 1; END;
    CREATE TRIGGER segments_removed AFTER DELETE ON segments
      BEGIN UPDATE stats SET segments = segments - 1; END;
    PRAGMA user_version = 2;
  `);
}

/**
 * Version 3: the chunks by time stored, the journal the orphan sweep reads from its cursor
 * ([Note: Orphan sweep] in the hub's services/orphans.ts). Built once, on the first start.
 */
function migrateToV3(db: Db): void {
  db.exec(`
    CREATE INDEX IF NOT EXISTS chunks_stored ON chunks (stored_at);
    PRAGMA user_version = 3;
  `);
}

export function openDb(path: string): Db {
  const db = new Database(path);
  // One process owns the index (store.lock): exclusive locking keeps the WAL index in memory
  // and saves the file-lock system calls every read would otherwise make.
  db.pragma('locking_mode = EXCLUSIVE');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -65536'); // 64 MiB of index pages
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version === 0) {
    db.transaction(() => {
      createSchema(db);
      migrateToV2(db);
      migrateToV3(db);
    })();
  } else if (version === 1) {
    db.transaction(() => {
      migrateToV2(db);
      migrateToV3(db);
    })();
  } else if (version === 2) {
    db.transaction(() => migrateToV3(db))();
  } else if (version !== SCHEMA_VERSION) {
    db.close();
    throw new ValidationError(
      'dataDir',
      `index.sqlite has schema version ${version}; this host understands ${SCHEMA_VERSION}`,
    );
  }
  return db;
}

/** Every statement the store runs more than once, prepared at open. */
export interface Queries {
  get: Database.Statement<[Buffer], Row>;
  insert: Database.Statement<[Buffer, number, number, number, number]>;
  exists: Database.Statement<[Buffer], number>;
  remove: Database.Statement<[Buffer]>;
  touch: Database.Statement<[number, Buffer]>;
  segEnd: Database.Statement<[number, number, number]>;
  newSegment: Database.Statement<[number]>;
  dropSegment: Database.Statement<[number]>;
  seal: Database.Statement<[number]>;
  stats: Database.Statement<[number, number, number]>;
  seq: Database.Statement<[number]>;
  graveAdd: Database.Statement<[Buffer, number]>;
  graveDel: Database.Statement<[Buffer, number]>;
  graveElsewhere: Database.Statement<[Buffer, number], number>;
  segRow: Database.Statement<[number], SegmentRow>;
  segAdd: Database.Statement<[number, number, number, number]>;
  setState: Database.Statement<[number, number]>;
  busy: Database.Statement<[], { id: number; sealed: number }>;
  otherBusy: Database.Statement<[number], number>;
  legacy: Database.Statement<[number, number], number>;
  candidates: Database.Statement<[number, number], number>;
  reclaimable: Database.Statement<[number], number>;
  removeSeg: Database.Statement<[number]>;
  move: Database.Statement<[number, number, Buffer, number, number]>;
  page: Database.Statement<[Buffer, number], { id: Buffer } & Row>;
}

export function prepareQueries(db: Db): Queries {
  return {
    get: db.prepare<[Buffer], Row>(
      'SELECT segment, offset, length, stored_at FROM chunks WHERE id = ?',
    ),
    insert: db.prepare<[Buffer, number, number, number, number]>(
      'INSERT OR IGNORE INTO chunks (id, segment, offset, length, stored_at) VALUES (?, ?, ?, ?, ?)',
    ),
    exists: db.prepare<[Buffer], number>('SELECT 1 FROM chunks WHERE id = ?').pluck(),
    remove: db.prepare<[Buffer]>('DELETE FROM chunks WHERE id = ?'),
    touch: db.prepare<[number, Buffer]>('UPDATE chunks SET stored_at = ? WHERE id = ?'),
    segEnd: db.prepare<[number, number, number]>(
      'UPDATE segments SET committed_end = max(committed_end, ?), dead_bytes = dead_bytes + ? WHERE id = ?',
    ),
    newSegment: db.prepare<[number]>('INSERT INTO segments (id) VALUES (?)'),
    dropSegment: db.prepare<[number]>('DELETE FROM segments WHERE id = ? AND committed_end = 0'),
    seal: db.prepare<[number]>('UPDATE segments SET sealed = 1 WHERE id = ?'),
    stats: db.prepare<[number, number, number]>(
      'UPDATE stats SET used_bytes = ?, chunks = ?, dead_bytes = ? WHERE one = 1',
    ),
    seq: db.prepare<[number]>('UPDATE stats SET next_seq = ? WHERE one = 1'),
    graveAdd: db.prepare<[Buffer, number]>(
      'INSERT OR IGNORE INTO graves (id, segment) VALUES (?, ?)',
    ),
    graveDel: db.prepare<[Buffer, number]>('DELETE FROM graves WHERE id = ? AND segment = ?'),
    graveElsewhere: db
      .prepare<[Buffer, number], number>(
        'SELECT 1 FROM graves WHERE id = ? AND segment != ? LIMIT 1',
      )
      .pluck(),
    segRow: db.prepare<[number], SegmentRow>(
      'SELECT committed_end, dead_bytes, kept_bytes, sealed FROM segments WHERE id = ?',
    ),
    segAdd: db.prepare<[number, number, number, number]>(
      `UPDATE segments SET committed_end = max(committed_end, ?), dead_bytes = dead_bytes + ?,
        kept_bytes = kept_bytes + ? WHERE id = ?`,
    ),
    setState: db.prepare<[number, number]>('UPDATE segments SET sealed = ? WHERE id = ?'),
    busy: db.prepare<[], { id: number; sealed: number }>(
      'SELECT id, sealed FROM segments WHERE sealed >= 2 ORDER BY id',
    ),
    otherBusy: db
      .prepare<[number], number>('SELECT 1 FROM segments WHERE sealed >= 2 AND id != ? LIMIT 1')
      .pluck(),
    legacy: db
      .prepare<[number, number], number>('SELECT 1 FROM segments WHERE id < ? AND id != ? LIMIT 1')
      .pluck(),
    candidates: db
      .prepare<[number, number], number>(
        `SELECT id FROM segments WHERE sealed = 1 AND (dead_bytes * 1.0) / committed_end >= ?
          ORDER BY id LIMIT ?`,
      )
      .pluck(),
    reclaimable: db
      .prepare<[number], number>(
        `SELECT coalesce(sum(dead_bytes), 0) FROM segments
          WHERE sealed = 1 AND (dead_bytes * 1.0) / committed_end >= ?`,
      )
      .pluck(),
    removeSeg: db.prepare<[number]>('DELETE FROM segments WHERE id = ?'),
    move: db.prepare<[number, number, Buffer, number, number]>(
      'UPDATE chunks SET segment = ?, offset = ? WHERE id = ? AND segment = ? AND offset = ?',
    ),
    page: db.prepare<[Buffer, number], { id: Buffer } & Row>(
      'SELECT id, segment, offset, length, stored_at FROM chunks WHERE id > ? ORDER BY id LIMIT ?',
    ),
  };
}
