// The account's own tree: listing, search, previews, downloads, folders, moves, trashing and restoring.
import { byKindThenName, type Entry, toEntry } from '@coffer/sdk';
import { readStart, toBlob } from './read.ts';
import { clientFor } from './scope.ts';
import { call, need } from './session.ts';

export type ListedEntry = Entry & { thumbnail: string | null };

async function listFolder(path: string) {
  const c = need();
  const folder = await c.resolve(path);
  const entries = (await c.listOpen(folder))
    .map((n): ListedEntry => ({ ...toEntry(n), thumbnail: n.meta.thumb ?? null }))
    .sort(byKindThenName);
  return { id: folder.info.id, entries };
}

/** Beyond this many items, search covers the first ones found, folder by folder from the root. */
const SEARCH_LIMIT = 200_000;

export const filesApi = {
  /** A folder's children, each with its thumbnail (base64url WebP) when it has one. */
  list: (path: string) => call(async () => (await listFolder(path)).entries),
  /** The same, with the folder's id: the change feed names folders by id. */
  listFolder: (path: string) => call(() => listFolder(path)),
  mkdir: (path: string) => call(async () => (await need().mkdir(path)) as Entry),
  trash: (path: string) => call(async () => (await need().trash(path)) as Entry),
  move: (from: string, to: string) => call(async () => (await need().move(from, to)) as Entry),
  restore: (id: string) => call(async () => (await need().restore(id)) as Entry),
  /**
   * Every file and folder of the tree with its path, for search on the page: folders are listed
   * a few at a time.
   */
  searchIndex: () =>
    call(async () => {
      const c = need();
      const index: (Entry & { path: string })[] = [];
      const folders = ['/'];
      const listOne = async (path: string) => {
        for (const e of await c.list(path)) {
          const full = `${path === '/' ? '' : path}/${e.name}`;
          index.push({ ...e, path: full });
          if (e.kind === 'folder') folders.push(full);
        }
      };
      while (folders.length > 0 && index.length < SEARCH_LIMIT) {
        await Promise.all(folders.splice(0, 4).map(listOne));
      }
      return index;
    }),
  /** The start of a file as text, for a preview (a range: the rest is never decrypted). */
  readText: (path: string, maxBytes: number, shareId?: string) =>
    call(async () => {
      const c = clientFor(shareId);
      const node = await c.resolve(path);
      return readStart(node.meta.size ?? 0, maxBytes, (range) => c.download(path, { range }));
    }),
  /** The whole file as a Blob (streaming to disk comes with the service worker). */
  download: (path: string, revision?: number, shareId?: string) =>
    call(async () => {
      const { stream, entry } = await clientFor(shareId).download(
        path,
        revision === undefined ? {} : { revision },
      );
      return { blob: await toBlob(stream, entry.mime), name: entry.name, mime: entry.mime };
    }),
  versions: (path: string, shareId?: string) => call(() => clientFor(shareId).versions(path)),
};
