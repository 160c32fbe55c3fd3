// The order of a folder's items: folders first, then by name, size or date, either way.
import type { Entry } from '@coffer/sdk';
import { useMemo, useState } from 'react';

export type SortKey = 'name' | 'size' | 'modified';
type Sort = { key: SortKey; dir: 1 | -1 };

function sortEntries<E extends Entry>(entries: E[], sort: Sort): E[] {
  const value = (e: Entry) =>
    sort.key === 'name' ? 0 : sort.key === 'size' ? e.size : (e.mtime ?? e.updatedAt);
  return [...entries].sort((a, b) => {
    if (a.kind !== b.kind) return a.kind === 'folder' ? -1 : 1;
    const d =
      sort.key === 'name'
        ? a.name.localeCompare(b.name, undefined, { numeric: true })
        : value(a) - value(b);
    return d * sort.dir;
  });
}

/** `entries` in order, by name at first; choosing the same column again turns the order round. */
export function useSorted<E extends Entry>(entries: E[] | null) {
  const [sort, setSort] = useState<Sort>({ key: 'name', dir: 1 });
  const sorted = useMemo(() => (entries ? sortEntries(entries, sort) : null), [entries, sort]);
  return {
    sorted,
    sort,
    sortBy: (key: SortKey) =>
      setSort((s) => ({ key, dir: s.key === key ? (s.dir === 1 ? -1 : 1) : 1 })),
    ariaSort: (key: SortKey) =>
      sort.key === key ? (sort.dir === 1 ? 'ascending' : 'descending') : undefined,
  };
}
