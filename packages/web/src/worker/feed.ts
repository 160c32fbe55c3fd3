// The feed ([Note: The feed]), ratings and copies of others' entries: the SDK opens and checks
// everything here; the page gets entries without their file keys, and copies' progress.
import type { CatalogEntry, CopyProgress, FeedEntry, FeedView } from '@coffer/sdk';
import { inTurn } from './queue.ts';
import { call, need } from './session.ts';

/** An entry as the page sees it: everything but the file's key and hash. */
export type ShownEntry<E extends CatalogEntry = FeedEntry> = Omit<E, 'file'>;

/** The last view the page was shown, so "Mark all seen" marks exactly what it showed. */
let shown: FeedView | null = null;

function hide<E extends CatalogEntry>({ file: _, ...rest }: E): ShownEntry<E> {
  return rest;
}

/** An entry named by group and id, as findItem takes it. */
const item = (groupId: string, entryId: string) => `${groupId}:${entryId}`;

export const feedApi = {
  /** Others' entries we did not discard, newest first, each flagged unread and kept. */
  feed: () =>
    inTurn(async () => {
      const view = await need().feed.read();
      shown = view;
      return { entries: view.entries.map(hide), unread: view.unread, problems: [...view.problems] };
    }),
  /** How many entries of the feed are unread, for the badge in the bar. */
  feedUnread: () => inTurn(async () => (await need().feed.read()).unread),
  /** Marks what the page last showed as seen. */
  feedMarkSeen: () => inTurn(() => need().feed.markSeen(shown ?? undefined)),
  /**
   * Keeps an entry: copies it to our server (reporting progress), then marks it kept. Not in
   * turn: a copy takes minutes, and by now the feed was read, so its members are pinned.
   */
  feedKeep: (groupId: string, entryId: string, onProgress: (p: CopyProgress) => void) =>
    call(async () => {
      const r = await need().feed.keep(item(groupId, entryId), { onProgress });
      return { ...hide(r), path: r.copy?.path ?? null };
    }),
  feedDiscard: (groupId: string, entryId: string) =>
    inTurn(async () => hide(await need().feed.discard(item(groupId, entryId)))),
  /** Rates an entry 1 to 5 stars; its ratings after. */
  rate: (groupId: string, entryId: string, stars: number) =>
    inTurn(async () => (await need().feed.rate(item(groupId, entryId), stars)).rating ?? null),
  /** Copies an entry's file to our server (/Groups/<group>); where it went. */
  copyEntry: (groupId: string, entryId: string, onProgress: (p: CopyProgress) => void) =>
    call(async () => {
      const found = await inTurn(() => need().feed.find(item(groupId, entryId)));
      if (!found.ok) throw found;
      const r = await need().copies.copy(found.value, { onProgress });
      return { path: r.path, size: r.size };
    }),
};
