import {
  Catalog,
  type CatalogEntry,
  type CatalogQuery,
  type CatalogSort,
  KINDS,
  type Kind,
} from '@coffer/sdk/catalog';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { worker } from '../api.ts';
import { fill } from '../i18n/format.ts';
import { useT } from '../i18n/use-t.ts';
import { EntryCard } from './catalog-entry.tsx';
import { Outcome, Pending } from './outcome.tsx';
import { groupStrings } from './strings.ts';

/** How many entries show at first, and how many more each "Show more" adds. */
const PAGE = 60;
const SORTS: readonly CatalogSort[] = ['date', 'name', 'size', 'rating'];

interface Loaded {
  entries: CatalogEntry[];
  problems: string[];
  groups: { id: string; name: string }[];
  me: string;
}

type Filters = {
  search: string;
  groupId: string;
  member: string;
  kind: Kind | '';
  sort: CatalogSort;
};
const NO_FILTERS: Filters = { search: '', groupId: '', member: '', kind: '', sort: 'date' };

const queryOf = (f: Filters): CatalogQuery => ({
  sort: f.sort,
  ...(f.search ? { search: f.search } : {}),
  ...(f.groupId ? { groupId: f.groupId } : {}),
  ...(f.member ? { member: f.member } : {}),
  ...(f.kind ? { kind: f.kind } : {}),
});

/**
 * The Catalog page: every entry of every group we are in, opened in the worker; browsed by
 * group, member and kind, sorted, and searched by name and tag on this page as one types.
 */
export function CatalogView() {
  const t = useT(groupStrings);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [limit, setLimit] = useState(PAGE);

  const load = useCallback(async () => {
    const [c, g, me] = await Promise.all([worker.catalog(), worker.groups(), worker.me()]);
    if (!c.ok) return setError(c.message);
    if (!g.ok) return setError(g.message);
    setLoaded({
      ...c.value,
      groups: g.value.filter((x) => x.role !== 'invited').map(({ id, name }) => ({ id, name })),
      me: me.ok ? me.value.accountId : '',
    });
  }, []);
  useEffect(() => void load(), [load]);

  const catalog = useMemo(() => new Catalog(loaded?.entries ?? []), [loaded]);
  const hits = useMemo(() => catalog.find(queryOf(filters)), [catalog, filters]);
  const set = (f: Partial<Filters>) => {
    setFilters({ ...filters, ...f });
    setLimit(PAGE);
  };

  const withdraw = async (e: CatalogEntry) => {
    setError(null);
    setDone(null);
    const r = await worker.withdraw(e.groupId, e.entryId);
    if (!r.ok) return setError(r.message);
    setDone(fill(t.withdrawn, { name: e.name, group: e.groupName }));
    await load();
  };

  if (loaded === null) return <Pending error={error} />;
  if (loaded.groups.length === 0) return <p className="empty-note">{t.catalogNoGroups}</p>;
  // The order is not a filter: clearing the filters keeps it.
  const filtered = Boolean(filters.search || filters.groupId || filters.member || filters.kind);
  const authors = [
    ...new Map(loaded.entries.map((e) => [e.author.accountId, e.author.email])).entries(),
  ].sort((a, b) => a[1].localeCompare(b[1]));
  const counts = new Map<Kind, number>();
  for (const e of loaded.entries) counts.set(e.kind, (counts.get(e.kind) ?? 0) + 1);
  return (
    <div className="catalog">
      <search className="catalog-filters">
        <input
          type="search"
          aria-label={t.searchCatalog}
          placeholder={t.searchCatalog}
          value={filters.search}
          onChange={(e) => set({ search: e.target.value })}
        />
        <select
          aria-label={t.filterGroup}
          value={filters.groupId}
          onChange={(e) => set({ groupId: e.target.value })}
        >
          <option value="">{t.allGroups}</option>
          {loaded.groups.map((g) => (
            <option key={g.id} value={g.id}>
              {g.name}
            </option>
          ))}
        </select>
        <select
          aria-label={t.filterMember}
          value={filters.member}
          onChange={(e) => set({ member: e.target.value })}
        >
          <option value="">{t.everyone}</option>
          {authors.map(([id, email]) => (
            <option key={id} value={id}>
              {id === loaded.me ? `${email} (${t.you})` : email}
            </option>
          ))}
        </select>
        <select
          aria-label={t.filterKind}
          value={filters.kind}
          onChange={(e) => set({ kind: e.target.value as Kind | '' })}
        >
          <option value="">{t.allKinds}</option>
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {t[`kind_${k}`]} ({counts.get(k) ?? 0})
            </option>
          ))}
        </select>
        <select
          aria-label={t.sortBy}
          value={filters.sort}
          onChange={(e) => set({ sort: e.target.value as CatalogSort })}
        >
          {SORTS.map((s) => (
            <option key={s} value={s}>
              {t[`sort_${s}`]}
            </option>
          ))}
        </select>
      </search>
      <Outcome error={error} done={done} />
      {loaded.problems.length > 0 && (
        <p className="muted small">{t.catalogBroken(loaded.problems.length)}</p>
      )}
      {loaded.entries.length === 0 ? (
        <p className="empty-note">{t.catalogEmpty}</p>
      ) : (
        <>
          <div className="catalog-count">
            <p role="status" className="muted">
              {filtered
                ? t.entryCountOf(hits.length, { total: loaded.entries.length })
                : t.entryCount(hits.length)}
            </p>
            {filtered && (
              <button
                type="button"
                className="link"
                onClick={() => set({ ...NO_FILTERS, sort: filters.sort })}
              >
                {t.clearFilters}
              </button>
            )}
          </div>
          {hits.length === 0 && <p className="empty-note">{t.catalogNoMatch}</p>}
          <ul className="entry-list" aria-label={t.catalog}>
            {hits.slice(0, limit).map((e) => (
              <li key={`${e.groupId}/${e.entryId}`}>
                <EntryCard
                  entry={e}
                  mine={e.author.accountId === loaded.me}
                  onWithdraw={(x) => void withdraw(x)}
                />
              </li>
            ))}
          </ul>
          {hits.length > limit && (
            <button type="button" onClick={() => setLimit(limit + PAGE)}>
              {t.showMore}
            </button>
          )}
        </>
      )}
    </div>
  );
}
