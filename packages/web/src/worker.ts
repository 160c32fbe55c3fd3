// All cryptography of the web app runs here, in a Web Worker: the SDK (and with it the crypto
// package) never runs on the page's main thread. The page talks to it through Comlink.
import {
  byKindThenName,
  ChunkSource,
  CofferClient,
  downloadFile,
  type Entry,
  FileRequest,
  type OpenNode,
  openFileManifest,
  PublicLink,
  type SavedSession,
  toEntry,
} from '@coffer/sdk';
import { makeZip, predictLength } from 'client-zip';
import * as Comlink from 'comlink';
import {
  parseRange,
  type StreamAnswer,
  type StreamAsk,
  type StreamSpec,
} from './stream-protocol.ts';
import { forgetJobs, KEEP_FILE_LIMIT, pendingJobs, resumeStore, saveJobs } from './upload-jobs.ts';

let client: CofferClient | null = null;
const uploads = new Map<string, AbortController>();
const CANCELLED = new DOMException('cancelled', 'AbortError');
const cancelled = new Set<string>();
const hubUrl = self.location.origin;

function need(): CofferClient {
  if (!client) throw new Error('not logged in');
  return client;
}

/** The public link this page was opened with, for a visitor ([Note: Public links]). */
let visit: PublicLink | null = null;

function needLink(): PublicLink {
  if (!visit) throw new Error('link: open it first');
  return visit;
}

/** The file request this page was opened with, for a visitor ([Note: File requests]). */
let request: FileRequest | null = null;

function needRequest(): FileRequest {
  if (!request) throw new Error('request: open it first');
  return request;
}

/** The folders shared with us, by share id, as the last `shares()` opened them. */
const sharedFolders = new Map<string, OpenNode>();

function inShare(shareId: string): CofferClient {
  const folder = sharedFolders.get(shareId);
  if (!folder) throw new Error('shareId: open Shared with me again');
  return need().within(folder);
}

/** Errors cross to the page as plain objects: a code for the UI, and the message. */
async function call<T>(
  f: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; code: string; message: string }> {
  try {
    return { ok: true, value: await f() };
  } catch (e) {
    const err = e as { code?: string; message?: string };
    return { ok: false, code: err.code ?? 'internal', message: err.message ?? String(e) };
  }
}

/** A file opened for streaming, kept so each Range request of a video does not resolve it again. */
interface OpenStream {
  node: OpenNode;
  manifest: Awaited<ReturnType<typeof openFileManifest>>;
  source: ChunkSource;
}
const opened = new Map<string, Promise<OpenStream>>();
const OPENED_LIMIT = 16;

