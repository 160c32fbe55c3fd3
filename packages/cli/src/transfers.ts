import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import { sha256Hex } from '@coffer/crypto';
import { ConflictError, NotFoundError, ValidationError } from '@coffer/errors';
import {
  type CofferClient,
  FileRequest,
  type OpenNode,
  type Progress,
  type PublicLink,
  SMALL_FILE_LIMIT,
  type SmallFile,
} from '@coffer/sdk';
import { resumeStore } from './config.ts';
import { formatBytes, type Out, progressBar } from './output.ts';

const SMALL_BATCH_BYTES = 32 * 1024 * 1024;
const SMALL_BATCH_FILES = 2000;

const joinRemote = (dir: string, name: string) => `${dir.replace(/\/+$/, '')}/${name}`;

interface LocalFile {
  abs: string;
  remote: string;
  size: number;
  mtimeMs: number;
}

async function walk(
  root: string,
  remoteRoot: string,
): Promise<{ files: LocalFile[]; dirs: string[] }> {
  const files: LocalFile[] = [];
  const dirs: string[] = [remoteRoot];
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  for (const d of entries) {
    const abs = join(d.parentPath, d.name);
    const rel = relative(root, abs).split(sep).join('/');
    if (d.isDirectory()) dirs.push(joinRemote(remoteRoot, rel));
    else if (d.isFile()) {
      const s = await stat(abs);
      files.push({ abs, remote: joinRemote(remoteRoot, rel), size: s.size, mtimeMs: s.mtimeMs });
    }
  }
  dirs.sort((a, b) => a.length - b.length);
  return { files, dirs };
}

/** `coffer put LOCAL [REMOTE]`: a file, or a whole directory tree. */
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
  let remote = remoteArg ?? `/${basename(abs)}`;
  const target = await client
    .resolve(remote)
    .catch((e) => (e instanceof NotFoundError ? null : Promise.reject(e)));
  if (target?.kind === 'folder') remote = joinRemote(remote === '/' ? '' : remote, basename(abs));
  const started = Date.now();
  let bytes = 0;
  let bytesSent = 0;
  let count = 0;
  const draw = progressBar(out, basename(abs));
  if (s.isFile()) {
    const r = await putFile(client, { abs, remote, size: s.size, mtimeMs: s.mtimeMs }, draw);
    bytes = s.size;
    bytesSent = r.bytesOnWire;
    count = 1;
  } else if (s.isDirectory()) {
    const { files, dirs } = await walk(abs, remote);
    const folders = new Map<string, OpenNode>();
    for (const d of dirs) await client.ensureFolder(d, folders);
    const total = files.reduce((sum, f) => sum + f.size, 0);
    const done = { bytes: 0, files: 0, sent: 0 };
    const report = (p: Progress, base: typeof done) =>
      draw({
        bytesDone: base.bytes + p.bytesDone,
        bytesTotal: total,
        filesDone: base.files + p.filesDone,
        filesTotal: files.length,
      });
    const small = files.filter((f) => f.size <= SMALL_FILE_LIMIT);
    const large = files.filter((f) => f.size > SMALL_FILE_LIMIT);
    for (let i = 0; i < small.length; ) {
      const batch: SmallFile[] = [];
      let batchBytes = 0;
      while (
        i < small.length &&
        batch.length < SMALL_BATCH_FILES &&
        batchBytes < SMALL_BATCH_BYTES
      ) {
        const f = small[i++] as LocalFile;
        batch.push({ path: f.remote, bytes: await readFile(f.abs), mtime: f.mtimeMs });
        batchBytes += f.size;
      }
      const base = { ...done };
      let last: Progress | null = null;
      await client.uploadMany(batch, {
        parents: true,
        folders,
        onProgress: (p) => {
          last = p;
          report(p, base);
        },
      });
      done.bytes += batchBytes;
      done.files += batch.length;
      done.sent += (last as Progress | null)?.bytesOnWire ?? 0;
    }
    for (const f of large) {
      const base = { ...done };
      const r = await putFile(client, f, (p) => report(p, base));
      done.bytes += f.size;
      done.files += 1;
      done.sent += r.bytesOnWire;
    }
    bytes = total;
    bytesSent = done.sent;
    count = files.length;
  } else {
    throw new ValidationError('LOCAL', `${local} is neither a file nor a directory`);
  }
  out.clearStatus();
  const seconds = (Date.now() - started) / 1000;
  out.say(
    `Stored ${count} file${count === 1 ? '' : 's'} (${formatBytes(bytes)}) at ${remote} in ${seconds.toFixed(1)} s, ${formatBytes(bytes / Math.max(seconds, 0.001))}/s`,
  );
  out.result({ remote, files: count, bytes, bytesSent, seconds });
}

