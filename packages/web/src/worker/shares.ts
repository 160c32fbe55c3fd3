// Folder shares both ways ([Note: Folder shares]): the folders shared with us, browsed and
// written to with our own key, and the folders we share.
import { byKindThenName, type CofferClient, type Entry, type OpenNode } from '@coffer/sdk';
import { toBlob } from './read.ts';
import { call, need } from './session.ts';
import { makeThumbnail } from './thumbnail.ts';

/** The folders shared with us, by share id, as the last `shares()` opened them. */
const sharedFolders = new Map<string, OpenNode>();

function inShare(shareId: string): CofferClient {
  const folder = sharedFolders.get(shareId);
  if (!folder) throw new Error('shareId: open Shared with me again');
  return need().within(folder);
}

export const sharesApi = {
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
      return { blob: await toBlob(stream, entry.mime), name: entry.name };
    }),
};
