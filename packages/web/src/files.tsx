import type { Entry } from '@coffer/sdk';
import { formatBytes } from '@coffer/sdk/format';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { SessionsView, TrashView } from './account.tsx';
import { type Result, worker } from './api.ts';
import { ContactsView } from './contacts.tsx';
import { HostingView } from './hosting.tsx';
import { useT } from './i18n/use-t.ts';
import { MoveDialog } from './move-dialog.tsx';
import { Preview } from './preview.tsx';
import { SharedView } from './shared.tsx';
import { onStreamError } from './stream.ts';
import { Crumbs, Icon, joinPath, saveFile, saveZip, Thumb } from './ui.tsx';
import { UploadsPanel, uploads } from './uploads.tsx';
import type { ListedEntry } from './worker.ts';

/** The drag data of items moved inside the app (their names in the open folder). */
const MOVE_TYPE = 'application/x-coffer-move';

/** The files of a drop, folders walked recursively, each with its path inside the drop. */
async function droppedFiles(data: DataTransfer): Promise<{ file: File; rel: string }[]> {
  const out: { file: File; rel: string }[] = [];
  const walk = async (entry: FileSystemEntry, prefix: string): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((res, rej) =>
        (entry as FileSystemFileEntry).file(res, rej),
      );
      out.push({ file, rel: `${prefix}${entry.name}` });
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((res, rej) =>
          reader.readEntries(res, rej),
        );
        if (batch.length === 0) break;
        for (const child of batch) await walk(child, `${prefix}${entry.name}/`);
      }
    }
  };
  const entries = Array.from(data.items)
    .map((i) => i.webkitGetAsEntry())
    .filter((e): e is FileSystemEntry => e !== null);
  if (entries.length === 0) {
    return Array.from(data.files).map((file) => ({ file, rel: file.name }));
  }
  for (const e of entries) await walk(e, '');
  return out;
}

type Sort = { key: 'name' | 'size' | 'modified'; dir: 1 | -1 };

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

