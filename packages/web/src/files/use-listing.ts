// The open folder's items, listed again after a change: ours, an upload landing in it, or one
// the change feed reports from another device ([Note: Listings follow the change feed]).
import { useCallback, useEffect, useRef, useState } from 'react';
import { type Result, worker } from '../api.ts';
import { type ChangeNews, onChanges } from '../change-feed.ts';
import { uploads } from '../uploads.tsx';
import type { ListedEntry } from '../worker.ts';

/** Whether a page of changes touches the folder `folderId` or one of the items it shows. */
export function concerns(news: ChangeNews, folderId: string | null, shown: ReadonlySet<string>) {
  if (news === 'all' || folderId === null) return true;
  return news.some((c) => c.parentId === folderId || c.nodeId === folderId || shown.has(c.nodeId));
}

/** `onError` has the error's code besides its message: a folder that is gone is `not_found`. */
export function useListing(path: string, onError: (message: string, code: string) => void) {
  const [entries, setEntries] = useState<ListedEntry[] | null>(null);
  // A listing that arrives after the user opened another folder is dropped.
  const shown = useRef(path);
  shown.current = path;
  const folder = useRef<{ id: string | null; items: Set<string> }>({ id: null, items: new Set() });
  const refresh = useCallback(async () => {
    const r: Result<{ id: string; entries: ListedEntry[] }> = await worker.listFolder(path);
    if (path !== shown.current) return;
    if (r.ok) {
      folder.current = { id: r.value.id, items: new Set(r.value.entries.map((e) => e.id)) };
      setEntries(r.value.entries);
    } else onError(r.message, r.code);
  }, [path, onError]);
  const latestRefresh = useRef(refresh);
  latestRefresh.current = refresh;
  useEffect(() => {
    setEntries(null);
    folder.current = { id: null, items: new Set() };
    void refresh();
  }, [refresh]);

  // While many files land or change, the folder is listed again at most once a second.
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refreshAgain = useRef(false);
  const refreshSoon = useCallback(() => {
    if (refreshTimer.current) {
      refreshAgain.current = true;
      return;
    }
    void latestRefresh.current();
    const settle = () => {
      refreshTimer.current = null;
      if (!refreshAgain.current) return;
      refreshAgain.current = false;
      void latestRefresh.current();
      refreshTimer.current = setTimeout(settle, 1000);
    };
    refreshTimer.current = setTimeout(settle, 1000);
  }, []);
  useEffect(
    () =>
      uploads.onFinished((done) => {
        // A file landed in this folder, or in a folder inside it that may be new.
        if (done.startsWith(path === '/' ? '/' : `${path}/`)) refreshSoon();
      }),
    [path, refreshSoon],
  );
  useEffect(
    () =>
      onChanges((news) => {
        if (concerns(news, folder.current.id, folder.current.items)) refreshSoon();
      }),
    [refreshSoon],
  );
  useEffect(
    () => () => {
      if (refreshTimer.current) clearTimeout(refreshTimer.current);
    },
    [],
  );

  return {
    entries,
    refresh,
    /** Lists whichever folder is open by the time it is called. */
    refreshLatest: useCallback(() => latestRefresh.current(), []),
  };
}