/**
 * A file's bytes through one reused 1 MiB buffer: encryptContent copies each piece into its
 * chunk before asking for the next, and fresh buffers per read would pile up as garbage.
 */
async function* readReusing(path: string): AsyncGenerator<Uint8Array> {
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

async function putFile(client: CofferClient, f: LocalFile, onProgress: (p: Progress) => void) {
  const key = await sha256Hex(
    new TextEncoder().encode(
      JSON.stringify([client.keys.accountId, f.abs, f.size, f.mtimeMs, f.remote]),
    ),
  );
  let last: Progress = {
    bytesDone: 0,
    bytesTotal: f.size,
    bytesOnWire: 0,
    filesDone: 0,
    filesTotal: 1,
  };
  const attempt = () =>
    client.upload(f.remote, readReusing(f.abs), {
      size: f.size,
      mtime: f.mtimeMs,
      parents: true,
      resume: { store: resumeStore, key: key.slice(0, 32) },
      onProgress: (p) => {
        last = p;
        onProgress(p);
      },
    });
  try {
    await attempt();
  } catch (e) {
    // The file changed since an interrupted upload: the SDK dropped that upload; start over.
    if (!(e instanceof ConflictError && e.message.startsWith('source:'))) throw e;
    await attempt();
  }
  return last;
}

/** Writes a download to `dest` through a temporary file, so a failure leaves nothing half-written. */
async function writeStream(stream: ReadableStream<Uint8Array>, dest: string, mtime: number | null) {
  const tmp = join(dest, '..', `.${basename(dest)}.coffer-partial`);
  const fh = await open(tmp, 'w', 0o644);
  try {
    for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) {
      let off = 0;
      while (off < chunk.length) off += (await fh.write(chunk, off)).bytesWritten;
    }
    // No fsync: the rename already keeps a crash from leaving a half-written file, and a
    // download lost to a power cut is fetched again; fsyncing each of many small files
    // would cost more than fetching them.
  } catch (e) {
    await fh.close().catch(() => {});
    await rm(tmp, { force: true });
    throw e;
  }
  if (mtime !== null) {
    const t = new Date(mtime);
    await fh.utimes(t, t).catch(() => {});
  }
  await fh.close();
  await rename(tmp, dest);
}

