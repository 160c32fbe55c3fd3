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
  manifest: VerifiedManifest;
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
  const { root, files, dirs } = await remoteSide(client, node, target, o.revision);
  const there = new Map<string, Stamp & { kind: Kind }>();
  // Into a folder that is not there yet (the usual first copy) nothing is there to compare.
  const rootThere = (await localStamp(root)) !== null;
  for (const rel of rootThere ? [...dirs, ...files.map((f) => f.rel)] : []) {
    const s = await localStamp(join(root, rel));
    if (s) there.set(rel, s);
  }
  const sorted = plan(files, dirs, there, (rel) => `LOCAL: ${join(root, rel)}`);
  for (const f of sorted.verify) {
    const same =
      (await hashLocal(join(root, f.rel), f.item.manifest.chunkSize)) ===
      f.item.manifest.contentHash;
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
  await fetchAll(
    client,
    out,
    name,
    sorted.copy.map((f) => f.item),
    o.revision,
    tally,
  );
  out.clearStatus();
  const seconds = (Date.now() - started) / 1000;
  const where = target.kind === 'file' ? resolve(target.path) : root;
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
  const listed = tree.filter(([, n]) => n.kind === 'file');
  const files: Planned<Wanted>[] = new Array(listed.length);
  // A few at a time: thousands of manifest checks in flight at once held memory for each.
  let next = 0;
  const opener = async () => {
    for (let i = next++; i < listed.length; i = next++) {
      const [rel, n] = listed[i] as [string, OpenNode];
      const manifest = await client.manifest(n);
      const mtime = n.meta.mtime ?? manifest.createdAt;
      files[i] = {
        rel,
        item: { node: n, manifest, dest: join(root, rel), size: manifest.size, mtime },
      };
    }
  };
  await Promise.all(Array.from({ length: 8 }, opener));
  return { root, files, dirs };
}

/** Downloads `files`, four at a time; files that share a pack are fetched together. */
async function fetchAll(
  client: CofferClient,
  out: Out,
  label: string,
  files: Wanted[],
  revision: number | undefined,
  tally: Tally,
) {
  const packOf = (w: Wanted) => w.manifest.chunks[0]?.pack?.id ?? '';
  const queue = [...files].sort((a, b) => packOf(a).localeCompare(packOf(b)));
  const total = files.reduce((s, f) => s + f.size, 0);
  const draw = progressBar(out, label);
  // Sorted by pack, a pack's files come one after another: two packs (one finishing, the next
  // starting under the four workers) are all the cache needs to fetch each pack once.
  const chunks = client.chunkCache({ keepPacks: true, packs: 2 });
  const worker = async () => {
    for (let f = queue.shift(); f; f = queue.shift()) {
      const w = f;
      let resumed = false;
      if (w.size <= SMALL_FILE_LIMIT) {
        // Bytes in, bytes out: no streams for a file that fits in one small buffer.
        writeSmall(
          w.dest,
          w.mtime,
          await client.downloadBytes(w.node, { chunks, manifest: w.manifest }),
        );
      } else {
        ({ resumed } = await writeDownload(
          w.dest,
          w.mtime,
          (start) =>
            client.download(w.node, {
              chunks,
              manifest: w.manifest,
              ...(revision !== undefined ? { revision } : {}),
              ...(start > 0 ? { range: { start, end: w.size } } : {}),
            }),
          w.manifest,
        ));
      }
      tally.copied++;
      tally.bytesCopied += w.size;
      if (resumed) tally.resumed++;
      draw({
        bytesDone: tally.bytesCopied,
        bytesTotal: total,
        filesDone: tally.copied,
        filesTotal: files.length,
      });
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}
