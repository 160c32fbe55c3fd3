// All cryptography of the web app runs here, in a Web Worker: the SDK (and with it the crypto
// package) never runs on the page's main thread. The page talks to it through Comlink.
import { CofferClient, type Entry, type SavedSession } from '@coffer/sdk';
import * as Comlink from 'comlink';

let client: CofferClient | null = null;
const hubUrl = self.location.origin;

function need(): CofferClient {
  if (!client) throw new Error('not logged in');
  return client;
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

const api = {
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
  logout: () =>
    call(async () => {
      await client?.logout().catch(() => {});
      client = null;
    }),
  list: (path: string) => call(() => need().list(path)),
  mkdir: (path: string) => call(async () => (await need().mkdir(path)) as Entry),
  trash: (path: string) => call(async () => (await need().trash(path)) as Entry),
  upload: (path: string, file: File, onProgress: (done: number, total: number) => void) =>
    call(async () =>
      need().upload(path, file.stream(), {
        size: file.size,
        mtime: file.lastModified,
        parents: true,
        ...(file.type ? { mime: file.type } : {}),
        onProgress: (p) => onProgress(p.bytesDone, file.size),
      }),
    ),
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
};

export type WorkerApi = typeof api;
Comlink.expose(api);
