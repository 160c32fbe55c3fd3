// Search by name across the whole tree (the worker walks it): the box and the results.
import type { Entry } from '@coffer/sdk';
import { useState } from 'react';
import { type Result, worker } from '../api.ts';
import { useT } from '../i18n/use-t.ts';
import { Icon } from '../ui.tsx';

type Hit = Entry & { path: string };

/** The search box's text, and the hits of the last search (null while it runs). */
export function useSearch(onError: (m: string) => void) {
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<Hit[] | null>(null);
  /** Starts a search for the box's text; false when there is nothing to search for. */
  const run = () => {
    const q = query.trim();
    if (!q) return false;
    setHits(null);
    void worker.search(q).then((r: Result<Hit[]>) => {
      if (r.ok) setHits(r.value);
      else onError(r.message);
    });
    return true;
  };
  return { query, setQuery, hits, run };
}

/** The hits, each a link to the folder it is in (a folder's own, for a folder). */
export function SearchResults({
  hits,
  onGo,
}: {
  hits: Hit[] | null;
  onGo: (folder: string) => void;
}) {
  const t = useT();
  if (hits === null) return <p className="muted">{t.working}</p>;
  if (hits.length === 0) return <p className="muted">{t.noResults}</p>;
  return (
    <ul className="results" aria-label={t.results}>
      {hits.map((h) => (
        <li key={h.id}>
          <Icon kind={h.kind} />
          <button
            type="button"
            className="link"
            onClick={() =>
              onGo(h.kind === 'folder' ? h.path : h.path.slice(0, h.path.lastIndexOf('/')) || '/')
            }
          >
            {h.path}
          </button>
        </li>
      ))}
    </ul>
  );
}
