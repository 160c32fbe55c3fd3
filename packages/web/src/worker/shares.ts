// Folder shares both ways ([Note: Folder shares]): the folders shared with us, browsed and
// written to with our own key, and the folders we share.
import { byKindThenName, type Entry, toEntry } from '@coffer/sdk';
import type { ListedEntry } from './files.ts';
import { inTurn } from './queue.ts';
import { toBlob } from './read.ts';
import { inShare, sharedFolders } from './scope.ts';
import { call, need } from './session.ts';
import { makeThumbnail } from './thumbnail.ts';

export const sharesApi = {
  /** Folder shares both ways, each incoming one checked ([Note: Folder shares]). */
  shares: () =>
    inTurn(async () => {
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
  /** A folder inside a share opened by `shares()`, each item with its thumbnail. */
  sharedList: (shareId: string, path: string) =>
    call(async () => {
      const c = inShare(shareId);
      return (await c.listOpen(await c.resolve(path)))
        .map((n): ListedEntry => ({ ...toEntry(n), thumbnail: n.meta.thumb ?? null }))
        .sort(byKindThenName);
    }),
  /** A writer's changes inside a share, signed with our key ([Note: Folder shares]). */
  sharedMkdir: (shareId: string, path: string) =>
    call(async () => (await inShare(shareId).mkdir(path)) as Entry),
  sharedMove: (shareId: string, from: string, to: string) =>
    call(async () => (await inShare(shareId).move(from, to)) as Entry),
  sharedTrash: (shareId: string, path: string) =>
    call(async () => (await inShare(shareId).trash(path)) as Entry),
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
      return { blob: await toBlob(stream, entry.mime), name: entry.name };
    }),
};
