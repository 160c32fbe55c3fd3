// File requests ([Note: File requests]): a visitor sending files to one, with no account, and
// the owner making them and taking in what arrived.
import { FileRequest } from '@coffer/sdk';
import { call, need } from './session.ts';

/** The file request this page was opened with, for a visitor ([Note: File requests]). */
let request: FileRequest | null = null;

function needRequest(): FileRequest {
  if (!request) throw new Error('request: open it first');
  return request;
}

export const requestsApi = {
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