/** `coffer get REMOTE [LOCAL]`: a file, or a folder tree. */
export async function get(
  client: CofferClient,
  out: Out,
  remote: string,
  localArg: string | undefined,
  o: { revision?: number },
) {
  const node = await client.resolve(remote);
  const name = node.info.parentId === null ? 'coffer' : node.meta.name;
  let dest = resolve(localArg ?? name);
  const existing = await stat(dest).catch(() => null);
  if (existing?.isDirectory()) dest = join(dest, name);
  const started = Date.now();
  const draw = progressBar(out, name);
  let bytes = 0;
  let count = 0;
  if (node.kind === 'file') {
    const { stream, manifest } = await client.download(node, {
      ...(o.revision !== undefined ? { revision: o.revision } : {}),
      onProgress: draw,
    });
    await writeStream(stream, dest, node.meta.mtime ?? null);
    bytes = manifest.size;
    count = 1;
  } else {
    if (o.revision !== undefined) throw new ValidationError('--revision', 'applies to files only');
    const files: { node: OpenNode; dest: string }[] = [];
    const visit = async (folder: OpenNode, dir: string) => {
      await mkdir(dir, { recursive: true });
      for (const child of await client.listOpen(folder, 'manifest')) {
        const path = join(dir, child.meta.name);
        if (child.kind === 'folder') await visit(child, path);
        else files.push({ node: child, dest: path });
      }
    };
    await visit(node, dest);
    const opened = await Promise.all(
      files.map(async (f) => ({ ...f, manifest: await client.manifest(f.node) })),
    );
    // Files that share a pack are fetched together, so each pack is read once.
    const packOf = (m: (typeof opened)[number]) => m.manifest.chunks[0]?.pack?.id ?? '';
    opened.sort((a, b) => packOf(a).localeCompare(packOf(b)));
    const total = opened.reduce((s, f) => s + f.manifest.size, 0);
    const chunks = client.chunkCache({ keepPacks: true });
    let done = 0;
    let doneFiles = 0;
    const queue = [...opened];
    const worker = async () => {
      for (let f = queue.shift(); f; f = queue.shift()) {
        const { stream } = await client.download(f.node, { chunks, manifest: f.manifest });
        await writeStream(stream, f.dest, f.node.meta.mtime ?? null);
        done += f.manifest.size;
        doneFiles++;
        draw({
          bytesDone: done,
          bytesTotal: total,
          filesDone: doneFiles,
          filesTotal: opened.length,
        });
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    bytes = total;
    count = opened.length;
  }
  out.clearStatus();
  const seconds = (Date.now() - started) / 1000;
  out.say(
    `Fetched ${count} file${count === 1 ? '' : 's'} (${formatBytes(bytes)}) to ${dest} in ${seconds.toFixed(1)} s, ${formatBytes(bytes / Math.max(seconds, 0.001))}/s`,
  );
  out.result({ local: dest, files: count, bytes, seconds });
}

/** `coffer get LINK [LOCAL]`: what a public link points to, as a visitor (no account). */
export async function getLink(link: PublicLink, out: Out, localArg: string | undefined) {
  const node = link.root;
  const name = node.meta.name;
  let dest = resolve(localArg ?? name);
  const existing = await stat(dest).catch(() => null);
  if (existing?.isDirectory()) dest = join(dest, name);
  const started = Date.now();
  const draw = progressBar(out, name);
  const files: { node: OpenNode; dest: string }[] = [];
  if (node.kind === 'file') files.push({ node, dest });
  else {
    const visit = async (folder: OpenNode, dir: string) => {
      await mkdir(dir, { recursive: true });
      for (const child of await link.listOpen(folder)) {
        const path = join(dir, child.meta.name);
        if (child.kind === 'folder') await visit(child, path);
        else files.push({ node: child, dest: path });
      }
    };
    await visit(node, dest);
  }
  const total = files.reduce((s, f) => s + (f.node.meta.size ?? 0), 0);
  let done = 0;
  for (const [i, f] of files.entries()) {
    const { stream, manifest } = await link.download(f.node, {
      onProgress: (p) =>
        draw({
          ...p,
          bytesDone: done + p.bytesDone,
          bytesTotal: total,
          filesDone: i,
          filesTotal: files.length,
        }),
    });
    await writeStream(stream, f.dest, f.node.meta.mtime ?? null);
    done += manifest.size;
  }
  out.clearStatus();
  const seconds = (Date.now() - started) / 1000;
  out.say(
    `Fetched ${files.length} file${files.length === 1 ? '' : 's'} (${formatBytes(done)}) from the link to ${dest} in ${seconds.toFixed(1)} s`,
  );
  out.result({ local: dest, files: files.length, bytes: done, seconds });
}

/** `coffer drop LINK FILE...`: sends files to a file request, as a visitor (no account). */
export async function dropFiles(url: string, out: Out, locals: string[]) {
  const files: { abs: string; size: number; mtimeMs: number }[] = [];
  for (const local of locals) {
    const abs = resolve(local);
    const s = await stat(abs).catch(() => {
      throw new NotFoundError(`FILE: ${local} does not exist`);
    });
    if (!s.isFile()) throw new ValidationError('FILE', `${local} is not a file; send files`);
    files.push({ abs, size: s.size, mtimeMs: s.mtimeMs });
  }
  const request = await FileRequest.open(url);
  const started = Date.now();
  const total = files.reduce((sum, f) => sum + f.size, 0);
  const draw = progressBar(out, request.title || 'request');
  let done = 0;
  for (const [i, f] of files.entries()) {
    await request.send(basename(f.abs), readReusing(f.abs), {
      size: f.size,
      mtime: f.mtimeMs,
      onProgress: (p) =>
        draw({
          bytesDone: done + p.bytesDone,
          bytesTotal: total,
          filesDone: i,
          filesTotal: files.length,
        }),
    });
    done += f.size;
  }
  out.clearStatus();
  const seconds = (Date.now() - started) / 1000;
  out.say(
    `Sent ${files.length} file${files.length === 1 ? '' : 's'} (${formatBytes(done)}) to ${request.from}${request.title ? ` (${request.title})` : ''} in ${seconds.toFixed(1)} s`,
  );
  out.result({ files: files.length, bytes: done, seconds });
}
