import { mkdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { NotFoundError, ValidationError } from '@coffer/errors';
import { FileRequest, type OpenNode, type PublicLink } from '@coffer/sdk';
import { readReusing, writeDownload } from './local-files.ts';
import { formatBytes, type Out, progressBar } from './output.ts';

// `coffer put` and `coffer get` of your own files are in put.ts and get.ts.

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
    let size = 0;
    await writeDownload(f.dest, f.node.meta.mtime ?? null, async () => {
      const { stream, recycle, manifest } = await link.download(f.node, {
        onProgress: (p) =>
          draw({
            ...p,
            bytesDone: done + p.bytesDone,
            bytesTotal: total,
            filesDone: i,
            filesTotal: files.length,
          }),
      });
      size = manifest.size;
      return { stream, recycle };
    });
    done += size;
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
