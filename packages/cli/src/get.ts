import { mkdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { VerifiedManifest } from '@coffer/crypto';
import { ConflictError, ValidationError } from '@coffer/errors';
import { type CofferClient, type OpenNode, SMALL_FILE_LIMIT } from '@coffer/sdk';
import { hashLocal, localStyle, touch, writeDownload, writeSmall } from './local-files.ts';
import { type Out, progressBar } from './output.ts';
import { walkRemote } from './remote-tree.ts';
import {
  copyTarget,
  emptyTally,
  type Kind,
  type Planned,
  plan,
  type Stamp,
  summary,
  type Tally,
  type Target,
  tallyOf,
} from './sync-plan.ts';

const local = localStyle((name) => resolve(name));

/** What is at a local path, as sync-plan.ts compares it (null: nothing). */
async function localStamp(path: string): Promise<(Stamp & { kind: Kind }) | null> {
  const s = await stat(path).catch(() => null);
  if (!s) return null;
  return { kind: s.isDirectory() ? 'folder' : 'file', size: s.size, mtime: Math.floor(s.mtimeMs) };
}

interface Wanted {
  node: OpenNode;
  /** Opened when needed ([Note: Manifests opened late]); the current revision's, or --revision's. */
  manifest?: VerifiedManifest | undefined;
  dest: string;
  size: number;
  mtime: number;
}

/**
 * `coffer get REMOTE [LOCAL]`: copies a file or a folder's contents by the rules of
 * [Note: Copies that can be run again]; local files already the same are skipped, and a
 * download cut off midway is continued from its partial file.
 */
export async function get(
  client: CofferClient,
  out: Out,
  remote: string,
  localArg: string | undefined,
  o: { revision?: number; force?: boolean },
) {
  const node = await client.resolve(remote);
  const name = node.info.parentId === null ? 'coffer' : node.meta.name;
  if (node.kind === 'folder' && o.revision !== undefined)
    throw new ValidationError('--revision', 'applies to files only');
  const first = await localStamp(localArg ?? local.top(name));
  const target = copyTarget(
    { name, kind: node.kind },
    { path: localArg, kind: first?.kind ?? null, field: 'LOCAL' },
    local,
  );
  const started = Date.now();
  // Into a folder that is not there yet (the usual first copy) nothing is there to compare.
  const tally =
    target.kind === 'contents' &&
    node.kind === 'folder' &&
    (await localStamp(resolve(target.dir))) === null
      ? await getFresh(client, out, name, node, resolve(target.dir))
      : await getPlanned(client, out, name, node, target, o);
  out.clearStatus();
  const seconds = (Date.now() - started) / 1000;
  const where = target.kind === 'file' ? resolve(target.path) : resolve(target.dir);
  out.say(summary('Fetched', `to ${where}`, tally, seconds));
  out.result({
    local: where,
    files: tally.files,
    bytes: tally.bytes,
    downloaded: tally.copied,
    bytesDownloaded: tally.bytesCopied,
    skipped: tally.skipped,
    bytesSkipped: tally.bytesSkipped,
    resumed: tally.resumed,
    seconds,
    retries: client.retries(),
  });
}

/** A copy into a place that has things to compare: planned whole, refused before any fetch. */
async function getPlanned(
  client: CofferClient,
  out: Out,
  name: string,
  node: OpenNode,
  target: Target,
  o: { revision?: number; force?: boolean },
): Promise<Tally> {
  const { root, files, dirs } = await remoteSide(client, node, target, o.revision);
  const there = new Map<string, Stamp & { kind: Kind }>();
  for (const rel of [...dirs, ...files.map((f) => f.rel)]) {
    const s = await localStamp(join(root, rel));
    if (s) there.set(rel, s);
  }
  const sorted = plan(files, dirs, there, (rel) => `LOCAL: ${join(root, rel)}`);
  for (const f of sorted.verify) {
    const m = await manifestOf(client, f.item);
    const same = (await hashLocal(join(root, f.rel), m.chunkSize)) === m.contentHash;
    if (!same) sorted.copy.push(f);
    else {
      // Same content, another time: take the remote's, so the next run compares quickly.
      await touch(join(root, f.rel), f.item.mtime);
      sorted.skip.push(f);
    }
  }
  const replaced = sorted.copy.filter((f) => there.get(f.rel)?.kind === 'file');
  if (replaced.length && !o.force) {
    const names = replaced.slice(0, 3).map((f) => join(root, f.rel));
    const more = replaced.length > 3 ? ` and ${replaced.length - 3} more` : '';
    throw new ConflictError(
      `LOCAL: ${names.join(', ')}${more} ${replaced.length === 1 ? 'exists and differs' : 'exist and differ'} from what would come down; nothing was fetched. --force replaces ${replaced.length === 1 ? 'it' : 'them'}`,
    );
  }
  const tally = tallyOf(files, sorted.skip);
  await mkdir(root, { recursive: true });
  for (const d of dirs) await mkdir(join(root, d), { recursive: true });
  const draw = progressBar(out, name);
  const chunks = client.chunkCache({ keepPacks: true });
  const copy = sorted.copy.map((f) => f.item);
  const total = copy.reduce((s, f) => s + f.size, 0);
  await fetchAll(client, copy, chunks, o.revision, tally, (t) =>
    draw({
      bytesDone: t.bytesCopied,
      bytesTotal: total,
      filesDone: t.copied,
      filesTotal: copy.length,
    }),
  );
  return tally;
}

/**
 * A folder copied into a local folder that is not there yet: nothing there to compare or to
 * refuse, so each remote folder is listed, its files fetched and let go in turn, and memory
 * does not grow with the tree ([Note: Manifests opened late]).
 */
async function getFresh(
  client: CofferClient,
  out: Out,
  name: string,
  node: OpenNode,
  root: string,
): Promise<Tally> {
  const tally = emptyTally();
  const draw = progressBar(out, name);
  const chunks = client.chunkCache({ keepPacks: true });
  await mkdir(root, { recursive: true });
  const pending: [string, OpenNode][] = [['', node]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [prefix, folder] = next;
    const files: Wanted[] = [];
    for (const child of await client.listOpen(folder, 'manifest')) {
      const rel = prefix + child.meta.name.normalize('NFC');
      if (child.kind === 'folder') {
        await mkdir(join(root, rel), { recursive: true });
        pending.push([`${rel}/`, child]);
      } else files.push(await wantedOf(client, child, join(root, rel)));
    }
    tally.files += files.length;
    tally.bytes += files.reduce((s, f) => s + f.size, 0);
    // The totals grow as folders are listed.
    await fetchAll(client, files, chunks, undefined, tally, (t) =>
      draw({
        bytesDone: t.bytesCopied,
        bytesTotal: t.bytes,
        filesDone: t.copied,
        filesTotal: t.files,
      }),
    );
  }
  return tally;
}

/** A remote file as `get` fetches it to `dest`, planned from its signed metadata. */
async function wantedOf(client: CofferClient, n: OpenNode, dest: string): Promise<Wanted> {
  const { size, mtime } = n.meta;
  // Without both in the metadata, the manifest says them (files written by old clients).
  const manifest = size === undefined || mtime === undefined ? await client.manifest(n) : undefined;
  return {
    node: n,
    manifest,
    dest,
    size: size ?? manifest?.size ?? 0,
    mtime: mtime ?? manifest?.createdAt ?? 0,
  };
}

/** What comes down, relative to the local folder `root`: the folder's tree, or the one file. */
async function remoteSide(
  client: CofferClient,
  node: OpenNode,
  target: Target,
  revision: number | undefined,
): Promise<{ root: string; files: Planned<Wanted>[]; dirs: string[] }> {
  if (target.kind === 'file') {
    const dest = resolve(target.path);
    const manifest = await client.manifest(node, revision);
    // A past revision has no mtime of its own: it dates from when it was stored.
    const mtime =
      revision === undefined ? (node.meta.mtime ?? manifest.createdAt) : manifest.createdAt;
    const item = { node, manifest, dest, size: manifest.size, mtime };
    return { root: dirname(dest), files: [{ rel: basename(dest), item }], dirs: [] };
  }
  const root = resolve(target.dir);
  const tree = [...(await walkRemote(client, node))];
  const dirs = tree.filter(([, n]) => n.kind === 'folder').map(([rel]) => rel);
  const files: Planned<Wanted>[] = [];
  for (const [rel, n] of tree)
    if (n.kind === 'file') files.push({ rel, item: await wantedOf(client, n, join(root, rel)) });
  return { root, files, dirs };
}

// [Note: Manifests opened late]
// A folder's files are planned from their signed metadata (size and mtime); each manifest is
// opened and verified only when its file is fetched or compared by content, a batch at a
// time, and let go once the file is written. Opening all of them before the first fetch held
// every manifest of the tree at once and made peak memory grow with the tree. The manifest
// must still match the metadata (`checkCurrent` when it is opened), so planning from the
// metadata trusts nothing the manifest would not confirm before a byte is accepted.

const manifestOf = async (client: CofferClient, w: Wanted) => {
  w.manifest ??= await client.manifest(w.node);
  return w.manifest;
};

/** Files per batch whose manifests are opened together and sorted by pack. */
const BATCH = 256;

/**
 * Downloads `files`, four at a time, in batches: each batch's manifests are opened, and its
 * files that share a pack fetched together.
 */
async function fetchAll(
  client: CofferClient,
  files: Wanted[],
  chunks: ReturnType<CofferClient['chunkCache']>,
  revision: number | undefined,
  tally: Tally,
  progress: (t: Tally) => void,
) {
  for (let b = 0; b < files.length; b += BATCH) {
    const batch = files.slice(b, b + BATCH);
    const opened = await Promise.all(batch.map((w) => manifestOf(client, w)));
    const packOf = (i: number) => opened[i]?.chunks[0]?.pack?.id ?? '';
    const queue = batch.map((_, i) => i).sort((x, y) => packOf(x).localeCompare(packOf(y)));
    const worker = async () => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
        const w = batch[i] as Wanted;
        await fetchOne(client, w, opened[i] as VerifiedManifest, chunks, revision, tally);
        // Let go of the manifest: the batch's files are still listed until it ends.
        w.manifest = undefined;
        progress(tally);
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
  }
}

async function fetchOne(
  client: CofferClient,
  w: Wanted,
  manifest: VerifiedManifest,
  chunks: ReturnType<CofferClient['chunkCache']>,
  revision: number | undefined,
  tally: Tally,
) {
  let resumed = false;
  if (w.size <= SMALL_FILE_LIMIT) {
    // Bytes in, bytes out: no streams for a file that fits in one small buffer.
    writeSmall(w.dest, w.mtime, await client.downloadBytes(w.node, { chunks, manifest }));
  } else {
    ({ resumed } = await writeDownload(
      w.dest,
      w.mtime,
      async (start) =>
        (
          await client.download(w.node, {
            chunks,
            manifest,
            ...(revision !== undefined ? { revision } : {}),
            ...(start > 0 ? { range: { start, end: w.size } } : {}),
          })
        ).stream,
      manifest,
    ));
  }
  tally.copied++;
  tally.bytesCopied += w.size;
  if (resumed) tally.resumed++;
}
