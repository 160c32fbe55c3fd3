// Search by name across the whole tree, as the user types: the worker lists the tree once into an
// index the page filters (listed again after the account's own tree changes), and the results
// say where each item lives.
import type { Entry } from '@coffer/sdk';
import { useCallback, useEffect, useRef, useState } from 'react';
import { type Result, worker } from '../api.ts';
import { onChanges } from '../change-feed.ts';
import { fill } from '../i18n/format.ts';
import { useT } from '../i18n/use-t.ts';
import { Icon } from '../ui.tsx';
import { matches } from './search-match.ts';
import { fileStrings } from './strings.ts';

export type Hit = Entry & { path: string };
/** How many results show at most; a longer query narrows them. */
const SHOWN = 200;
/** How long typing pauses before the results follow. */
export const SEARCH_DELAY_MS = 250;

/** The results for `query` (null while the tree is being listed), kept in step with the tree. */
export function useSearchResults(query: string, active: boolean, onError: (m: string) => void) {
  const index = useRef<Hit[] | null>(null);
  const [hits, setHits] = useState<Hit[] | null>(null);
  const [stale, setStale] = useState(0);
  useEffect(
    () =>
      onChanges((news) => {
        if (news !== 'all' && !news.some((c) => c.shareId === null)) return;
        index.current = null;
        setStale((n) => n + 1);
      }),
    [],
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: a change to the tree (`stale`) searches again
  useEffect(() => {
    if (!active || !query.trim()) return;
    let current = true;
    const run = async () => {
      if (!index.current) {
        setHits(null);
        const r: Result<Hit[]> = await worker.searchIndex();
        if (!r.ok) return onError(r.message);
        index.current = r.value;
      }
      if (current) setHits(index.current.filter((h) => matches(h.name, query)));
    };
    void run();
    return () => {
      current = false;
    };
  }, [query, active, onError, stale]);
  return hits;
}

/**
 * The search box: what is typed is shown at once, and handed on (`onSearch`) once typing
 * pauses, or at once on Enter.
 */
export function SearchBox({
  query,
  onSearch,
}: {
  query: string;
  onSearch: (query: string) => void;
}) {
  const t = useT(fileStrings);
  const [text, setText] = useState(query);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  // Back and Forward change the query from outside.
  useEffect(() => setText(query), [query]);
  useEffect(() => () => clearTimeout(timer.current ?? undefined), []);
  const send = useCallback(
    (value: string) => {
      clearTimeout(timer.current ?? undefined);
      onSearch(value.trim());
    },
    [onSearch],
  );
  return (
    <search className="search">
      <form
        onSubmit={(ev) => {
          ev.preventDefault();
          send(text);
        }}
      >
        <input
          type="search"
          aria-label={t.searchAll}
          placeholder={t.searchAll}
          value={text}
          onChange={(e) => {
            const value = e.target.value;
            setText(value);
            clearTimeout(timer.current ?? undefined);
            timer.current = setTimeout(() => send(value), SEARCH_DELAY_MS);
          }}
        />
      </form>
    </search>
  );
}

/** The hits: each item's name opens it (a file in its folder), with the folder it is in. */
export function SearchResults({
  query,
  hits,
  onGo,
}: {
  query: string;
  hits: Hit[] | null;
  onGo: (folder: string) => void;
}) {
  const t = useT(fileStrings);
  if (hits === null) return <p className="muted">{t.searching}</p>;
  if (hits.length === 0) return <p className="muted">{fill(t.searchNone, { query })}</p>;
  const folderOf = (path: string) => path.slice(0, path.lastIndexOf('/')) || '/';
  return (
    <>
      <p className="muted" role="status">
        {t.resultCount(hits.length)}
      </p>
      <ul className="results" aria-label={t.results}>
        {hits.slice(0, SHOWN).map((h) => {
          const folder = folderOf(h.path);
          return (
            <li key={h.id}>
              <button
                type="button"
                className="link"
                onClick={() => onGo(h.kind === 'folder' ? h.path : folder)}
              >
                <Icon kind={h.kind} />
                {h.name}
              </button>{' '}
              <button type="button" className="link muted where" onClick={() => onGo(folder)}>
                {fill(t.searchWhere, { folder: folder === '/' ? t.files : folder })}
              </button>
            </li>
          );
        })}
      </ul>
    </>
  );
}
