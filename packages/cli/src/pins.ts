import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ValidationError } from '@coffer/errors';
import type { FreshnessPins, Pin, SavedSession } from '@coffer/sdk';
import Sqlite from 'better-sqlite3';
import { configDir } from './config.ts';

// [Note: Pins on disk]
// The CLI keeps the SDK's freshness pins ([Note: Freshness pins]) across runs, one SQLite
// database per account and hub: $COFFER_CONFIG_DIR/pins/HUB.ACCOUNT.db (0600), each node id
// with its revision and key version. The file is made for its hub and account only, so two
// accounts never share pins. A pin is looked up when the SDK needs it, and the pins that moved
// are written in one transaction half a second later and when the command ends, each the
// higher of what this run saw and what the row holds (another run may have written it
// meanwhile): pins only ever go up. Nothing is held in memory but the pins waiting to be
// written, and no write costs more than its own rows, however many nodes the account has (a
// JSON file read and written whole cost a sync of 100,000 files a 3.5 MB rewrite every half
// second). A pins file of the earlier JSON form is taken in once and removed.

const SAVE_AFTER_MS = 500;
const open = new Set<PinFile>();

const pinPath = (s: SavedSession, ext: string) =>
  join(configDir(), 'pins', `${encodeURIComponent(s.hubUrl)}.${s.accountId}.${ext}`);

function damaged(file: string, e: unknown): ValidationError {
  return new ValidationError(
    'pins',
    `${file} is damaged (${(e as Error).message}); remove it to start over (rollbacks the hub made before are then no longer caught)`,
  );
}

/**
 * A SQLite error as the user should read it: a damaged file (found when opened, or only when a
 * page past the header is read or written) says so; a full disk or a lock held too long is
 * not damage and is reported as it is.
 */
function checked(file: string, e: unknown): unknown {
  const code = String((e as { code?: unknown }).code ?? '');
  return /^SQLITE_(CORRUPT|NOTADB)/.test(code) ? damaged(file, e) : e;
}

/** The pins of an earlier version's JSON file, if there is one. */
function jsonPins(file: string, s: SavedSession): [string, number, number][] {
  if (!existsSync(file)) return [];
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { hubUrl?: unknown; accountId?: unknown };
    if (doc.hubUrl !== s.hubUrl || doc.accountId !== s.accountId) return [];
    const pins = (doc as { pins: Record<string, unknown> }).pins;
    return Object.entries(pins).map(([id, v]) => {
      if (!Array.isArray(v) || v.length !== 2 || !v.every(Number.isSafeInteger)) {
        throw new Error(`the pin of ${id} is not [revision, keyVersion]`);
      }
      return [id, v[0] as number, v[1] as number];
    });
  } catch (e) {
    throw damaged(file, e);
  }
}

function openPins(s: SavedSession) {
  const file = pinPath(s, 'db');
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  // Made 0600 before SQLite opens it (its -wal and -shm files take the same mode), and only if
  // missing: a run starting beside another must not empty the file the other is writing.
  closeSync(openSync(file, 'a', 0o600));
  let db: Sqlite.Database;
  try {
    db = new Sqlite(file);
    db.pragma('busy_timeout = 10000'); // first: another run may hold the lock WAL mode needs
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(`create table if not exists pins (
      node_id text primary key, revision integer not null, key_version integer not null
    ) without rowid`);
  } catch (e) {
    throw checked(file, e);
  }
  const getRow = db.prepare<[string], { revision: number; key_version: number }>(
    'select revision, key_version from pins where node_id = ?',
  );
  const raise = db.prepare<[string, number, number]>(
    `insert into pins (node_id, revision, key_version) values (?, ?, ?)
     on conflict (node_id) do update set revision = max(revision, excluded.revision),
       key_version = max(key_version, excluded.key_version)`,
  );
  const writeRows = db.transaction((pins: Iterable<[string, number, number]>) => {
    for (const [id, r, k] of pins) raise.run(id, r, k);
  });
  const get = (id: string) => {
    try {
      return getRow.get(id);
    } catch (e) {
      throw checked(file, e);
    }
  };
  const write = (pins: Iterable<[string, number, number]>) => {
    try {
      writeRows(pins);
    } catch (e) {
      throw checked(file, e);
    }
  };
  const old = pinPath(s, 'json');
  const earlier = jsonPins(old, s);
  if (earlier.length) write(earlier);
  rmSync(old, { force: true });
  return { db, get, write };
}

/** One account's pins on disk, opened when this run first needs one. */
class PinFile implements FreshnessPins {
  private store: ReturnType<typeof openPins> | undefined;
  private readonly moved = new Map<string, Pin>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly session: SavedSession) {}

  private opened() {
    this.store ??= openPins(this.session);
    return this.store;
  }

  get(nodeId: string): Pin | undefined {
    const waiting = this.moved.get(nodeId);
    const row = this.opened().get(nodeId);
    const stored = row && { revision: row.revision, keyVersion: row.key_version };
    if (!waiting) return stored;
    if (!stored) return waiting;
    return {
      revision: Math.max(waiting.revision, stored.revision),
      keyVersion: Math.max(waiting.keyVersion, stored.keyVersion),
    };
  }

  put(nodeId: string, pin: Pin): void {
    const had = this.moved.get(nodeId);
    this.moved.set(
      nodeId,
      had
        ? {
            revision: Math.max(had.revision, pin.revision),
            keyVersion: Math.max(had.keyVersion, pin.keyVersion),
          }
        : pin,
    );
    // A failed write in passing keeps the pins waiting; the write at the end reports it.
    this.timer ??= setTimeout(() => {
      try {
        this.save();
      } catch {}
    }, SAVE_AFTER_MS);
    this.timer.unref();
  }

  /** Writes the pins that moved, each the higher of this run's and the stored one. */
  save(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.moved.size === 0) return;
    const pins = [...this.moved].map(([id, p]): [string, number, number] => [
      id,
      p.revision,
      p.keyVersion,
    ]);
    this.opened().write(pins);
    this.moved.clear();
  }

  close(): void {
    this.save();
    this.store?.db.close();
    this.store = undefined;
  }
}

/** The pins of the saved session's account, kept on disk across runs. */
export function pinsOf(session: SavedSession): FreshnessPins {
  const pins = new PinFile(session);
  open.add(pins);
  return pins;
}

/** Writes every pin that moved in this run (main calls it when a command ends). */
export async function savePins(): Promise<void> {
  for (const p of open) p.close();
  open.clear();
}
