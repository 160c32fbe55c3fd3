import { renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { hashContent } from '@coffer/crypto';
import { ConnectionError } from '@coffer/errors';
import type { PathStyle } from './sync-plan.ts';

/** A local file of a copy: where it is, its path relative to the copy's root, size and mtime. */
export interface LocalFile {
  abs: string;
  rel: string;
  size: number;
  mtime: number;
}

/** Local paths for the copy rules of sync-plan.ts. */
export const localStyle = (resolveTop: (name: string) => string): PathStyle => ({
  join,
  namesFolder: (dest) => dest.endsWith('/') || dest.endsWith(sep),
  top: resolveTop,
});

/** Every file and folder under `root`, by relative path ("a/b.txt", names in NFC). */
export async function walkLocal(root: string): Promise<{ files: LocalFile[]; dirs: string[] }> {
  const files: LocalFile[] = [];
  const dirs: string[] = [];
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  for (const d of entries) {
    const abs = join(d.parentPath, d.name);
    const rel = relative(root, abs).split(sep).join('/').normalize('NFC');
    if (d.isDirectory()) dirs.push(rel);
    else if (d.isFile()) {
      const s = await stat(abs);
      files.push({ abs, rel, size: s.size, mtime: Math.floor(s.mtimeMs) });
    }
  }
  dirs.sort((a, b) => a.length - b.length);
  return { files, dirs };
}

/**
 * A file's bytes through one reused 1 MiB buffer: encryptContent copies each piece into its
 * chunk before asking for the next, and fresh buffers per read would pile up as garbage.
 */
export async function* readReusing(path: string): AsyncGenerator<Uint8Array> {
  const fh = await open(path, 'r');
  const buf = new Uint8Array(1024 * 1024);
  try {
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) return;
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}

/** A local file's content hash, as a manifest with that chunk size states it. */
export const hashLocal = (abs: string, chunkSize: number) =>
  hashContent(readReusing(abs), chunkSize);

/** Sets a local file's modification time (ms), as a copy from the remote side keeps it. */
export async function touch(abs: string, mtime: number) {
  // Times pass to the kernel as seconds in a double, and whole milliseconds such as
  // 1796338625.129 s are not exact there: they may land a nanosecond short, in the millisecond
  // before, and a later comparison of whole milliseconds would see a change. Half a millisecond
  // in, the rounding cannot leave the millisecond.
  const t = (Math.floor(mtime) + 0.5) / 1000;
  const fh = await open(abs, 'r+');
  try {
    await fh.utimes(t, t);
  } finally {
    await fh.close();
  }
}

/** What a download needs to be continued later: the content it must end up as. */
export interface Resumable {
  size: number;
  contentHash: string;
  chunkSize: number;
}

/**
 * Writes a download to `dest` through a temporary file renamed into place at the end, so a
 * failure never leaves a half-written `dest`. With `resumable`, the temporary file is named
 * after the content (`.NAME.HASH.coffer-partial`) and kept when the network fails or the
 * process dies: the next run fetches only the rest (`open(start)`) and checks the whole file
 * against the content hash. Returns whether it continued an earlier partial file.
 */
export async function writeDownload(
  dest: string,
  mtime: number | null,
  open_: (start: number) => Promise<{
    stream: ReadableStream<Uint8Array>;
    /** Takes back a piece once it is written (`Download.recycle`). */
    recycle?: (piece: Uint8Array) => void;
  }>,
  resumable?: Resumable,
): Promise<{ resumed: boolean }> {
  const tag = resumable ? `.${resumable.contentHash.slice(0, 16)}` : '';
  const tmp = join(dirname(dest), `.${basename(dest)}${tag}.coffer-partial`);
  let start = 0;
  if (resumable) {
    const had = await stat(tmp).catch(() => null);
    if (had?.isFile() && had.size < resumable.size) start = had.size;
  }
  const fh = await open(tmp, start > 0 ? 'a' : 'w', 0o644);
  try {
    const { stream, recycle } = await open_(start);
    for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) {
      let off = 0;
      while (off < chunk.length) off += (await fh.write(chunk, off)).bytesWritten;
      recycle?.(chunk);
    }
    // No fsync: the rename already keeps a crash from leaving a half-written file, and a
    // download lost to a power cut is fetched again; fsyncing each of many small files
    // would cost more than fetching them.
    if (mtime !== null) {
      const t = new Date(mtime);
      await fh.utimes(t, t).catch(() => {});
    }
  } catch (e) {
    await fh.close().catch(() => {});
    if (!(resumable && e instanceof ConnectionError)) await rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  if (start > 0 && resumable) {
    // The part fetched now was verified chunk by chunk; the part already on disk was not.
    const hash = await hashLocal(tmp, resumable.chunkSize);
    if (hash !== resumable.contentHash) {
      // Damaged on disk since: fetch it whole (no partial file is left, so this runs once).
      await rm(tmp, { force: true });
      await writeDownload(dest, mtime, open_, resumable);
      return { resumed: false };
    }
  }
  await rename(tmp, dest);
  return { resumed: start > 0 };
}

/**
 * A small file's download, its bytes already verified, written, dated and renamed into place
 * with synchronous calls: for a 4 KiB file each asynchronous call costs more than the work, a
 * trip through libuv's thread pool and back. Still a temporary file renamed into place, so a
 * failure never leaves a half-written `dest`.
 */
export function writeSmall(dest: string, mtime: number | null, bytes: Uint8Array) {
  const tmp = join(dirname(dest), `.${basename(dest)}.coffer-partial`);
  try {
    writeFileSync(tmp, bytes, { mode: 0o644 });
    if (mtime !== null) {
      try {
        const t = new Date(mtime);
        utimesSync(tmp, t, t);
      } catch {}
    }
    renameSync(tmp, dest);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
