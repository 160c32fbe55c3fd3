import { readFile, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { ConflictError, NotFoundError, ValidationError } from '@coffer/errors';
import {
  type CofferClient,
  type OpenNode,
  type Progress,
  SMALL_FILE_LIMIT,
  type SmallFile,
} from '@coffer/sdk';
import { resumeStore } from './config.ts';
import { hashLocal, type LocalFile, readReusing, walkLocal } from './local-files.ts';
import { type Out, progressBar } from './output.ts';
import { remoteStamp, walkRemote } from './remote-tree.ts';
import {
  copyTarget,
  type Planned,
  plan,
  remoteStyle,
  resumeKey,
  summary,
  type Tally,
  tallyOf,
} from './sync-plan.ts';

const SMALL_BATCH_BYTES = 32 * 1024 * 1024;
const SMALL_BATCH_FILES = 2000;

/** The node at `path`, or null when nothing is there. */
export const resolveOrNull = (client: CofferClient, path: string) =>
  client.resolve(path).catch((e) => (e instanceof NotFoundError ? null : Promise.reject(e)));

/** "a/b" for "/a/b/", as the SDK's folder cache keys paths. */
const folderKey = (path: string) => path.normalize('NFC').split('/').filter(Boolean).join('/');

function splitLeaf(path: string): { dir: string; leaf: string } {
  const names = path.split('/').filter(Boolean);
  return { dir: `/${names.slice(0, -1).join('/')}`, leaf: names.at(-1) ?? '' };
}

/** What goes up, relative to the remote folder `root`: SRC's tree, or the one file. */
async function localSide(abs: string, isDir: boolean, size: number, mtimeMs: number, to: string) {
  if (isDir) return { root: to, single: false, ...(await walkLocal(abs)) };
  const { dir, leaf } = splitLeaf(to);
  const file: LocalFile = { abs, rel: leaf.normalize('NFC'), size, mtime: Math.floor(mtimeMs) };
  return { root: dir, single: true, files: [file], dirs: [] as string[] };
}

/**
 * `coffer put SRC [REMOTE]`: copies a file or a folder's contents by the rules of
 * [Note: Copies that can be run again]; files already there are skipped and an interrupted
 * large file is continued.
 */
export async function put(
  client: CofferClient,
  out: Out,
  local: string,
  remoteArg: string | undefined,
) {
  const abs = resolve(local);
  const s = await stat(abs).catch(() => {
    throw new NotFoundError(`LOCAL: ${local} does not exist`);
  });
  if (!s.isFile() && !s.isDirectory())
    throw new ValidationError('LOCAL', `${local} is neither a file nor a directory`);
  const name = basename(abs).normalize('NFC');
  const kind = s.isDirectory() ? 'folder' : 'file';
  const dest = await resolveOrNull(client, remoteArg ?? remoteStyle.top(name));
  const target = copyTarget(
    { name, kind },
    { path: remoteArg, kind: dest?.kind ?? null, field: 'REMOTE' },
    remoteStyle,
  );
  const to = target.kind === 'contents' ? target.dir : target.path;
  const side = await localSide(abs, s.isDirectory(), s.size, s.mtimeMs, to);
  const rootNode = await resolveOrNull(client, side.root);
  if (rootNode?.kind === 'file') throw new ConflictError(`REMOTE: ${side.root} is a file`);

  const started = Date.now();
  const dirs = new Set(side.dirs);
  const there = new Map<string, OpenNode>();
  if (rootNode && side.single) {
    const child = await client.child(rootNode, side.files[0]?.rel ?? '');
    if (child) there.set(child.meta.name.normalize('NFC'), child);
  } else if (rootNode) {
    for (const [rel, n] of await walkRemote(client, rootNode, (rel) => dirs.has(rel)))
      there.set(rel, n);
  }
  const stamps = new Map([...there].map(([rel, n]) => [rel, remoteStamp(n)]));
  const remoteOf = (rel: string) => remoteStyle.join(side.root, rel);
  const all = side.files.map((f) => ({ rel: f.rel, item: f }));
  const sorted = plan(all, side.dirs, stamps, (rel) => `REMOTE: ${remoteOf(rel)}`);
  for (const f of sorted.verify) {
    const node = there.get(f.rel) as OpenNode;
    const manifest = await client.manifest(node);
    const same = (await hashLocal(f.item.abs, manifest.chunkSize)) === manifest.contentHash;
    (same ? sorted.skip : sorted.copy).push(f);
  }

  const tally = tallyOf(all, sorted.skip);
  const viaUpload = (f: LocalFile) => side.single || f.size > SMALL_FILE_LIMIT;
  for (const { item } of sorted.skip) {
    // An upload killed after its commit leaves its resume state behind; it is done.
    if (viaUpload(item))
      await resumeStore.remove(await resumeKey(client.keys.accountId, item, remoteOf(item.rel)));
  }

  // Folders: the ones already there are handed to the SDK's cache, the rest created.
  const folders = new Map<string, OpenNode>();
  if (rootNode && rootNode.info.parentId !== null) folders.set(folderKey(side.root), rootNode);
  for (const [rel, n] of there) if (n.kind === 'folder') folders.set(folderKey(remoteOf(rel)), n);
  if (!side.single) {
    await client.ensureFolder(side.root, folders);
    for (const d of side.dirs) await client.ensureFolder(remoteOf(d), folders);
  }

  const files = sorted.copy;
  const sent = await send(client, out, { label: name, files, remoteOf, viaUpload, folders, tally });
  out.clearStatus();
  const seconds = (Date.now() - started) / 1000;
  const where = side.single ? remoteOf(side.files[0]?.rel ?? '') : side.root;
  out.say(summary('Stored', `at ${where}`, tally, seconds));
  out.result({
    remote: where,
    files: tally.files,
    bytes: tally.bytes,
    uploaded: tally.copied,
    bytesUploaded: tally.bytesCopied,
    skipped: tally.skipped,
    bytesSkipped: tally.bytesSkipped,
    resumed: tally.resumed,
    bytesSent: sent,
    seconds,
    retries: client.retries(),
  });
}

/** Uploads the files to copy: small ones packed together, the others one by one. */
async function send(
  client: CofferClient,
  out: Out,
  o: {
    label: string;
    files: Planned<LocalFile>[];
    remoteOf: (rel: string) => string;
    viaUpload: (f: LocalFile) => boolean;
    /** Folders by path, as the SDK's folder cache keys them. */
    folders: Map<string, OpenNode>;
    tally: Tally;
  },
): Promise<number> {
  const { label, files, remoteOf, viaUpload, folders, tally } = o;
  const draw = progressBar(out, label);
  const total = files.reduce((sum, f) => sum + f.item.size, 0);
  let sent = 0;
  const report = (p: Progress, base: { bytes: number; files: number }) =>
    draw({
      bytesDone: base.bytes + p.bytesDone,
      bytesTotal: total,
      filesDone: base.files + p.filesDone,
      filesTotal: files.length,
    });
  const small = files.filter((f) => !viaUpload(f.item)).map((f) => f.item);
  for (let i = 0; i < small.length; ) {
    const batch: SmallFile[] = [];
    let batchBytes = 0;
    while (i < small.length && batch.length < SMALL_BATCH_FILES && batchBytes < SMALL_BATCH_BYTES) {
      const f = small[i++] as LocalFile;
      batch.push({ path: remoteOf(f.rel), bytes: await readFile(f.abs), mtime: f.mtime });
      batchBytes += f.size;
    }
    const base = { bytes: tally.bytesCopied, files: tally.copied };
    let last: Progress | null = null;
    await client.uploadMany(batch, {
      parents: true,
      folders,
      onProgress: (p) => {
        last = p;
        report(p, base);
      },
    });
    tally.bytesCopied += batchBytes;
    tally.copied += batch.length;
    sent += (last as Progress | null)?.bytesOnWire ?? 0;
  }
  for (const { item } of files.filter((f) => viaUpload(f.item))) {
    const base = { bytes: tally.bytesCopied, files: tally.copied };
    const r = await putFile(client, item, remoteOf(item.rel), (p) => report(p, base));
    tally.bytesCopied += item.size;
    tally.copied++;
    if (r.resumed) tally.resumed++;
    sent += r.progress.bytesOnWire;
  }
  return sent;
}

async function putFile(
  client: CofferClient,
  f: LocalFile,
  remote: string,
  onProgress: (p: Progress) => void,
) {
  const key = await resumeKey(client.keys.accountId, f, remote);
  let progress: Progress = {
    bytesDone: 0,
    bytesTotal: f.size,
    bytesOnWire: 0,
    filesDone: 0,
    filesTotal: 1,
  };
  let resumed = false;
  const attempt = () =>
    client.upload(remote, readReusing(f.abs), {
      size: f.size,
      mtime: f.mtime,
      parents: true,
      resume: { store: resumeStore, key },
      onResume: () => {
        resumed = true;
      },
      onProgress: (p) => {
        progress = p;
        onProgress(p);
      },
    });
  try {
    await attempt();
  } catch (e) {
    // The file changed since an interrupted upload: the SDK dropped that upload; start over.
    if (!(e instanceof ConflictError && e.message.startsWith('source:'))) throw e;
    resumed = false;
    await attempt();
  }
  return { progress, resumed };
}