export function Files({ onLogout, language }: { onLogout: () => void; language: React.ReactNode }) {
  const t = useT();
  const [path, setPath] = useState('/');
  const [entries, setEntries] = useState<ListedEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [folderName, setFolderName] = useState<string | null>(null);
  const [view, setView] = useState<
    'files' | 'shared' | 'trash' | 'contacts' | 'sessions' | 'hosting' | 'search'
  >('files');
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<(Entry & { path: string })[] | null>(null);
  const [renaming, setRenaming] = useState<{ id: string; name: string } | null>(null);
  const [dragging, setDragging] = useState(false);
  const [sort, setSort] = useState<Sort>({ key: 'name', dir: 1 });
  const [layout, setLayout] = useState<'list' | 'grid'>(() =>
    localStorage.getItem('coffer.layout') === 'grid' ? 'grid' : 'list',
  );
  const [previewing, setPreviewing] = useState<Entry | null>(null);
  const sorted = useMemo(() => (entries ? sortEntries(entries, sort) : null), [entries, sort]);
  const sortBy = (key: Sort['key']) =>
    setSort((s) => ({ key, dir: s.key === key ? (s.dir === 1 ? -1 : 1) : 1 }));
  const ariaSort = (key: Sort['key']) =>
    sort.key === key ? (sort.dir === 1 ? 'ascending' : 'descending') : undefined;
  const toggleLayout = () => {
    const next = layout === 'list' ? 'grid' : 'list';
    localStorage.setItem('coffer.layout', next);
    setLayout(next);
  };
  const showError = useCallback((m: string) => setError(m), []);
  useEffect(() => onStreamError(showError), [showError]);

  // ---- selection, keyboard and drag and drop ----
  const list = sorted ?? [];
  const [selected, setSelected] = useState<Set<string>>(() => new Set());
  const [focus, setFocus] = useState(0);
  const [moving, setMoving] = useState<string[] | null>(null);
  const [dropTarget, setDropTarget] = useState<string | null>(null);
  const itemRefs = useRef<(HTMLElement | null)[]>([]);
  const gridRef = useRef<HTMLDivElement>(null);
  const anchor = useRef(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new folder starts unselected
  useEffect(() => {
    setSelected(new Set());
    setFocus(0);
  }, [path]);
  /** What an action applies to: the selection, or the item acted on when it is not selected. */
  const chosen = (e?: Entry) =>
    e && !selected.has(e.id) ? [e] : list.filter((x) => selected.has(x.id));
  const toggle = (i: number, e: Entry) => {
    anchor.current = i;
    setSelected((s) => {
      const n = new Set(s);
      if (!n.delete(e.id)) n.add(e.id);
      return n;
    });
  };
  const selectRange = (to: number) => {
    const [lo, hi] = [Math.min(anchor.current, to), Math.max(anchor.current, to)];
    setSelected(new Set(list.slice(lo, hi + 1).map((x) => x.id)));
  };
  const focusItem = (i: number) => {
    const k = Math.max(0, Math.min(list.length - 1, i));
    setFocus(k);
    itemRefs.current[k]?.focus();
    return k;
  };
  const open = (e: Entry) =>
    e.kind === 'folder' ? setPath(joinPath(path, e.name)) : setPreviewing(e);
  const parent = () => setPath(path.slice(0, path.lastIndexOf('/')) || '/');
  /** Cards per row in the grid, read from the layout, for ArrowUp and ArrowDown. */
  const columns = () => {
    const cards = Array.from(gridRef.current?.children ?? []) as HTMLElement[];
    const top = cards[0]?.offsetTop;
    return Math.max(1, cards.filter((c) => c.offsetTop === top).length);
  };
  const onItemKey = (ev: React.KeyboardEvent, i: number, e: Entry) => {
    const inside = ev.target !== ev.currentTarget;
    if (inside && (ev.target as HTMLElement).tagName === 'INPUT') return;
    const cols = layout === 'grid' ? columns() : 1;
    const step: Record<string, number> = {
      ArrowDown: cols,
      ArrowUp: -cols,
      Home: -list.length,
      End: list.length,
      ...(layout === 'grid' ? { ArrowRight: 1, ArrowLeft: -1 } : {}),
    };
    const by = step[ev.key];
    if (by !== undefined) {
      ev.preventDefault();
      const to = focusItem(i + by);
      if (ev.shiftKey) selectRange(to);
      else anchor.current = to;
      return;
    }
    if (inside) return;
    if (ev.key === ' ') toggle(i, e);
    else if (ev.key === 'Enter') open(e);
    else if (ev.key === 'Delete') void trash(chosen(e));
    else if (ev.key === 'F2') setRenaming({ id: e.id, name: e.name });
    else if (ev.key === 'Escape') setSelected(new Set());
    else if (ev.key === 'Backspace') parent();
    else if (ev.key === 'a' && (ev.ctrlKey || ev.metaKey))
      setSelected(new Set(list.map((x) => x.id)));
    else return;
    ev.preventDefault();
  };
  /** Ctrl or Cmd toggles, Shift extends; a plain click on a card opens it. */
  const onItemClick = (ev: React.MouseEvent, i: number, e: Entry, opens: boolean) => {
    setFocus(i);
    if (ev.ctrlKey || ev.metaKey) toggle(i, e);
    else if (ev.shiftKey) selectRange(i);
    else {
      anchor.current = i;
      if (opens) open(e);
    }
  };
  const itemClass = (e: Entry) =>
    [selected.has(e.id) && 'selected', dropTarget === e.id && 'drop-target']
      .filter(Boolean)
      .join(' ') || undefined;

  /** Moves items of this folder into another folder. */
  const moveInto = async (names: string[], dir: string) => {
    setError(null);
    for (const name of names) {
      if (dir === path || joinPath(path, name) === dir) continue;
      const r = await worker.move(joinPath(path, name), joinPath(dir, name));
      if (!r.ok) setError(r.message);
    }
    setSelected(new Set());
    await refresh();
  };
  /** Drag sources (every item) and drop targets (folders) for moving by drag and drop. */
  const dragProps = (e: Entry) => ({
    draggable: true,
    onDragStart: (ev: React.DragEvent) => {
      ev.dataTransfer.setData(MOVE_TYPE, JSON.stringify(chosen(e).map((x) => x.name)));
      ev.dataTransfer.effectAllowed = 'move';
    },
    ...(e.kind === 'folder' ? dropProps(joinPath(path, e.name), e.id) : {}),
  });
  const dropProps = (dir: string, id: string) => ({
    onDragOver: (ev: React.DragEvent) => {
      if (!ev.dataTransfer.types.includes(MOVE_TYPE)) return;
      ev.preventDefault();
      ev.stopPropagation();
      ev.dataTransfer.dropEffect = 'move';
      setDropTarget(id);
    },
    onDragLeave: () => setDropTarget(null),
    onDrop: (ev: React.DragEvent) => {
      if (!ev.dataTransfer.types.includes(MOVE_TYPE)) return;
      ev.preventDefault();
      ev.stopPropagation();
      setDropTarget(null);
      const names = JSON.parse(ev.dataTransfer.getData(MOVE_TYPE)) as string[];
      void moveInto(names, dir);
    },
  });

  const search = async (ev: React.FormEvent) => {
    ev.preventDefault();
    if (!query.trim()) return;
    setView('search');
    setHits(null);
    const r: Result<(Entry & { path: string })[]> = await worker.search(query.trim());
    if (r.ok) setHits(r.value);
    else setError(r.message);
  };

  /** The inline form that renames `e` (the list shows it in the row, the grid in the bar). */
  const renameForm = (e: Entry | undefined) =>
    e &&
    renaming && (
      <form onSubmit={(ev) => void rename(ev, e)} className="inline-form">
        <input
          aria-label={t.newName}
          value={renaming.name}
          // biome-ignore lint/a11y/noAutofocus: F2 and Rename put the caret in the name
          autoFocus
          onChange={(ev) => setRenaming({ id: e.id, name: ev.target.value })}
          onKeyDown={(ev) => {
            ev.stopPropagation();
            if (ev.key === 'Escape') setRenaming(null);
          }}
        />
        <button type="submit">{t.save}</button>
      </form>
    );

  const rename = async (ev: React.FormEvent, e: Entry) => {
    ev.preventDefault();
    setError(null);
    if (!renaming?.name || renaming.name === e.name) return setRenaming(null);
    if (renaming.name.includes('/')) return setError(t.badName);
    const r = await worker.move(joinPath(path, e.name), joinPath(path, renaming.name));
    if (!r.ok) setError(r.message);
    setRenaming(null);
    setSelected(new Set());
    await refresh();
  };

  // A listing that arrives after the user opened another folder is dropped.
  const shown = useRef(path);
  shown.current = path;
  const refresh = useCallback(async () => {
    const r: Result<ListedEntry[]> = await worker.list(path);
    if (path !== shown.current) return;
    if (r.ok) setEntries(r.value);
    else setError(r.message);
  }, [path]);
  const latestRefresh = useRef(refresh);
  latestRefresh.current = refresh;
  useEffect(() => {
    setEntries(null);
    void refresh();
  }, [refresh]);

  /** Uploads files, each at its path relative to this folder (folders are created as needed). */
  const upload = (items: { file: File; rel: string }[]) => {
    setError(null);
    uploads.add(items.map(({ file, rel }) => ({ file, path: joinPath(path, rel) })));
  };
  useEffect(() => void uploads.restore(), []);
  // Files visitors sent to our file requests come in when the app opens.
  const [arrived, setArrived] = useState<string | null>(null);
  useEffect(() => {
    void worker.requestsCollect().then((r) => {
      if (!r.ok) return setError(r.message);
      for (const p of r.value.problems) setError(p);
      if (r.value.received.length) {
        setArrived(t.requestsArrived(r.value.received.length));
        void latestRefresh.current();
      }
    });
  }, [t]);
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
  const fromInput = (files: FileList | null) =>
    Array.from(files ?? []).map((file) => ({ file, rel: file.webkitRelativePath || file.name }));

  /** One file downloads as itself; a folder or several items as one zip. */
  const download = async (items = chosen()) => {
    setError(null);
    const [first] = items;
    if (!first) return;
    if (items.length === 1 && first.kind === 'file') {
      return saveFile(joinPath(path, first.name), first.name, showError);
    }
    const name = items.length === 1 ? first.name : (path.split('/').pop() ?? '') || t.appName;
    const paths = items.map((x) => joinPath(path, x.name));
    if (!(await saveZip(paths, `${name}.zip`))) setError(t.noZip);
  };

  const trash = async (items = chosen()) => {
    setError(null);
    for (const e of items) {
      const r = await worker.trash(joinPath(path, e.name));
      if (!r.ok) setError(r.message);
    }
    setSelected(new Set());
    await refresh();
  };

  const mkdir = async (ev: React.FormEvent) => {
    ev.preventDefault();
    setError(null);
    if (!folderName) return;
    if (folderName.includes('/')) return setError(t.badName);
    const r = await worker.mkdir(joinPath(path, folderName));
    if (!r.ok) setError(r.message);
    setFolderName(null);
    await refresh();
  };

  return (
    <div className="app">
      <header>
        <strong>{t.appName}</strong>
        <div className="header-tools">
          {language}
          <button type="button" onClick={onLogout}>
            {t.logOut}
          </button>
        </div>
      </header>
      <nav className="views" aria-label={t.views}>
        {(['files', 'shared', 'trash', 'contacts', 'sessions', 'hosting'] as const).map((v) => (
          <button
            key={v}
            type="button"
            aria-current={view === v ? 'page' : undefined}
            onClick={() => {
              setView(v);
              if (v === 'files') void refresh();
            }}
          >
            {t[v]}
          </button>
        ))}
        <search className="search">
          <form onSubmit={search}>
            <input
              type="search"
              aria-label={t.search}
              placeholder={t.search}
              value={query}
              onChange={(e) => setQuery(e.target.value)}
            />
          </form>
        </search>
      </nav>
      <main
        className={dragging ? 'dragging' : undefined}
        onDragOver={(e) => {
          if (view !== 'files' || e.dataTransfer.types.includes(MOVE_TYPE)) return;
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          if (view !== 'files' || e.dataTransfer.types.includes(MOVE_TYPE)) return;
          e.preventDefault();
          setDragging(false);
          void droppedFiles(e.dataTransfer).then(upload);
        }}
      >
        {error && (
          <p role="alert" className="error">
            {error}{' '}
            <button
              type="button"
              className="link"
              onClick={() => setError(null)}
              aria-label={t.dismiss}
            >
              ×
            </button>
          </p>
        )}
        {arrived && (
          <p role="status" className="notice">
            {arrived}{' '}
            <button
              type="button"
              className="link"
              onClick={() => setArrived(null)}
              aria-label={t.dismiss}
            >
              ×
            </button>
          </p>
        )}
        {view === 'trash' && <TrashView onError={showError} />}
        {view === 'shared' && <SharedView onError={showError} />}
        {view === 'contacts' && <ContactsView onError={showError} />}
        {view === 'sessions' && <SessionsView onError={showError} />}
        {view === 'hosting' && <HostingView onError={showError} />}
        {view === 'search' &&
          (hits === null ? (
            <p className="muted">{t.working}</p>
          ) : hits.length === 0 ? (
            <p className="muted">{t.noResults}</p>
          ) : (
            <ul className="results" aria-label={t.results}>
              {hits.map((h) => (
                <li key={h.id}>
                  <Icon kind={h.kind} />
                  <button
                    type="button"
                    className="link"
                    onClick={() => {
                      const dir =
                        h.kind === 'folder'
                          ? h.path
                          : h.path.slice(0, h.path.lastIndexOf('/')) || '/';
                      setPath(dir);
                      setView('files');
                    }}
                  >
                    {h.path}
                  </button>
                </li>
              ))}
            </ul>
          ))}
        {view === 'files' && (
          <>
            <Crumbs
              path={path}
              rootLabel={t.files}
              label={t.breadcrumbs}
              onGo={setPath}
              extra={(dir) => ({
                ...dropProps(dir, `crumb:${dir}`),
                ...(dropTarget === `crumb:${dir}` ? { className: 'link drop-target' } : {}),
              })}
            />
            <div className="toolbar">
              <label className="button primary">
                {t.upload}
                <input
                  type="file"
                  multiple
                  hidden
                  onChange={(e) => void upload(fromInput(e.target.files))}
                  aria-label={t.upload}
                />
              </label>
              <label className="button">
                {t.uploadFolder}

                <input
                  type="file"
                  hidden
                  ref={(el) => el?.setAttribute('webkitdirectory', '')}
                  onChange={(e) => void upload(fromInput(e.target.files))}
                  aria-label={t.uploadFolder}
                />
              </label>
              <button type="button" onClick={() => setFolderName('')}>
                {t.newFolder}
              </button>
              <button type="button" onClick={toggleLayout} aria-pressed={layout === 'grid'}>
                {t.grid}
              </button>
            </div>
            {folderName !== null && (
              <form onSubmit={mkdir} className="inline-form">
                <input
                  aria-label={t.folderName}
                  placeholder={t.folderName}
                  value={folderName}
                  onChange={(e) => setFolderName(e.target.value)}
                />
                <button type="submit">{t.create}</button>
              </form>
            )}
            {dragging && <p className="muted">{t.dropHere}</p>}
            <UploadsPanel />
            {selected.size > 0 && (
              <div className="selection-bar" role="toolbar" aria-label={t.selection}>
                <strong>{t.selectedCount(selected.size)}</strong>
                <button type="button" onClick={() => void download()}>
                  {t.download}
                </button>
                {selected.size === 1 && (
                  <button
                    type="button"
                    onClick={() => {
                      const [only] = chosen();
                      if (only) setRenaming({ id: only.id, name: only.name });
                    }}
                  >
                    {t.rename}
                  </button>
                )}
                <button type="button" onClick={() => setMoving(chosen().map((x) => x.name))}>
                  {t.moveTo}
                </button>
                <button type="button" onClick={() => void trash()}>
                  {t.moveToTrash}
                </button>
                <button type="button" onClick={() => setSelected(new Set())}>
                  {t.clearSelection}
                </button>
                {layout === 'grid' &&
                  renaming &&
                  renameForm(list.find((x) => x.id === renaming.id))}
              </div>
            )}
            {entries === null ? (
              <p className="muted">{t.working}</p>
            ) : entries.length === 0 ? (
              <p className="muted">{t.empty}</p>
            ) : layout === 'grid' ? (
              <div
                className="grid"
                role="listbox"
                aria-multiselectable="true"
                aria-label={t.files}
                ref={gridRef}
              >
                {list.map((e, i) => (
                  <div
                    key={e.id}
                    role="option"
                    aria-selected={selected.has(e.id)}
                    tabIndex={i === focus ? 0 : -1}
                    ref={(el) => {
                      itemRefs.current[i] = el;
                    }}
                    className={`card ${itemClass(e) ?? ''}`}
                    onKeyDown={(ev) => onItemKey(ev, i, e)}
                    onClick={(ev) => onItemClick(ev, i, e, true)}
                    {...dragProps(e)}
                  >
                    <input
                      type="checkbox"
                      className="card-check"
                      aria-label={`${t.select} ${e.name}`}
                      checked={selected.has(e.id)}
                      onClick={(ev) => ev.stopPropagation()}
                      onChange={() => toggle(i, e)}
                    />
                    <Thumb data={e.thumbnail} kind={e.kind} large />
                    <span className="card-name">{e.name}</span>
                    <span className="muted">{e.kind === 'folder' ? '' : formatBytes(e.size)}</span>
                  </div>
                ))}
              </div>
            ) : (
              <table className="files-table" aria-label={t.files}>
                <thead>
                  <tr>
                    <th scope="col" className="check">
                      <input
                        type="checkbox"
                        aria-label={t.selectAll}
                        checked={selected.size > 0 && selected.size === list.length}
                        onChange={() =>
                          setSelected(
                            selected.size === list.length
                              ? new Set()
                              : new Set(list.map((x) => x.id)),
                          )
                        }
                      />
                    </th>
                    {(['name', 'size', 'modified'] as const).map((key) => (
                      <th scope="col" key={key} aria-sort={ariaSort(key)}>
                        <button type="button" className="sort" onClick={() => sortBy(key)}>
                          {t[key]}
                          {sort.key === key ? (sort.dir === 1 ? ' ↑' : ' ↓') : ''}
                        </button>
                      </th>
                    ))}
                    <th scope="col">
                      <span className="visually-hidden">{t.actions}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((e, i) => (
                    <tr
                      key={e.id}
                      tabIndex={i === focus ? 0 : -1}
                      aria-label={e.name}
                      ref={(el) => {
                        itemRefs.current[i] = el;
                      }}
                      className={itemClass(e)}
                      onKeyDown={(ev) => onItemKey(ev, i, e)}
                      onClick={(ev) => onItemClick(ev, i, e, false)}
                      {...dragProps(e)}
                    >
                      <td className="check">
                        <input
                          type="checkbox"
                          aria-label={`${t.select} ${e.name}`}
                          checked={selected.has(e.id)}
                          onChange={() => toggle(i, e)}
                        />
                      </td>
                      <td>
                        {renaming?.id === e.id ? (
                          renameForm(e)
                        ) : (
                          <button
                            type="button"
                            className="link"
                            onClick={(ev) => {
                              if (!(ev.ctrlKey || ev.metaKey || ev.shiftKey)) open(e);
                            }}
                            aria-label={e.kind === 'folder' ? e.name : `${t.preview} ${e.name}`}
                          >
                            <Thumb data={e.thumbnail} kind={e.kind} />
                            {e.name}
                          </button>
                        )}
                      </td>
                      <td className="nowrap">{e.kind === 'folder' ? '—' : formatBytes(e.size)}</td>
                      <td className="nowrap">
                        {new Date(e.mtime ?? e.updatedAt).toLocaleString()}
                      </td>
                      <td>
                        <div className="actions">
                          <button
                            type="button"
                            onClick={() => void download([e])}
                            aria-label={`${t.download} ${e.name}`}
                          >
                            {t.download}
                          </button>
                          <button
                            type="button"
                            onClick={() => setRenaming({ id: e.id, name: e.name })}
                            aria-label={`${t.rename} ${e.name}`}
                          >
                            {t.rename}
                          </button>
                          <button
                            type="button"
                            onClick={() => void trash([e])}
                            aria-label={`${t.moveToTrash} ${e.name}`}
                          >
                            {t.moveToTrash}
                          </button>
                        </div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {moving && (
              <MoveDialog
                from={path}
                names={moving}
                onClose={() => setMoving(null)}
                onMove={(dir) => void moveInto(moving, dir).then(() => setMoving(null))}
              />
            )}
          </>
        )}
        {previewing && (
          <Preview
            path={joinPath(path, previewing.name)}
            entry={previewing}
            onClose={() => setPreviewing(null)}
            onError={showError}
          />
        )}
      </main>
    </div>
  );
}