function openForStream(id: string, spec: Extract<StreamSpec, { kind: 'file' }>) {
  let o = opened.get(id);
  if (!o) {
    o = (async () => {
      const c = need();
      const node = await c.resolve(spec.path);
      const manifest = await openFileManifest(c, node, spec.revision);
      return { node, manifest, source: new ChunkSource(c) };
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
  const c = need();
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
  const { node, manifest, source } = await openForStream(id, spec);
  const size = manifest.size;
  const range = parseRange(rangeHeader, size);
  if (range === 'unsatisfiable') {
    return { ok: false, status: 416, message: 'range not satisfiable', size };
  }
  const { stream } = await downloadFile(
    c,
    node,
    {
      ...(range ? { range } : {}),
      ...(spec.revision === undefined ? {} : { revision: spec.revision }),
    },
    source,
    manifest,
  );
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

/** Records upload jobs in IndexedDB (once) so that a reload continues them. */
function remember(c: CofferClient, list: { id: string; path: string; file: File }[]) {
  const accountId = c.whoami().accountId;
  return saveJobs(
    list.map(({ id, path, file }) => ({
      id,
      accountId,
      path,
      name: file.name,
      size: file.size,
      lastModified: file.lastModified,
      file: file.size <= KEEP_FILE_LIMIT ? file : null,
    })),
  );
}

export type ListedEntry = Entry & { thumbnail: string | null };

const THUMBNAIL_MAX = 8 * 1024;
const THUMBNAIL_SOURCE_MAX = 64 * 1024 * 1024;

/**
 * A small WebP of an image, made here before it is encrypted with the file's metadata; tried
 * at falling sizes and qualities until it fits. Anything the browser cannot decode gets none.
 */
async function makeThumbnail(file: File): Promise<Uint8Array | undefined> {
  if (!/^image\/(png|jpeg|gif|webp|avif|bmp)$/.test(file.type)) return undefined;
  if (file.size > THUMBNAIL_SOURCE_MAX || typeof OffscreenCanvas === 'undefined') return undefined;
  let bitmap: ImageBitmap | undefined;
  try {
    bitmap = await createImageBitmap(file);
    for (const [side, quality] of [
      [256, 0.75],
      [192, 0.6],
      [128, 0.5],
      [96, 0.4],
    ] as const) {
      const scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
      const w = Math.max(1, Math.round(bitmap.width * scale));
      const h = Math.max(1, Math.round(bitmap.height * scale));
      const canvas = new OffscreenCanvas(w, h);
      canvas.getContext('2d')?.drawImage(bitmap, 0, 0, w, h);
      const blob = await canvas.convertToBlob({ type: 'image/webp', quality });
      if (blob.type === 'image/webp' && blob.size <= THUMBNAIL_MAX) {
        return new Uint8Array(await blob.arrayBuffer());
      }
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    bitmap?.close();
  }
}

const api = {
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
  /** The start of a file as text, for a preview (a range: the rest is never decrypted). */
  readText: (path: string, maxBytes: number) =>
    call(async () => {
      const c = need();
      const node = await c.resolve(path);
      const size = node.meta.size ?? 0;
      const { stream } = await c.download(path, {
        range: { start: 0, end: Math.min(size, maxBytes) },
      });
      return { text: await new Response(stream).text(), truncated: size > maxBytes };
    }),
  signup: (email: string, password: string) =>
    call(async () => {
      const r = await CofferClient.signup({ hubUrl, email, password, deviceName: 'web browser' });
      client = r.client;
      return { recoveryKey: r.recoveryKey, session: client.saved() };
    }),
  login: (email: string, password: string) =>
    call(async () => {
      client = await CofferClient.login({ hubUrl, email, password, deviceName: 'web browser' });
      return client.saved();
    }),
  resume: (saved: SavedSession) =>
    call(async () => {
      client = await CofferClient.resume(saved);
      return client.whoami();
    }),
  /**
   * Ends the session and forgets what this browser kept for the account: unfinished uploads,
   * their copies of the files and their keys. A reload keeps them; a logout does not.
   */
  logout: () =>
    call(async () => {
      for (const abort of uploads.values()) abort.abort(CANCELLED);
      if (client) {
        await forgetJobs((await pendingJobs(client.whoami().accountId)).map((j) => j.id));
      }
      await client?.logout().catch(() => {});
      client = null;
    }),
  /** A folder's children, each with its thumbnail (base64url WebP) when it has one. */
  list: (path: string) =>
    call(async () => {
      const c = need();
      const nodes = await c.listOpen(await c.resolve(path));
      return nodes
        .map((n): ListedEntry => ({ ...toEntry(n), thumbnail: n.meta.thumb ?? null }))
        .sort(byKindThenName);
    }),
  mkdir: (path: string) => call(async () => (await need().mkdir(path)) as Entry),
  trash: (path: string) => call(async () => (await need().trash(path)) as Entry),
  /**
   * Uploads (or continues uploading) a job. It is remembered until it completes or is
   * cancelled; `pause` stops it with its progress kept.
   */
  upload: (
    job: { id: string; path: string; file: File },
    onProgress: (done: number, total: number) => void,
  ) =>
    call(async () => {
      // Registered before anything is awaited, so a pause or cancel that follows always finds it.
      const abort = new AbortController();
      uploads.set(job.id, abort);
      const c = need();
      const { file } = job;
      try {
        await remember(c, [job]);
        abort.signal.throwIfAborted();
        const thumbnail = await makeThumbnail(file);
        const entry = await c.upload(job.path, file.stream(), {
          ...(thumbnail ? { thumbnail } : {}),
          size: file.size,
          mtime: file.lastModified,
          parents: true,
          ...(file.type ? { mime: file.type } : {}),
          resume: { store: resumeStore, key: job.id },
          // Each request costs more in a browser than in Node: keep more chunks in flight.
          concurrency: 8,
          signal: abort.signal,
          onProgress: (p) => onProgress(p.bytesDone, file.size),
        });
        await forgetJobs([job.id]);
        return entry;
      } finally {
        uploads.delete(job.id);
        if (cancelled.delete(job.id)) await forgetJobs([job.id]);
      }
    }),
  /**
   * Uploads many small files as one unit: packed together and committed in one call, all or
   * nothing. Pausing or cancelling any of them stops the unit; the page queues the rest again.
   */
  uploadBatch: (
    batch: { id: string; path: string; file: File }[],
    onProgress: (done: number) => void,
  ) =>
    call(async () => {
      const abort = new AbortController();
      for (const job of batch) uploads.set(job.id, abort);
      const c = need();
      try {
        await remember(c, batch);
        abort.signal.throwIfAborted();
        const files = await Promise.all(
          batch.map(async ({ path, file }) => {
            const thumbnail = await makeThumbnail(file);
            return {
              path,
              bytes: new Uint8Array(await file.arrayBuffer()),
              mtime: file.lastModified,
              ...(file.type ? { mime: file.type } : {}),
              ...(thumbnail ? { thumbnail } : {}),
            };
          }),
        );
        await c.uploadMany(files, {
          parents: true,
          signal: abort.signal,
          onProgress: (p) => onProgress(p.bytesDone),
        });
        await forgetJobs(batch.map((j) => j.id));
      } finally {
        for (const job of batch) uploads.delete(job.id);
        await forgetJobs(batch.map((j) => j.id).filter((id) => cancelled.delete(id)));
      }
    }),
  pauseUpload: (id: string) => uploads.get(id)?.abort(new DOMException('paused', 'AbortError')),
  cancelUpload: async (id: string) => {
    // A paused upload may still be winding down; its own cleanup forgets it again.
    const running = uploads.get(id);
    if (running) {
      cancelled.add(id);
      running.abort(CANCELLED);
    }
    await forgetJobs([id]);
  },
  /** Uploads this account left unfinished, in this browser. */
  pendingUploads: () => call(() => pendingJobs(need().whoami().accountId)),
  move: (from: string, to: string) => call(async () => (await need().move(from, to)) as Entry),
  trashList: () => call(() => need().listTrash()),
  restore: (id: string) => call(async () => (await need().restore(id)) as Entry),
  sessions: () => call(() => need().sessions()),
  revokeSession: (id: string) => call(() => need().revokeSession(id)),
  /** Every file and folder whose name contains `query` (case-insensitive), with its path. */
  search: (query: string) =>
    call(async () => {
      const c = need();
      const q = query.toLocaleLowerCase();
      const hits: (Entry & { path: string })[] = [];
      const walk = async (path: string) => {
        for (const e of await c.list(path)) {
          const full = `${path === '/' ? '' : path}/${e.name}`;
          if (e.name.toLocaleLowerCase().includes(q)) hits.push({ ...e, path: full });
          if (e.kind === 'folder' && hits.length < 500) await walk(full);
        }
      };
      await walk('/');
      return hits;
    }),
  /** The whole file as a Blob (streaming to disk comes with the service worker). */
  download: (path: string, revision?: number) =>
    call(async () => {
      const { stream, entry } = await need().download(
        path,
        revision === undefined ? {} : { revision },
      );
      const blob = new Blob([await new Response(stream).arrayBuffer()], {
        type: entry.mime ?? 'application/octet-stream',
      });
      return { blob, name: entry.name, mime: entry.mime };
    }),
  versions: (path: string) => call(() => need().versions(path)),
  /** The hosts this account claimed, for the Hosting view. */
  myHosts: () => call(() => need().myHosts()),
  /** Contacts ([Note: Contacts]): each refreshed against the hub's current bundle. */
  contacts: () => call(() => need().contacts.list()),
  refreshContact: (email: string) => call(() => need().contacts.refresh(email)),
  addContact: (email: string) => call(() => need().contacts.add(email)),
  verifyContact: (email: string, safetyNumber?: string) =>
    call(() => need().contacts.verify(email, safetyNumber === undefined ? {} : { safetyNumber })),
  removeContact: (email: string) => call(() => need().contacts.remove(email)),
  myFingerprint: () => call(() => need().contacts.myFingerprint()),
  /** Folder shares both ways, each incoming one checked ([Note: Folder shares]). */
  shares: () =>
    call(async () => {
      const c = need();
      const incoming = await c.shares.incoming();
      sharedFolders.clear();
      for (const s of incoming) sharedFolders.set(s.id, s.folder);
      const outgoing = await Promise.all(
        (await c.shares.outgoing()).map(async (s) => {
          const folder = await c.openById(s.folderId as Parameters<typeof c.openById>[0]);
          return { ...s, path: folder ? await c.pathOf(folder) : null };
        }),
      );
      return {
        incoming: incoming.map((s) => ({
          id: s.id,
          name: s.folder.meta.name,
          owner: s.owner.email,
          role: s.role,
          members: s.members,
          uncheckedWriters: s.uncheckedWriters,
        })),
        outgoing,
      };
    }),
  shareFolder: (path: string, email: string, role: 'read' | 'write') =>
    call(() => need().shares.share(path, email, role)),
  /** A folder inside a share opened by `shares()`. */
  sharedList: (shareId: string, path: string) =>
    call(async () => (await inShare(shareId).list(path)).sort(byKindThenName)),
  /** Uploads a file into a folder shared with us read-write (signed with our key). */
  sharedUpload: (shareId: string, path: string, file: File) =>
    call(async () => {
      const thumbnail = await makeThumbnail(file);
      return (await inShare(shareId).upload(path, file.stream(), {
        ...(thumbnail ? { thumbnail } : {}),
        size: file.size,
        mtime: file.lastModified,
        ...(file.type ? { mime: file.type } : {}),
      })) as Entry;
    }),
  sharedDownload: (shareId: string, path: string) =>
    call(async () => {
      const { stream, entry } = await inShare(shareId).download(path);
      const blob = new Blob([await new Response(stream).arrayBuffer()], {
        type: entry.mime ?? 'application/octet-stream',
      });
      return { blob, name: entry.name };
    }),
  /** Opens a public link as a visitor (no account); what it points to. */
  linkOpen: (url: string, password?: string) =>
    call(async () => {
      visit = await PublicLink.open(url, password === undefined ? {} : { password });
      return {
        root: toEntry(visit.root),
        expiresAt: visit.expiresAt,
        downloadsLeft: visit.downloadsLeft,
      };
    }),
  linkList: (path: string) => call(async () => needLink().list(path)),
  /** The start of a text file in the link, for its preview. */
  linkReadText: (path: string, maxBytes: number) =>
    call(async () => {
      const link = needLink();
      const node = await link.resolve(path);
      const size = node.meta.size ?? 0;
      const { stream } = await link.download(node, {
        range: { start: 0, end: Math.min(size, maxBytes) },
      });
      return { text: await new Response(stream).text(), truncated: size > maxBytes };
    }),
  linkDownload: (path: string) =>
    call(async () => {
      const link = needLink();
      const node = await link.resolve(path);
      const { stream, entry } = await link.download(node);
      const blob = new Blob([await new Response(stream).arrayBuffer()], {
        type: entry.mime ?? 'application/octet-stream',
      });
      return { blob, name: entry.name };
    }),
  /** Opens a file request as a visitor (no account): who asks, for what, what it still takes. */
  requestOpen: (url: string) =>
    call(async () => {
      request = await FileRequest.open(url);
      const { title, from, expiresAt, filesLeft, bytesLeft } = request;
      return { title, from, expiresAt, filesLeft, bytesLeft };
    }),
  /** Encrypts one file to the request's owner and sends it. */
  requestSend: (file: File) =>
    call(() =>
      needRequest().send(file.name, file.stream(), {
        size: file.size,
        mtime: file.lastModified,
        ...(file.type ? { mime: file.type } : {}),
      }),
    ),
  /** Our file requests, each with the folder it fills. */
  requests: () =>
    call(async () => {
      const c = need();
      return Promise.all(
        (await c.requests.list()).map(async (r) => {
          const folder = await c.openById(r.folderId as Parameters<typeof c.openById>[0]);
          const { wrappedKey: _k, envelope: _e, ...rest } = r;
          return { ...rest, path: folder ? await c.pathOf(folder) : null };
        }),
      );
    }),
  requestCreate: (path: string, title: string, days: number | null) =>
    call(async () => {
      const made = await need().requests.create(path, {
        ...(title ? { title } : {}),
        ...(days ? { expiresAt: Date.now() + days * 86_400_000 } : {}),
      });
      return { id: made.id, url: made.url };
    }),
  requestRevoke: (id: string) => call(() => need().requests.revoke(id)),
  /** Takes in what visitors sent to our requests. */
  requestsCollect: () =>
    call(async () => {
      const r = await need().requests.collect();
      return {
        received: r.received.map((e) => e.path),
        problems: r.problems.map((p) => p.error.message),
      };
    }),
};

export type WorkerApi = typeof api;
Comlink.expose(api);
