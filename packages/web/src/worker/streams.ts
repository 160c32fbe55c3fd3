// Answers for the service worker's /_stream/ URLs (stream-protocol.ts): a file, a revision or a
// zip of several items, decrypted here and handed over as a transferred stream.
import type { ChunkCache, CofferClient, Entry, OpenNode } from '@coffer/sdk';
import { makeZip, predictLength } from 'client-zip';
import {
  parseRange,
  type StreamAnswer,
  type StreamAsk,
  type StreamSpec,
} from '../stream-protocol.ts';
import { clientFor } from './scope.ts';

/** A file opened for streaming, kept so each Range request of a video does not resolve it again. */
interface OpenStream {
  node: OpenNode;
  manifest: Awaited<ReturnType<CofferClient['manifest']>>;
  chunks: ChunkCache;
}
const opened = new Map<string, Promise<OpenStream>>();
const OPENED_LIMIT = 16;

function openForStream(id: string, spec: Extract<StreamSpec, { kind: 'file' }>) {
  let o = opened.get(id);
  if (!o) {
    o = (async () => {
      const c = clientFor(spec.shareId);
      const node = await c.resolve(spec.path);
      const manifest = await c.manifest(node, spec.revision);
      return { node, manifest, chunks: c.chunkCache() };
    })();
    o.catch(() => opened.delete(id));
    opened.set(id, o);
    if (opened.size > OPENED_LIMIT) opened.delete(opened.keys().next().value ?? '');
  }
  return o;
}

/**
 * The zip entries for files and folders (each folder with everything in it, empty folders
 * included); every file is decrypted only when the zip reaches it.
 */
async function zipEntries(c: CofferClient, paths: string[]) {
  const entries: { path: string; zipName: string; size: number; mtime: number; folder: boolean }[] =
    [];
  const walk = async (path: string, prefix: string) => {
    const children = await c.list(path);
    if (children.length === 0) {
      entries.push({ path, zipName: `${prefix}/`, size: 0, mtime: Date.now(), folder: true });
    }
    for (const e of children) await add(e, `${path === '/' ? '' : path}/${e.name}`, `${prefix}/`);
  };
  const add = async (e: Entry, path: string, prefix: string) => {
    if (e.kind === 'folder') return walk(path, `${prefix}${e.name}`);
    const mtime = e.mtime ?? e.updatedAt;
    entries.push({ path, zipName: `${prefix}${e.name}`, size: e.size, mtime, folder: false });
  };
  for (const p of paths) await add(await c.stat(p), p, '');
  return entries;
}

async function answerStream(
  spec: StreamSpec,
  id: string,
  rangeHeader: string | null,
): Promise<StreamAnswer> {
  const c = clientFor(spec.shareId);
  if (spec.kind === 'zip') {
    const entries = await zipEntries(c, spec.paths);
    const meta = entries.map((e) =>
      e.folder ? { name: e.zipName } : { name: e.zipName, size: e.size },
    );
    const files = (async function* () {
      for (const e of entries) {
        if (e.folder) {
          yield { name: e.zipName, lastModified: new Date(e.mtime) };
          continue;
        }
        const { stream } = await c.download(e.path);
        yield { name: e.zipName, lastModified: new Date(e.mtime), size: e.size, input: stream };
      }
    })();
    return {
      ok: true,
      stream: makeZip(files),
      size: Number(predictLength(meta)),
      seekable: false,
      range: null,
      name: spec.name,
      mime: 'application/zip',
      disposition: 'attachment',
    };
  }
  const { node, manifest, chunks } = await openForStream(id, spec);
  const size = manifest.size;
  const range = parseRange(rangeHeader, size);
  if (range === 'unsatisfiable') {
    return { ok: false, status: 416, message: 'range not satisfiable', size };
  }
  const { stream } = await c.download(node, {
    ...(range ? { range } : {}),
    ...(spec.revision === undefined ? {} : { revision: spec.revision }),
    chunks,
    manifest,
  });
  return {
    ok: true,
    stream,
    size,
    seekable: true,
    range,
    name: node.meta.name,
    mime: node.meta.mime ?? 'application/octet-stream',
    disposition: spec.disposition,
  };
}

/** Passes a stream through, reporting once how it ended: null when read to the end or cancelled. */
function watched(
  stream: ReadableStream<Uint8Array>,
  settle: (failure: string | null) => void,
): ReadableStream<Uint8Array> {
  const reader = stream.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(ctl) {
        try {
          const { done, value } = await reader.read();
          if (done) {
            ctl.close();
            settle(null);
          } else ctl.enqueue(value);
        } catch (e) {
          settle((e as Error).message ?? String(e));
          ctl.error(e);
        }
      },
      cancel(reason) {
        settle(null);
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

export const streamsApi = {
  /**
   * Answers the service worker's question about a /_stream/ URL on `port`, which leads straight
   * back to the service worker: the decrypted stream never passes through the page.
   */
  openStream: async (
    spec: StreamSpec,
    ask: StreamAsk,
    port: MessagePort,
  ): Promise<string | null> => {
    let reply: StreamAnswer;
    let settle: (failure: string | null) => void = () => {};
    const finished = new Promise<string | null>((resolve) => {
      settle = resolve;
    });
    try {
      const answer = await answerStream(spec, ask.id, ask.range);
      reply = answer.ok ? { ...answer, stream: watched(answer.stream, settle) } : answer;
    } catch (e) {
      const err = e as { code?: string; message?: string };
      const status = err.code === 'not_found' ? 404 : 502;
      reply = { ok: false, status, message: err.message ?? String(e) };
    }
    port.postMessage(reply, reply.ok ? [reply.stream] : []);
    port.close();
    // The page learns how it ended, to show an error the download manager would only call
    // "network error".
    return reply.ok ? finished : reply.status === 416 ? null : reply.message;
  },
};
