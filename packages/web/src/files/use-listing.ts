// The open folder's items, listed again after a change, and as uploads land in it.
import { useCallback, useEffect, useRef, useState } from 'react';
import { type Result, worker } from '../api.ts';
import { uploads } from '../uploads.tsx';
import type { ListedEntry } from '../worker.ts';

export function useListing(path: string, onError: (m: string) => void) {
  const [entries, setEntries] = useState<ListedEntry[] | null>(null);
  // A listing that arrives after the user opened another folder is dropped.
  const shown = useRef(path);
  shown.current = path;
  const refresh = useCallback(async () => {
    const r: Result<ListedEntry[]> = await worker.list(path);
    if (path !== shown.current) return;
    if (r.ok) setEntries(r.value);
    else onError(r.message);
  }, [path, onError]);
  const latestRefresh = useRef(refresh);
  latestRefresh.current = refresh;
  useEffect(() => {
    setEntries(null);
    void refresh();
  }, [refresh]);

  const refreshTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refreshAgain = useRef(false);
  useEffect(
    () =>
      uploads.onFinished((done) => {
        // A file landed in this folder, or in a folder inside it that may be new. While many
        // small files land, the folder is listed again at most once a second.
        if (!done.startsWith(path === '/' ? '/' : `${path}/`)) return;
        if (refreshTimer.current) {
          refreshAgain.current = true;
          return;
        }
        void refresh();
        const settle = () => {
          refreshTimer.current = null;
          if (!refreshAgain.current) return;
          refreshAgain.current = false;
          void latestRefresh.current();
          refreshTimer.current = setTimeout(settle, 1000);
        };
        refreshTimer.current = setTimeout(settle, 1000);
      }),
    [path, refresh],
  );

  return {
    entries,
    refresh,
    /** Lists whichever folder is open by the time it is called. */
    refreshLatest: useCallback(() => latestRefresh.current(), []),
  };
}
