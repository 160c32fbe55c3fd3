import { type BigIntStats, createReadStream } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { hashContent } from '@coffer/crypto';
import { chunkSizeFor } from '@coffer/sdk';
import { PART_PREFIX, STATE_DIR } from './names.ts';
import type { BaseNode, LocalNode, Tree } from './trees.ts';

// The local tree: a walk of the root, each node keyed by `dev:ino`. A file is hashed (as a
// manifest hashes it) only when no base row knows it at this size and mtime, so a pass over
// an unchanged tree reads no file. Symbolic links are skipped with a warning, never
// followed out of the root; so are sockets, devices and the like.

export interface ScanOptions {
  idOf: IdOf;
  /** Base rows by local id: their hash stands while size and mtime are unchanged. */
  known: (local: string) => BaseNode | undefined;
  /** Paths (relative, `/` between names) that are not synced. */
  ignored?: (path: string, kind: 'file' | 'folder') => boolean;
  warn?: (message: string) => void;
}

export interface LocalScan extends Tree<LocalNode> {
  /** Downloads a killed pass left behind (`.coffer-part-…`), by absolute path. */
  leftovers: string[];
}

type Ids = { dev: bigint; ino: bigint; birthtimeNs: bigint };
/** How a file system node is identified for sync. */
export type IdOf = (s: Ids) => string;

/**
 * Device and inode, and the birth time where the disk keeps one: an inode freed by a delete
 * is soon given to a new file, which would otherwise pass for the deleted one, moved.
 */
export const idScheme = (withBirth: boolean): IdOf =>
  withBirth ? (s) => `${s.dev}:${s.ino}:${s.birthtimeNs}` : (s) => `${s.dev}:${s.ino}`;

export async function scanLocal(root: string, o: ScanOptions): Promise<LocalScan> {
  const top = await lstat(root, { bigint: true });
  const rootId = o.idOf(top);
  const nodes = new Map<string, LocalNode>();
  const leftovers: string[] = [];
  const walk = async (dir: string, parent: string, rel: string): Promise<void> => {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (e) {
      o.warn?.(`cannot read ${rel || '.'}: ${(e as Error).message}`);
      return;
    }
    names.sort();
    for (const name of names) {
      if (!rel && name === STATE_DIR) continue;
      if (name.startsWith(PART_PREFIX)) {
        leftovers.push(join(dir, name));
        continue;
      }
      const path = join(dir, name);
      const relPath = rel ? `${rel}/${name}` : name;
      let s: BigIntStats;
      try {
        s = await lstat(path, { bigint: true });
      } catch {
        continue; // gone since the listing
      }
      if (s.isSymbolicLink()) {
        o.warn?.(`${relPath} is a symbolic link: skipped, not followed`);
        continue;
      }
      const kind = s.isDirectory() ? 'folder' : s.isFile() ? 'file' : null;
      if (!kind) {
        o.warn?.(`${relPath} is not a file or a folder: skipped`);
        continue;
      }
      if (o.ignored?.(relPath, kind)) continue;
      const id = o.idOf(s);
      const size = kind === 'file' ? Number(s.size) : 0;
      const mtime = kind === 'file' ? Number(s.mtimeMs) : 0;
      const exec = kind === 'file' && (Number(s.mode) & 0o111) !== 0;
      let hash: string | null = null;
      if (kind === 'file') {
        const known = o.known(id);
        hash =
          known && known.size === size && known.mtime === mtime
            ? known.hash
            : await hashStable(path, size, mtime);
      }
      nodes.set(id, { id, parent, name, kind, size, mtime, exec, hash });
      if (kind === 'folder') await walk(path, id, relPath);
    }
  };
  await walk(root, rootId, '');
  return { root: rootId, nodes, leftovers };
}

/**
 * The file's content hash, or null when it changed while it was read (it is hashed again on
 * the next pass, once it is still).
 */
export async function hashStable(
  path: string,
  size: number,
  mtime: number,
): Promise<string | null> {
  try {
    const before = await lstat(path, { bigint: true });
    const hash = await hashContent(createReadStream(path), chunkSizeFor(size));
    const after = await lstat(path, { bigint: true });
    const still =
      Number(after.size) === size &&
      Number(after.mtimeMs) === mtime &&
      after.ctimeNs === before.ctimeNs &&
      Number(before.size) === size;
    return still ? hash : null;
  } catch {
    return null;
  }
}
