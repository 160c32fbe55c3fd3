import { sha256Hex } from '@coffer/crypto';
import { ConflictError } from '@coffer/errors';
import { formatBytes } from './output.ts';

// [Note: Copies that can be run again]
// `coffer put SRC [REMOTE]` and `coffer get REMOTE [LOCAL]` copy the way `rclone copy` does, so
// that running the same command again after an interruption completes it instead of nesting
// the tree one level deeper:
// - A folder SRC: its contents go into DEST, created if missing. Never DEST/NAME-of-SRC.
// - A file SRC: to DEST/NAME if DEST is an existing folder or ends with "/" (rclone copy);
//   otherwise DEST is the file's own path (rclone copyto). Once copied, DEST is that file, so
//   a rerun picks the same path.
// - No DEST: the folder or file of SRC's name at the top of the destination (`/NAME` remotely,
//   `./NAME` locally); for a folder, its contents go into it.
// A file already at the destination is skipped when its size and modification time (to the
// millisecond, kept in the encrypted metadata) are equal; when only the time differs, it is
// skipped if the content hash is equal too. Anything else is copied again (a new revision
// remotely). These rules are pure functions here; the transfers are in put.ts and get.ts.

/** The size and modification time (whole milliseconds) of a file on either side. */
export interface Stamp {
  size: number;
  mtime: number;
}

export type Kind = 'file' | 'folder';

/** What to do with one file: copy it, leave it, or compare content hashes first. */
export type Verdict = 'copy' | 'skip' | 'verify';

/** Where a copy goes: a folder whose contents receive SRC's contents, or one file's path. */
export type Target = { kind: 'contents'; dir: string } | { kind: 'file'; path: string };

/** How paths are joined and told apart on the destination's side. */
export interface PathStyle {
  join(dir: string, name: string): string;
  /** DEST written as a folder ("photos/", or the root). */
  namesFolder(dest: string): boolean;
  /** The path `NAME` at the top of the destination, when no DEST is given. */
  top(name: string): string;
}

export const remoteStyle: PathStyle = {
  join: (dir, name) => `${dir.replace(/\/+$/, '')}/${name}`,
  namesFolder: (dest) => dest === '' || dest.endsWith('/'),
  top: (name) => `/${name}`,
};

/** Where SRC (a file or a folder called `name`) goes, given DEST and what DEST is now. */
export function copyTarget(
  src: { name: string; kind: Kind },
  dest: { path: string | undefined; kind: Kind | null; field: string },
  style: PathStyle,
): Target {
  const path = dest.path ?? (src.name ? style.top(src.name) : style.top(''));
  if (src.kind === 'folder') {
    if (dest.kind === 'file')
      throw new ConflictError(
        `${dest.field}: ${path} is a file; a folder's contents go into a folder`,
      );
    return { kind: 'contents', dir: path };
  }
  if (dest.path !== undefined && (dest.kind === 'folder' || style.namesFolder(dest.path)))
    return { kind: 'file', path: style.join(dest.path, src.name) };
  if (dest.kind === 'folder')
    throw new ConflictError(`${dest.field}: ${path} is a folder, not the file ${src.name}`);
  return { kind: 'file', path };
}

/** Whether `source` must be copied over what is at the destination (`dest`, null if nothing). */
export function compare(source: Stamp, dest: (Stamp & { kind: Kind }) | null): Verdict {
  if (!dest) return 'copy';
  if (dest.kind !== 'file') return 'copy';
  if (dest.size !== source.size) return 'copy';
  return Math.floor(dest.mtime) === Math.floor(source.mtime) ? 'skip' : 'verify';
}

/** A file to copy, by its path relative to the copy's root ("a/b.txt"). */
export interface Planned<T> {
  rel: string;
  item: T;
}

export interface Plan<T> {
  copy: Planned<T>[];
  skip: Planned<T>[];
  verify: Planned<T>[];
}

/**
 * Sorts the files of a copy by verdict. `dest` maps relative paths to what is there; a folder
 * where a file should go (or a file where a folder should go) stops the copy before anything
 * is written, naming the path.
 */
export function plan<T extends Stamp>(
  files: readonly Planned<T>[],
  dirs: readonly string[],
  dest: ReadonlyMap<string, Stamp & { kind: Kind }>,
  describe: (rel: string) => string,
): Plan<T> {
  for (const d of dirs) {
    if (dest.get(d)?.kind === 'file')
      throw new ConflictError(`${describe(d)} is a file; the copy needs a folder there`);
  }
  const out: Plan<T> = { copy: [], skip: [], verify: [] };
  for (const f of files) {
    const there = dest.get(f.rel) ?? null;
    if (there?.kind === 'folder')
      throw new ConflictError(`${describe(f.rel)} is a folder; the copy has a file there`);
    out[compare(f.item, there)].push(f);
  }
  return out;
}

/** What a copy did, for its summary line and --json. */
export interface Tally {
  /** Every file of the copy. */
  files: number;
  bytes: number;
  /** Copied: uploaded or downloaded (including resumed ones). */
  copied: number;
  bytesCopied: number;
  skipped: number;
  bytesSkipped: number;
  /** Copied by continuing an interrupted transfer. */
  resumed: number;
}

export const emptyTally = (): Tally => ({
  files: 0,
  bytes: 0,
  copied: 0,
  bytesCopied: 0,
  skipped: 0,
  bytesSkipped: 0,
  resumed: 0,
});

const sum = (files: readonly Planned<Stamp>[]) => files.reduce((s, f) => s + f.item.size, 0);

/** The tally of a plan before copying: every file, and the ones skipped. */
export const tallyOf = (all: readonly Planned<Stamp>[], skipped: readonly Planned<Stamp>[]) => ({
  ...emptyTally(),
  files: all.length,
  bytes: sum(all),
  skipped: skipped.length,
  bytesSkipped: sum(skipped),
});

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "Stored 3 files (1.2 MiB) at /photos in 0.4 s, 3.0 MiB/s; skipped 5 unchanged files". */
export function summary(verb: string, where: string, t: Tally, seconds: number): string {
  const rate = formatBytes(t.bytesCopied / Math.max(seconds, 0.001));
  return `${verb} ${plural(t.copied, 'file')} (${formatBytes(t.bytesCopied)}) ${where} in ${seconds.toFixed(1)} s, ${rate}/s${rerunNote(t)}`;
}

/** "skipped 3 unchanged, resumed 1" (empty when neither happened). */
export function rerunNote(t: Tally): string {
  const parts: string[] = [];
  if (t.skipped) parts.push(`skipped ${plural(t.skipped, 'unchanged file')}`);
  if (t.resumed) parts.push(`resumed ${plural(t.resumed, 'interrupted transfer')}`);
  return parts.length ? `; ${parts.join(', ')}` : '';
}

/**
 * Where an interrupted upload of a local file to `remote` is remembered: the account, the
 * local file as it is now (path, size, mtime) and where it goes. A rerun of the same command
 * maps the file to the same remote path (copyTarget never nests), so it finds the state again;
 * a changed file gets another key and starts over.
 */
export async function resumeKey(
  accountId: string,
  f: { abs: string; size: number; mtime: number },
  remote: string,
): Promise<string> {
  const parts = [accountId, f.abs, f.size, Math.floor(f.mtime), remote];
  return (await sha256Hex(new TextEncoder().encode(JSON.stringify(parts)))).slice(0, 32);
}
