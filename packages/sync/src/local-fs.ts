import { createReadStream, createWriteStream } from 'node:fs';
import {
  chmod,
  link,
  lstat,
  mkdir,
  open,
  readdir,
  rename,
  rm,
  stat,
  unlink,
  utimes,
} from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { newAccountId } from '@coffer/crypto';
import { ConflictError } from '@coffer/errors';
import { partName } from './ignore.ts';
import type { IdOf } from './local-scan.ts';
import { PART_PREFIX, STATE_DIR } from './names.ts';

// What sync does to local files, each step safe to interrupt: a download goes to a temporary
// file in the target folder and is renamed into place (or linked there, when nothing may be
// overwritten); a delete moves the node into `.coffer/trash/DATE/`, kept for 30 days.

export const TRASH_DIR = `${STATE_DIR}/trash`;
export const TRASH_DAYS = 30;

export interface Stamp {
  id: string;
  size: number;
  mtime: number;
  /** The change time in nanoseconds: moves with every write, even within a millisecond. */
  ctimeNs: bigint;
}

export async function stampOf(path: string, idOf: IdOf): Promise<Stamp | null> {
  try {
    const s = await lstat(path, { bigint: true });
    return { id: idOf(s), size: Number(s.size), mtime: Number(s.mtimeMs), ctimeNs: s.ctimeNs };
  } catch {
    return null;
  }
}

export const sameStamp = (a: Stamp | null, b: { id: string; size: number; mtime: number }) =>
  !!a && a.id === b.id && a.size === b.size && a.mtime === b.mtime;

/**
 * Writes `source` into a temporary file in `dir`, synced to disk with its mtime and mode,
 * and returns its path; the caller renames or links it into place.
 */
export async function writePart(
  dir: string,
  name: string,
  source: AsyncIterable<Uint8Array>,
  o: { mtime: number; exec: boolean },
): Promise<string> {
  const part = join(dir, partName(name, newAccountId().slice(0, 12)));
  try {
    await pipeline(source, createWriteStream(part, { flags: 'wx', mode: o.exec ? 0o755 : 0o644 }));
    const fh = await open(part, 'r+');
    try {
      await fh.datasync();
    } finally {
      await fh.close();
    }
    const at = new Date(o.mtime);
    await utimes(part, at, at);
    return part;
  } catch (e) {
    await rm(part, { force: true });
    throw e;
  }
}

/** Puts `part` at `target` only if nothing is there (atomic: link, then unlink the part). */
export async function placeNew(part: string, target: string): Promise<boolean> {
  try {
    await link(part, target);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    await unlink(part).catch(() => undefined);
  }
}

/** Renames, through a temporary name when only the case changes (a case-insensitive disk). */
export async function renameSafely(from: string, to: string): Promise<void> {
  if (from.toLowerCase() === to.toLowerCase() && from !== to) {
    const step = join(dirname(to), `${PART_PREFIX}${newAccountId().slice(0, 12)}`);
    await rename(from, step);
    await rename(step, to);
    return;
  }
  await rename(from, to);
}

export async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** Moves a local node into `.coffer/trash/DATE/REL` (a free name there), kept 30 days. */
export async function toLocalTrash(root: string, rel: string, now: Date): Promise<void> {
  const day = now.toISOString().slice(0, 10);
  let target = join(root, TRASH_DIR, day, rel);
  await mkdir(dirname(target), { recursive: true });
  for (let i = 2; await exists(target); i++) target = join(root, TRASH_DIR, day, `${rel} (${i})`);
  await rename(join(root, rel), target);
}

/** Empties the local trash of days older than TRASH_DAYS. */
export async function sweepLocalTrash(root: string, now: Date): Promise<void> {
  const dir = join(root, TRASH_DIR);
  const oldest = new Date(now.getTime() - TRASH_DAYS * 86_400_000).toISOString().slice(0, 10);
  for (const day of await readdir(dir).catch(() => [] as string[])) {
    if (/^\d{4}-\d{2}-\d{2}$/.test(day) && day < oldest) {
      await rm(join(dir, day), { recursive: true, force: true });
    }
  }
}

export async function setExec(path: string, exec: boolean): Promise<void> {
  const mode = (await stat(path)).mode & 0o777;
  await chmod(path, exec ? mode | ((mode & 0o444) >> 2) : mode & ~0o111);
}

/**
 * The file's bytes, checked at the end to be the file that was scanned: a file that changed
 * while it uploaded fails the upload before it is committed, never committed half-read.
 */
export async function* stillSame(
  path: string,
  start: Stamp,
  idOf: IdOf,
): AsyncGenerator<Uint8Array> {
  for await (const piece of createReadStream(path)) yield piece as Uint8Array;
  const end = await stampOf(path, idOf);
  if (!end || !sameStamp(end, start) || end.ctimeNs !== start.ctimeNs) {
    throw new ConflictError(`${path}: changed while it uploaded; it goes again on the next pass`);
  }
}
